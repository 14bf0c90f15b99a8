from django.contrib import admin

from casedesk.core.admin_audit import AuditedAdmin

from .models import RoutingQueue


@admin.register(RoutingQueue)
class RoutingQueueAdmin(AuditedAdmin):
    """Routing queues: which new CASEs the supervisor assigns by itself."""

    list_display = [
        "name",
        "position",
        "is_active",
        "auto_assign",
        "organization",
        "service_level",
        "channel",
        "priority",
        "skill",
    ]
    list_editable = ["position", "is_active", "auto_assign"]
    list_filter = ["is_active", "auto_assign", "service_level", "channel", "priority"]
    search_fields = ["name", "organization__code", "organization__name"]
    autocomplete_fields = ["organization", "skill"]
