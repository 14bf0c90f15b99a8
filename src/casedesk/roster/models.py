"""The duty roster: shifts (who is on duty when) and the rotations that plan them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Pattern, ShiftOrigin, ShiftPart


class Rotation(models.Model):
    """A named team pattern: its members take the shifts of ``pattern`` in turn, a week each."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    pattern = models.CharField(_("pattern"), max_length=8, choices=Pattern.choices)
    duty_engineer = models.BooleanField(
        _("as duty engineer"),
        default=True,
        help_text=_("Its shifts receive the duty engineer's alarms."),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("rotation")
        verbose_name_plural = _("rotations")

    def __str__(self) -> str:
        return self.name


class RotationMember(models.Model):
    rotation = models.ForeignKey(
        Rotation, on_delete=models.CASCADE, related_name="members", verbose_name=_("rotation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("member"),
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["rotation", "position"]
        verbose_name = _("rotation member")
        verbose_name_plural = _("rotation members")
        constraints = [
            models.UniqueConstraint(fields=["rotation", "user"], name="rotationmember_once"),
            models.UniqueConstraint(
                fields=["rotation", "position"], name="rotationmember_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rotation} #{self.position}: {self.user}"


class DutyShift(models.Model):
    """A shift of the support centre's roster: who is the duty engineer when.

    A shift is the half-open span ``[starts_at, ends_at)``: at ``ends_at`` the next shift's
    people are on duty.  Kept in the table it was born in (``accounts_dutyshift``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="duty_shifts",
        verbose_name=_("duty engineer"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    hotline = models.BooleanField(_("answers the hotline"), default=True)
    duty_engineer = models.BooleanField(
        _("as duty engineer"),
        default=True,
        help_text=_(
            "On this shift as the duty engineer, who receives the duty engineer's alarms. "
            "Clear it for an engineer's ordinary working shift."
        ),
    )
    origin = models.CharField(
        _("origin"), max_length=8, choices=ShiftOrigin.choices, default=ShiftOrigin.ENTERED
    )
    part = models.CharField(
        _("part of the day"), max_length=8, choices=ShiftPart.choices, blank=True
    )
    rotation = models.ForeignKey(
        Rotation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shifts",
        verbose_name=_("rotation"),
    )
    covers_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("covers for"),
        help_text=_("Whose shift this was before a cover or a swap."),
    )

    class Meta:
        db_table = "accounts_dutyshift"
        ordering = ["-starts_at"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="dutyshift_span")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="dutyshift_ends_after_start",
                violation_error_message=_("A shift must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M}"
