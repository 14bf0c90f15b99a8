from django.contrib import admin

from casedesk.core.admin_audit import AuditedAdmin

from .models import Visit, VisitForm


@admin.register(Visit)
class VisitAdmin(AuditedAdmin):
    list_display = ["case", "engineer", "status", "scheduled_at", "checked_in_at", "checked_out_at"]
    list_filter = ["status"]
    # Every step is an operation (check-in, check-out, cancel): the admin only reads them.
    readonly_fields = [
        "case", "engineer", "status", "created_at", "created_by", "checked_in_at",
        "checked_out_at", "cancelled_at", "work_done", "parts_used", "customer_name",
    ]  # fmt: skip


@admin.register(VisitForm)
class VisitFormAdmin(AuditedAdmin):
    """Signed forms never change: read-only, never deleted."""

    list_display = ["visit", "version", "sha256", "signed_at"]
    readonly_fields = [
        "visit", "version", "content", "sha256", "attachment", "reason", "signed_at", "created_by",
    ]  # fmt: skip
    exclude = ["signature"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
