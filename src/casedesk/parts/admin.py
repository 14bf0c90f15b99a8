from django.contrib import admin

from casedesk.core.admin_audit import AuditedAdmin

from .models import Location, Part, StockMove


@admin.register(Location)
class LocationAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(Part)
class PartAdmin(AuditedAdmin):
    list_display = ["part_number", "description", "vendor", "safety_stock", "serial_tracked"]
    search_fields = ["part_number", "description"]
    # Whether a part is serial-tracked is fixed once it has moves; the alert state is the
    # safety-stock check's.
    readonly_fields = ["serial_tracked", "below_safety_alerted"]


@admin.register(StockMove)
class StockMoveAdmin(admin.ModelAdmin):
    """The ledger is read-only here: moves are made through the stock operations."""

    list_display = ["at", "part", "kind", "quantity", "from_location", "to_location"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
