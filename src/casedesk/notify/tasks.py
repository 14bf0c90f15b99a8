"""Background delivery of the outbox (DEP 14 tasks)."""

from django_tasks import task

from casedesk.core import after_commit

from . import services

BATCH = 200
MAX_BATCHES = 50  # one run sends at most 10,000 messages; the worker's sweep does the rest


@task()
def deliver_notifications() -> int:
    """Send due messages; if some must wait for a retry, come back when they are due.

    One run is asked for per transaction that queued mail (a supervisor batch queues for a
    hundred deadlines at once), so it keeps sending while it finds full batches.
    """
    return after_commit.drain(
        services.deliver_due, deliver_notifications, batch=BATCH, batches=MAX_BATCHES
    )
