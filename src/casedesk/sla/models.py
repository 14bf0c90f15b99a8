"""Service calendars: weekly hours, Chinese holidays and 调休, exceptions; level → calendar.

The arithmetic lives in :mod:`casedesk.sla.calendar`; :mod:`casedesk.sla.selectors` turns
these rows into its immutable :class:`~casedesk.sla.calendar.Calendar`.
"""

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from casedesk.accounts.choices import ServiceLevel
from casedesk.accounts.models import code_validator

from . import calendar


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ExceptionKind(models.TextChoices):
    HOLIDAY = calendar.HOLIDAY, _("Holiday (closed all day)")
    WORKDAY = calendar.WORKDAY, _("Working day")


def validate_time_zone(value: str) -> None:
    if not value:
        return
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value}) from exc


class ServiceCalendar(models.Model):
    """When a service's clocks run: always (7×24), or weekly hours less holidays."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    always_open = models.BooleanField(
        _("always open (7×24)"),
        default=False,
        help_text=_(
            "Open around the clock every day: weekly hours, holidays and exceptions are ignored."
        ),
    )
    chinese_holidays = models.BooleanField(
        _("Chinese public holidays and adjusted working days"),
        default=True,
        help_text=_(
            "Closed on Chinese public holidays and open on adjusted working days (调休), as "
            "published by the State Council and kept in the 'holidays' package. Add "
            "exceptions below for days the package does not know yet."
        ),
    )
    adjusted_day_hours_from = models.PositiveSmallIntegerField(
        _("adjusted working days use the hours of"),
        choices=Weekday.choices,
        default=Weekday.MONDAY,
        help_text=_(
            "An adjusted working day (e.g. a Saturday worked for a holiday) has this weekday's hours."
        ),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_(
            "IANA name, e.g. Asia/Shanghai. Empty: the desk's time zone (CASEDESK_TIME_ZONE)."
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("service calendar")
        verbose_name_plural = _("service calendars")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class WorkingPeriod(models.Model):
    """Opening hours on one weekday; several periods a day are allowed (a lunch break)."""

    calendar = models.ForeignKey(
        ServiceCalendar,
        on_delete=models.CASCADE,
        related_name="periods",
        verbose_name=_("calendar"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("opens at"))
    end = models.TimeField(
        _("closes at"), help_text=_("00:00 means midnight at the end of the day.")
    )

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")) | models.Q(end=dt.time(0)),
                name="sla_workingperiod_end_after_start",
                violation_error_message=_("The closing time must be after the opening time."),
            )
        ]

    def __str__(self) -> str:
        end = "24:00" if self.end == dt.time(0) else f"{self.end:%H:%M}"
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{end}"


class CalendarException(models.Model):
    """A date that differs from the weekly hours and the package: an extra holiday or workday."""

    calendar = models.ForeignKey(
        ServiceCalendar,
        on_delete=models.CASCADE,
        related_name="exceptions",
        verbose_name=_("calendar"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=ExceptionKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["calendar", "date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"], name="sla_calendarexception_unique_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class ServiceLevelCalendar(models.Model):
    """Which calendar a service level's clocks run on (gold → 7×24, silver → 5×8)."""

    service_level = models.CharField(
        _("service level"), max_length=16, choices=ServiceLevel.choices, unique=True
    )
    calendar = models.ForeignKey(
        ServiceCalendar,
        on_delete=models.PROTECT,
        related_name="service_levels",
        verbose_name=_("calendar"),
    )

    class Meta:
        ordering = ["service_level"]
        verbose_name = _("service level calendar")
        verbose_name_plural = _("service level calendars")

    def __str__(self) -> str:
        return f"{self.get_service_level_display()} → {self.calendar.code}"
