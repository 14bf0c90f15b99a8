"""Rate cards in the admin, saved through ``AuditedAdmin`` (audited with the admin as actor)."""

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
    ]
    readonly_fields = ["created_at"]
