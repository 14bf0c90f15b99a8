from django.contrib import admin

from .models import ConfigurationItem, Relation, Service


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only here: the CMDB changes only through its operations (each audited on the
    CI, whose history the console shows)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConfigurationItem)
class ConfigurationItemAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "organization", "serial_number", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "serial_number"]


@admin.register(Relation)
class RelationAdmin(ReadOnlyAdmin):
    list_display = ["source", "kind", "target", "created_at"]
    list_filter = ["kind"]


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdmin):
    list_display = ["name", "organization", "downtime_budget_hours"]
