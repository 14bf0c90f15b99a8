from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from casedesk.core.admin_audit import AuditedAdmin

from . import services
from .choices import InboundStatus
from .models import InboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(AuditedAdmin):
    """Every received e-mail as it arrived, and what became of it; re-run the quarantine."""

    list_display = ["received_at", "sender", "subject", "status", "case", "attempts"]
    list_filter = ["status", "source"]
    search_fields = ["message_id", "sender", "subject", "case__number"]
    list_select_related = ["case"]
    show_full_result_count = False
    actions = ["rerun"]
    readonly_fields = [f.name for f in InboundMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Process the selected messages again"))
    def rerun(self, request, queryset):
        done = 0
        for message in queryset.filter(
            status__in=[InboundStatus.QUARANTINED, InboundStatus.STORED]
        ):
            message = services.reprocess(message=message, by=request.user)
            done += message.status != InboundStatus.QUARANTINED
        self.message_user(request, _("%(n)d message(s) processed.") % {"n": done}, messages.INFO)
