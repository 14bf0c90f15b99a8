"""The background tasks' results in the admin, with labels in the reader's language."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from casedesk.core.admin_display import json_block

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """The library's admin, whose ID, task and traceback labels are plain English strings."""

    list_display = (
        "task_id",
        "task",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
    )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        shown = {
            "id": "task_id",
            "args_kwargs": "arguments",
            "worker_ids": "workers",
            "return_value": "result",
        }
        return [shown.get(f, f) for f in fields]

    @admin.display(description=DBTaskResult._meta.get_field("args_kwargs").verbose_name)
    def arguments(self, obj: DBTaskResult):
        return json_block(obj.args_kwargs)

    @admin.display(description=DBTaskResult._meta.get_field("worker_ids").verbose_name)
    def workers(self, obj: DBTaskResult):
        return json_block(obj.worker_ids)

    @admin.display(description=DBTaskResult._meta.get_field("return_value").verbose_name)
    def result(self, obj: DBTaskResult):
        return json_block(obj.return_value)

    @admin.display(description=_("ID"), ordering="id")
    def task_id(self, obj: DBTaskResult):
        return obj.id

    @admin.display(description=_("task"), ordering="task_path")
    def task(self, obj: DBTaskResult):
        return obj.task_name

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj: DBTaskResult):
        return super().formatted_traceback(obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj: DBTaskResult):
        return super().display_run_after(obj)
