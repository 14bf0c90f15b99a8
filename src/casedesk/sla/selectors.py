"""Reads: service calendars and SLA policies from the database as immutable snapshots."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from casedesk.accounts.models import Organization
from casedesk.core import versions
from casedesk.core.errors import DomainError

from .calendar import Calendar, make_calendar
from .models import (
    ConfigVersion,
    EscalationRule,
    ServiceCalendar,
    ServiceLevelCalendar,
    SeverityTarget,
    SlaPolicy,
)


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


@dataclass(frozen=True)
class LevelConfig:
    """Everything a service level's clocks need: its policy, matrix, targets and calendar.

    Shared between operations in a process: read it, never change it.
    """

    policy: SlaPolicy
    rules: dict[str, tuple[EscalationRule, ...]]  # by priority, in matrix order
    targets: dict[str, SeverityTarget]  # by priority
    calendar: Calendar


_configs: dict[tuple[int, str], LevelConfig] = {}
_calendars: dict[tuple[int, str], Calendar | None] = {}


def calendar_by_code(code: str) -> Calendar | None:
    """The calendar with this code (None if there is none), from memory while the version
    row says so: a service product's coverage calendar, asked at every opening."""
    version = config_version()
    if version is not None and (version, code) in _calendars:
        return _calendars[(version, code)]
    try:
        found: Calendar | None = load_calendar(code)
    except CalendarNotConfigured:
        found = None
    if version is not None:
        if any(v != version for v, _code in _calendars):
            _calendars.clear()
        _calendars[(version, code)] = found
    return found


def config_version() -> int | None:
    return versions.read(ConfigVersion)


def config_changed(**_signal_kwargs) -> None:
    """Calendars or policies changed (in this transaction): every process reloads them.

    Connected to their models' save and delete signals; call it after a bulk change
    (``QuerySet.update``, ``bulk_create``) that sends none.
    """
    _configs.clear()
    versions.bump(ConfigVersion)


def level_config(service_level: str) -> LevelConfig:
    """The service level's configuration, from memory while the version row says so."""
    version = config_version()  # first: data read after it is at least this new
    if version is not None and (version, service_level) in _configs:
        return _configs[(version, service_level)]
    config = _load_level(service_level)
    if version is not None:
        if any(v != version for v, _level in _configs):
            _configs.clear()
        _configs[(version, service_level)] = config
    return config


def _load_level(service_level: str) -> LevelConfig:
    policy = (
        SlaPolicy.objects.filter(service_level=service_level)
        .prefetch_related("rules", "targets")
        .first()
    )
    if policy is None:
        # Never leave a CASE unwatched: an unconfigured level gets the defaults of SPEC §3.
        return LevelConfig(
            SlaPolicy(service_level=service_level), {}, {}, calendar_for(service_level)
        )
    rules: dict[str, list[EscalationRule]] = {}
    for rule in sorted(policy.rules.all(), key=lambda r: (r.after_minutes, r.pk)):
        rules.setdefault(rule.priority, []).append(rule)
    return LevelConfig(
        policy=policy,
        rules={p: tuple(r) for p, r in rules.items()},
        targets={t.priority: t for t in policy.targets.all()},
        calendar=calendar_for(service_level),
    )
