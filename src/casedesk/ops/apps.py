from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class OpsConfig(AppConfig):
    """Running the system: the server and worker processes."""

    name = "casedesk.ops"
    label = "ops"
    verbose_name = _("Operations")


class TasksDatabaseConfig(TasksAppConfig):
    """django-tasks-db (the background task queue in the database) under a translated name:
    the library names its app "Tasks Database Backend" in a string gettext never sees."""

    verbose_name = _("Background tasks")

    def ready(self) -> None:
        super().ready()
        from django_tasks_db.models import DBTaskResult

        # The library's model has no __str__: the admin titled a task "DBTaskResult object".
        # (Its verbose names are left alone: they are migration state of the library's app.)
        if "__str__" not in vars(DBTaskResult):
            DBTaskResult.__str__ = _task_result_str  # type: ignore[method-assign]


def _task_result_str(result) -> str:
    return f"{result.task_name} · {result.id}"
