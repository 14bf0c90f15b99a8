from django.contrib import admin

from casedesk.core.admin_audit import AuditedAdmin

from .models import Vendor, VendorCase, VendorContact


class ContactInline(admin.TabularInline):
    model = VendorContact
    extra = 0
    can_delete = False
    readonly_fields = ["name", "role", "phone", "email"]

    def has_add_permission(self, request, obj=None):  # through the vendor pages (services)
        return False


@admin.register(Vendor)
class VendorAdmin(AuditedAdmin):
    list_display = ["code", "name", "email", "update_hours", "active"]
    inlines = [ContactInline]


@admin.register(VendorCase)
class VendorCaseAdmin(AuditedAdmin):
    """Read-only: a vendor case changes through its operations (the CASE page)."""

    list_display = ["reference", "vendor", "case", "severity", "status", "opened_at", "closed_at"]
    list_filter = ["vendor", "status", "severity"]
    search_fields = ["reference"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
