"""Rate cards in the admin, read only: a card changes through its operations (the console's
rate-card pages, the API), which refuse overlapping periods and keep past amounts."""

from django.contrib import admin

from casedesk.core.admin_audit import AuditedAdmin

from .models import RateCard


@admin.register(RateCard)
class RateCardAdmin(AuditedAdmin):
    list_display = [
        "name",
        "organization",
        "tier",
        "hourly_rate",
        "night_multiplier",
        "holiday_multiplier",
        "valid_from",
        "valid_until",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
