"""The admin's view of the catalogue, contracts and installed base.

Products and equipment are edited through ``AuditedAdmin`` (audited with the admin as
actor).  Contracts, their amendments and coverage lines are read-only here: a contract
changes only by an amendment (the console's contract page, or the API), never silently.
"""

from django.contrib import admin

from casedesk.core.admin_audit import AuditedAdmin

from . import allowances
from .models import (
    Allowance,
    Contract,
    ContractAmendment,
    CoverageLine,
    Equipment,
    ServiceProduct,
)


class ReadOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AllowanceInline(admin.TabularInline):
    model = Allowance
    extra = 0


@admin.register(ServiceProduct)
class ServiceProductAdmin(AuditedAdmin):
    list_display = [
        "code",
        "name",
        "coverage",
        "callback_minutes",
        "onsite_hours",
        "annual_price",
        "is_active",
    ]
    list_filter = ["coverage", "is_active"]
    readonly_fields = ["code", "created_at"]
    inlines = [AllowanceInline]

    def has_add_permission(self, request):  # made through the console or the API
        return False

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Allowance:  # in the product's operation, before its record
            allowances.flag_keep(form.instance)


@admin.register(Equipment)
class EquipmentAdmin(AuditedAdmin):
    list_display = ["serial_number", "organization", "model", "vendor", "warranty_ends_on"]
    search_fields = ["serial_number", "model", "organization__code"]
    list_select_related = ["organization"]
    readonly_fields = ["serial_number", "organization", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ["number", "organization", "service_product", "starts_on", "ends_on"]
    search_fields = ["number", "organization__code"]
    list_select_related = ["organization", "service_product"]


@admin.register(ContractAmendment)
class ContractAmendmentAdmin(ReadOnlyAdmin):
    list_display = ["contract", "seq", "effective_on", "at", "by"]
    list_select_related = ["contract", "by"]


@admin.register(CoverageLine)
class CoverageLineAdmin(ReadOnlyAdmin):
    list_display = ["contract", "equipment", "service_product", "starts_on", "ends_on"]
    list_select_related = ["contract", "equipment", "service_product"]
