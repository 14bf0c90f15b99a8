"""The roster in the admin: to look at.  Shifts are planned, covered and swapped on the
roster page, through the services (their overlap and qualification checks)."""

from django.contrib import admin

from casedesk.core.admin_audit import AuditedAdmin

from .models import DutyShift, Rotation


class _ReadOnly(AuditedAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DutyShift)
class DutyShiftAdmin(_ReadOnly):
    """The support centre's roster: the supervisor sends duty-engineer alarms to the duty
    engineers on shift; routing ranks everyone on shift higher ("on duty now")."""

    list_display = ["user", "starts_at", "ends_at", "duty_engineer", "hotline", "origin"]
    list_filter = ["duty_engineer", "hotline", "origin", "part"]
    date_hierarchy = "starts_at"


@admin.register(Rotation)
class RotationAdmin(_ReadOnly):
    list_display = ["name", "pattern", "duty_engineer", "created_at"]
