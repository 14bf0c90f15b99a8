"""Background delivery of the outbox (DEP 14 tasks)."""

from django_tasks import default_task_backend, task

from . import services

BATCH = 200
MAX_BATCHES = 50  # one run sends at most 10,000 messages; the worker's sweep does the rest


@task()
def deliver_notifications() -> int:
    """Send due messages; if some must wait for a retry, come back when they are due.

    One run is asked for per transaction that queued mail (a supervisor batch queues for a
    hundred deadlines at once), so it keeps sending while it finds full batches.
    """
    sent = 0
    for _ in range(MAX_BATCHES):
        result = services.deliver_due(limit=BATCH)
        sent += result.sent
        if result.sent + result.failed < BATCH:
            break
    if result.failed and result.next_retry_at and default_task_backend.supports_defer:
        deliver_notifications.using(run_after=result.next_retry_at).enqueue()
    return sent
