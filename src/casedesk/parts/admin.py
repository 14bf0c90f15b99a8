from django.contrib import admin

from casedesk.core.admin_audit import AuditedAdmin

from .models import Location, Part, Rma, StockMove


@admin.register(Location)
class LocationAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "keeper"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    # What "nearest" means for a CASE's replacement: a van's engineer, a depot's customers.
    fields = ["code", "name", "kind", "keeper", "serves"]
    raw_id_fields = ["keeper"]
    filter_horizontal = ["serves"]


@admin.register(Part)
class PartAdmin(AuditedAdmin):
    list_display = ["part_number", "description", "vendor", "safety_stock", "serial_tracked"]
    search_fields = ["part_number", "description"]
    # Whether a part is serial-tracked is fixed once it has moves; the alert state is the
    # safety-stock check's.
    readonly_fields = ["serial_tracked", "below_safety_alerted"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only here: made and moved on only through the operations."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockMove)
class StockMoveAdmin(ReadOnlyAdmin):
    list_display = ["at", "part", "kind", "quantity", "from_location", "to_location"]
    list_filter = ["kind"]


@admin.register(Rma)
class RmaAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "case",
        "part",
        "status",
        "advance",
        "from_location",
        "tracking_number",
        "created_at",
    ]
    list_filter = ["status"]
