import holidays
from django.contrib import admin
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from casedesk.core import clock
from casedesk.core.admin_audit import AuditedAdmin

from .choices import Recipient
from .models import (
    CalendarException,
    Deadline,
    EscalationRule,
    ServiceCalendar,
    ServiceLevelCalendar,
    SeverityTarget,
    SlaPolicy,
    WorkingPeriod,
)


class WorkingPeriodInline(admin.TabularInline):
    model = WorkingPeriod
    extra = 0
    fields = ["weekday", "start", "end"]


class CalendarExceptionInline(admin.TabularInline):
    model = CalendarException
    extra = 0
    fields = ["date", "kind", "note"]


@admin.register(ServiceCalendar)
class ServiceCalendarAdmin(AuditedAdmin):
    list_display = ["code", "name", "always_open", "chinese_holidays", "time_zone"]
    search_fields = ["code", "name"]
    fields = [
        "code",
        "name",
        "always_open",
        "time_zone",
        "chinese_holidays",
        "adjusted_day_hours_from",
        "package_days",
    ]
    readonly_fields = ["package_days"]
    inlines = [WorkingPeriodInline, CalendarExceptionInline]

    @admin.display(description=_("Chinese holidays and adjusted working days (package)"))
    def package_days(self, obj: ServiceCalendar | None) -> str:
        """This year's and next year's days from the package, so admins see what applies."""
        year = clock.local(clock.now()).year
        language = "zh_CN" if get_language().startswith("zh") else "en_US"
        cn = holidays.China(years=[year, year + 1], language=language)
        rows = [(d, name) for d, name in cn.items()]
        rows += [(d, str(_("adjusted working day (调休)"))) for d in cn.weekend_workdays]
        rows = sorted((d, name) for d, name in rows if d.year in (year, year + 1))
        return format_html_join(
            "",
            "<div>{} {} — {}</div>",
            ((f"{d:%Y-%m-%d}", date_format(d, "D"), n) for d, n in rows),
        )


@admin.register(ServiceLevelCalendar)
class ServiceLevelCalendarAdmin(AuditedAdmin):
    list_display = ["service_level", "calendar"]
    list_editable = ["calendar"]
    list_display_links = ["service_level"]


@admin.register(CalendarException)
class CalendarExceptionAdmin(AuditedAdmin):
    list_display = ["date", "calendar", "kind", "note"]
    list_filter = ["calendar", "kind"]
    date_hierarchy = "date"
    search_fields = ["note"]


class SeverityTargetInline(admin.TabularInline):
    model = SeverityTarget
    extra = 0


class EscalationRuleInline(admin.TabularInline):
    model = EscalationRule
    extra = 0
    ordering = ["priority", "after_minutes"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedAdmin):
    """The promised times and the escalation matrix of a service level, editable as data."""

    callback_fields = [
        "callback_minutes",
        "engineer_callback_minutes",
        "chase_remind_minutes",
        "chase_reassign_minutes",
        "chase_action",
        "first_worklog_minutes",
    ]
    list_display = ["service_level", *callback_fields]
    fieldsets = [
        (None, {"fields": ["service_level"]}),
        (_("Callback and first work log"), {"fields": callback_fields}),
        (
            _("Pausing"),
            {
                "fields": [
                    "pause_for_customer",
                    "pause_for_vendor",
                    "pause_for_parts",
                    "pause_escalations",
                ]
            },
        ),
    ]
    inlines = [SeverityTargetInline, EscalationRuleInline]


@admin.register(EscalationRule)
class EscalationRuleAdmin(AuditedAdmin):
    list_display = ["policy", "priority", "after_minutes", "recipient"]
    list_filter = ["policy", "priority", "recipient"]
    list_editable = ["after_minutes", "recipient"]
    ordering = ["policy", "priority", "after_minutes"]


@admin.register(Deadline)
class DeadlineAdmin(AuditedAdmin):
    """Deadlines are computed by the clock; the admin shows them, it does not edit them."""

    list_display = [
        "case",
        "kind",
        "priority",
        "recipient_label",
        "due_at",
        "fired_at",
        "met_at",
        "cancelled_at",
    ]
    list_filter = ["kind", "priority"]
    search_fields = ["case__number", "key"]
    list_select_related = ["case"]
    show_full_result_count = False
    exclude = ["recipient"]
    readonly_fields = ["recipient_label"]

    @admin.display(description=Deadline._meta.get_field("recipient").verbose_name)
    def recipient_label(self, obj):
        """Who an escalation level tells, by its label (the row keeps the role's code)."""
        if not obj.recipient:
            return "—"
        try:
            return Recipient(obj.recipient).label
        except ValueError:
            return obj.recipient

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
