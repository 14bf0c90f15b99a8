"""Background delivery of webhook events (DEP 14 tasks)."""

from django_tasks import task

from casedesk.core import after_commit

from . import services

BATCH = 50
MAX_BATCHES = 40  # one run posts at most 2,000 deliveries; the worker's sweep does the rest


@task()
def deliver_webhooks() -> int:
    """Post due deliveries; if some must wait for a retry, come back when they are due."""
    return after_commit.drain(
        services.deliver_due, deliver_webhooks, batch=BATCH, batches=MAX_BATCHES
    )


def sweep() -> None:
    """The worker's safety net (each minute): deliver what waits, e.g. after a lost kick."""
    if services.any_due():
        deliver_webhooks.enqueue()
