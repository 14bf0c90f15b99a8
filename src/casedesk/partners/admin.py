from django.contrib import admin

from casedesk.core.admin_audit import AuditedAdmin

from .models import Partner, Subcontract, SubcontractRule


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin):
    """Made through the services (``POST /api/v1/partners``); here its e-mail and flag."""

    list_display = ["organization", "email", "is_active", "created_at"]
    list_filter = ["is_active"]
    readonly_fields = ["organization", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(SubcontractRule)
class SubcontractRuleAdmin(AuditedAdmin):
    """Made through the services (``POST /api/v1/partners/{code}/rules``); edited here."""

    list_display = ["partner", "position", "customer", "region", "product", "is_active"]
    list_filter = ["is_active", "partner"]
    readonly_fields = ["partner", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Subcontract)
class SubcontractAdmin(AuditedAdmin):
    """Read-only: a subcontract changes only with its CASE (the services)."""

    list_display = ["case", "partner", "subcontracted_at", "accepted_at", "resolved_at"]
    list_filter = ["partner"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
