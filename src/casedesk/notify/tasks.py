"""Background delivery of the outbox (DEP 14 tasks)."""

from django_tasks import default_task_backend, task

from . import services


@task()
def deliver_notifications() -> int:
    """Send due messages; if some must wait for a retry, come back when they are due."""
    result = services.deliver_due()
    if result.failed and result.next_retry_at and default_task_backend.supports_defer:
        deliver_notifications.using(run_after=result.next_retry_at).enqueue()
    return result.sent
