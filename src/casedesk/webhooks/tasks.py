"""Background delivery of webhook events (DEP 14 tasks)."""

from django_tasks import default_task_backend, task

from . import services

BATCH = 50
MAX_BATCHES = 40  # one run posts at most 2,000 deliveries; the worker's sweep does the rest


@task()
def deliver_webhooks() -> int:
    """Post due deliveries; if some must wait for a retry, come back when they are due."""
    sent = 0
    for _ in range(MAX_BATCHES):
        result = services.deliver_due(limit=BATCH)
        sent += result.sent
        if result.sent + result.failed < BATCH:
            break
    if result.failed and result.next_retry_at and default_task_backend.supports_defer:
        deliver_webhooks.using(run_after=result.next_retry_at).enqueue()
    return sent


def sweep() -> None:
    """The worker's safety net (each minute): deliver what waits, e.g. after a lost kick."""
    if services.any_due():
        deliver_webhooks.enqueue()
