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
from casedesk.cases.choices import Priority

from . import calendar
from .choices import ChaseAction, DeadlineKind, Recipient

PRIORITY_CHOICES = Priority.choices


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


# --- SLA policies, the escalation matrix and deadlines ---------------------------------


class SlaPolicy(models.Model):
    """The promised times of a service level (gold/silver), counted on its calendar."""

    service_level = models.CharField(
        _("service level"), max_length=16, choices=ServiceLevel.choices, unique=True
    )
    callback_minutes = models.PositiveIntegerField(
        _("callback within (minutes from creation)"),
        default=15,
        help_text=_("Phone support: the desk calls the customer back within this time."),
    )
    engineer_callback_minutes = models.PositiveIntegerField(
        _("engineer callback within (minutes from notification)"), default=60
    )
    chase_remind_minutes = models.PositiveIntegerField(
        _("callback check (minutes from notification)"),
        default=30,
        help_text=_("No callback yet: remind the engineer and the duty engineer."),
    )
    chase_reassign_minutes = models.PositiveIntegerField(
        _("second callback check (minutes from notification)"),
        default=45,
        help_text=_("Still no callback: reassign, and tell the customer service manager."),
    )
    chase_action = models.CharField(
        _("at the second check"),
        max_length=16,
        choices=ChaseAction.choices,
        default=ChaseAction.REASSIGN,
    )
    first_worklog_minutes = models.PositiveIntegerField(
        _("first work log within (minutes from creation)"), default=45
    )
    pause_for_customer = models.BooleanField(
        _("waiting for the customer pauses the clock"), default=True
    )
    pause_for_vendor = models.BooleanField(
        _("waiting for the vendor pauses the clock"), default=False
    )
    pause_for_parts = models.BooleanField(_("waiting for parts pauses the clock"), default=False)
    pause_escalations = models.BooleanField(
        _("pausing also stops the escalation matrix"),
        default=False,
        help_text=_("Off: only the resolution clock pauses; managers still hear on time."),
    )

    class Meta:
        ordering = ["service_level"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return str(self.get_service_level_display())

    def pauses_for(self, reason: str) -> bool:
        return bool(getattr(self, f"pause_for_{reason}", False))


class SeverityTarget(models.Model):
    """Per severity: when to remind about the vendor, and the resolution target."""

    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.CASCADE, related_name="targets", verbose_name=_("SLA policy")
    )
    priority = models.CharField(_("priority"), max_length=2, choices=PRIORITY_CHOICES)
    vendor_escalation_minutes = models.PositiveIntegerField(
        _("vendor escalation reminder after (minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (minutes)"), null=True, blank=True
    )

    class Meta:
        ordering = ["policy", "priority"]
        verbose_name = _("severity target")
        verbose_name_plural = _("severity targets")
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.policy} {self.priority}"


class EscalationRule(models.Model):
    """One cell of the escalation matrix: after N minutes of a severity, tell these people."""

    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.CASCADE, related_name="rules", verbose_name=_("SLA policy")
    )
    priority = models.CharField(_("priority"), max_length=2, choices=PRIORITY_CHOICES)
    after_minutes = models.PositiveIntegerField(_("after (minutes from creation)"))
    recipient = models.CharField(_("notify"), max_length=32, choices=Recipient.choices)

    class Meta:
        ordering = ["policy", "priority", "after_minutes"]
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation matrix")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "priority", "after_minutes", "recipient"],
                name="sla_rule_unique",
            )
        ]

    def __str__(self) -> str:
        minutes = _("%(m)d min") % {"m": self.after_minutes}
        return f"{self.priority} +{minutes} → {self.get_recipient_display()}"


class DeadlineQuerySet(models.QuerySet):
    def active(self):
        """Still to fire: not fired, not met, not cancelled, and not paused."""
        return self.filter(
            fired_at__isnull=True,
            met_at__isnull=True,
            cancelled_at__isnull=True,
            due_at__isnull=False,
        )


class Deadline(models.Model):
    """One promised time of one CASE.  The supervisor fires it once, when due.

    ``key`` names the promise within the CASE (kind, severity, rule, assignment, cycle), so
    recomputing never duplicates one that already fired.  ``due_at`` is empty while paused.
    A promise about something that is not a CASE (a complaint) has no ``case``; its ``key``
    (``"<domain>:<reference>:<kind>"``) is unique among those.
    """

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name=_("CASE"),
    )
    key = models.CharField(_("key"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=DeadlineKind.choices)
    priority = models.CharField(_("priority"), max_length=2, blank=True)
    recipient = models.CharField(_("notify"), max_length=32, blank=True)
    anchor_at = models.DateTimeField(_("counted from"))
    target_minutes = models.PositiveIntegerField(_("target (business minutes)"))
    pausable = models.BooleanField(_("pauses while waiting"), default=False)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    fired_at = models.DateTimeField(_("fired at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["case", "due_at", "id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="sla_deadline_key"),
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(case__isnull=True),
                name="sla_deadline_caseless_key",
            ),
        ]
        indexes = [
            # The supervisor's only query: what is due and still active.  Partial, so its
            # cost follows what is due, not how many CASEs are open.
            models.Index(
                fields=["due_at"],
                name="deadline_active_due",
                condition=models.Q(
                    fired_at__isnull=True,
                    met_at__isnull=True,
                    cancelled_at__isnull=True,
                    due_at__isnull=False,
                ),
            ),
            # The dashboard: promises of one kind falling due in a period (callbacks on
            # time, SLA compliance), and matrix notifications sent in a period.
            models.Index(fields=["kind", "due_at"], name="deadline_kind_due"),
            models.Index(
                fields=["fired_at"],
                name="deadline_escalation_fired",
                condition=models.Q(kind="escalation", fired_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        due = f"{self.due_at:%Y-%m-%d %H:%M:%S}" if self.due_at else "—"
        return f"{self.get_kind_display()} {self.key} → {due}"


class CaseClock(models.Model):
    """The running SLA clock of one CASE: its cycle (reopen count) and paused time."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="clock", verbose_name=_("CASE")
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=0)
    started_at = models.DateTimeField(_("counting from"))
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_minutes = models.FloatField(_("paused business minutes"), default=0)

    class Meta:
        verbose_name = _("CASE clock")
        verbose_name_plural = _("CASE clocks")

    def __str__(self) -> str:
        return f"{self.case_id} · {self.cycle}"


class ConfigVersion(models.Model):
    """One row whose number grows with every change to calendars and SLA policies.

    Each process keeps those rows in memory (:func:`casedesk.sla.selectors.level_config`)
    for as long as this number is what it was when they were read: one tiny query per
    operation instead of seven, and an administrator's edit applies at once everywhere.
    """

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("configuration version")

    def __str__(self) -> str:
        return str(self.version)
