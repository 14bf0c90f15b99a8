"""Reads: service calendars from the database as immutable :class:`Calendar` snapshots."""

from __future__ import annotations

from django.conf import settings

from casedesk.accounts.models import Organization
from casedesk.errors import DomainError

from .calendar import Calendar, make_calendar
from .models import ServiceCalendar, ServiceLevelCalendar


class CalendarNotConfigured(DomainError):
    """A service level has no calendar: an administrator must map one (SLA → calendars)."""

    status = 503


def load_calendar(calendar: ServiceCalendar | str) -> Calendar:
    """The calendar (a row, or its code) with its periods and exceptions, loaded once."""
    if isinstance(calendar, str):
        try:
            calendar = ServiceCalendar.objects.get(code=calendar)
        except ServiceCalendar.DoesNotExist:
            raise CalendarNotConfigured(f"no service calendar {calendar!r}") from None
    return make_calendar(
        code=calendar.code,
        time_zone=calendar.time_zone or settings.TIME_ZONE,
        always_open=calendar.always_open,
        periods=[(p.weekday, p.start, p.end) for p in calendar.periods.all()],
        chinese_holidays=calendar.chinese_holidays,
        adjusted_day_hours_from=calendar.adjusted_day_hours_from,
        exceptions={e.date: e.kind for e in calendar.exceptions.all()},
    )


def calendar_for(service_level: str) -> Calendar:
    """The calendar a service level's clocks run on (seeded: gold → 7x24, silver → 5x8)."""
    row = (
        ServiceLevelCalendar.objects.select_related("calendar")
        .filter(service_level=service_level)
        .first()
    )
    if row is None:
        raise CalendarNotConfigured(f"no service calendar for service level {service_level!r}")
    return load_calendar(row.calendar)


def calendar_for_organization(organization: Organization) -> Calendar:
    """The calendar of an organization's service level."""
    return calendar_for(organization.service_level)
