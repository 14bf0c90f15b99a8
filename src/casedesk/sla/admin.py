import holidays
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from casedesk import clock

from .models import CalendarException, ServiceCalendar, ServiceLevelCalendar, WorkingPeriod


class WorkingPeriodInline(admin.TabularInline):
    model = WorkingPeriod
    extra = 0
    fields = ["weekday", "start", "end"]


class CalendarExceptionInline(admin.TabularInline):
    model = CalendarException
    extra = 0
    fields = ["date", "kind", "note"]


@admin.register(ServiceCalendar)
class ServiceCalendarAdmin(admin.ModelAdmin):
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
            "", "<div>{} {} — {}</div>", ((f"{d:%Y-%m-%d}", f"{d:%a}", n) for d, n in rows)
        )


@admin.register(ServiceLevelCalendar)
class ServiceLevelCalendarAdmin(admin.ModelAdmin):
    list_display = ["service_level", "calendar"]
    list_editable = ["calendar"]
    list_display_links = ["service_level"]


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "calendar", "kind", "note"]
    list_filter = ["calendar", "kind"]
    date_hierarchy = "date"
    search_fields = ["note"]
