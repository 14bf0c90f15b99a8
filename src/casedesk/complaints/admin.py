from django.contrib import admin

from casedesk.core.admin_audit import AuditedAdmin

from .models import Complaint


@admin.register(Complaint)
class ComplaintAdmin(AuditedAdmin):
    list_display = ["number", "organization", "source", "status", "created_at"]
    list_filter = ["status", "source"]
    search_fields = ["number", "description"]
    # Steps only through the services (their deadlines and audit records).
    readonly_fields = [
        "number",
        "organization",
        "source",
        "status",
        "cases",
        "engineers",
        "resolution",
        "created_at",
        "created_by",
        "acknowledged_at",
        "acknowledged_by",
        "resolved_at",
        "resolved_by",
        "closed_at",
        "closed_by",
    ]
