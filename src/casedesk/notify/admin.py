from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from casedesk import clock

from .models import Notification, NotificationStatus


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox: what was sent to whom, and what waits for a retry."""

    list_display = ["created_at", "to_email", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "copy", "language"]
    search_fields = ["to_email", "subject", "case__number", "dedupe_key"]
    list_select_related = ["case"]
    show_full_result_count = False
    actions = ["retry_now"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the selected messages now"))
    def retry_now(self, request, queryset):
        n = queryset.filter(status=NotificationStatus.PENDING).update(next_attempt_at=clock.now())
        self.message_user(request, _("%(n)d message(s) will be retried.") % {"n": n}, messages.INFO)
