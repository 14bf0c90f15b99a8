import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class Pattern(models.TextChoices):
    """How a rotation covers the week (SPEC §1: a 7×24 or a 5×8 desk)."""

    ROUND_THE_CLOCK = "7x24", _("7×24 (day and night shifts every day)")
    OFFICE_HOURS = "5x8", _("5×8 (09:00–18:00 on working days)")


class ShiftOrigin(models.TextChoices):
    """Where a shift came from: entered, planned by a rotation, a cover or a swap."""

    ENTERED = "entered", _("Entered")
    PLANNED = "planned", _("Planned")
    COVER = "cover", _("Cover")
    SWAP = "swap", _("Swap")


class ShiftPart(models.TextChoices):
    """Which part of the day a planned shift is (how the calendar groups it)."""

    DAY = "day", _("Day")
    NIGHT = "night", _("Night")
    OFFICE = "office", _("Office hours")


# Local wall-clock times of each part, in the desk's zone (Asia/Shanghai).
DAY_STARTS, NIGHT_STARTS = dt.time(8, 30), dt.time(17, 30)
OFFICE_STARTS, OFFICE_ENDS = dt.time(9, 0), dt.time(18, 0)
