from django.contrib import admin, messages
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from casedesk.core.admin_audit import AuditedAdmin

from . import services
from .models import Notification


def language_name(code: str) -> str:
    """A language by its own name (简体中文, English), as the language switchers name it."""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


class LanguageFilter(admin.SimpleListFilter):
    title = Notification._meta.get_field("language").verbose_name
    parameter_name = "language"

    def lookups(self, request, model_admin):
        codes = Notification.objects.order_by().values_list("language", flat=True).distinct()
        return [(code, language_name(code)) for code in sorted(codes)]

    def queryset(self, request, queryset):
        return queryset.filter(language=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(AuditedAdmin):
    """The outbox: what was sent to whom, and what waits for a retry."""

    list_display = [
        "created_at",
        "to_email",
        "subject",
        "files",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "copy", LanguageFilter]
    search_fields = ["to_email", "subject", "case__number", "dedupe_key"]
    list_select_related = ["case"]
    show_full_result_count = False
    actions = ["retry_now"]
    readonly_fields = [
        {"language": "language_name", "attachments": "files"}.get(f.name, f.name)
        for f in Notification._meta.fields
    ]
    exclude = ["language", "attachments"]

    @admin.display(description=Notification._meta.get_field("language").verbose_name)
    def language_name(self, obj):
        return language_name(obj.language)

    @admin.display(description=Notification._meta.get_field("attachments").verbose_name)
    def files(self, obj):
        """The names of the files the message carries (kept on the row: no query)."""
        return ", ".join(obj.attachment_names)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the selected messages now"))
    def retry_now(self, request, queryset):
        n = services.retry_now(notifications=queryset, by=request.user)
        self.message_user(request, _("%(n)d message(s) will be retried.") % {"n": n}, messages.INFO)
