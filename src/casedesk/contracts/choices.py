"""The words the contracts domain stores: coverage hours and a contract's status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Coverage(models.TextChoices):
    ALWAYS = "7x24", _("7×24")
    OFFICE = "5x8", _("5×8")


class ContractStatus(models.TextChoices):
    """Worked out from the dates and the clock at read time, never stored."""

    FUTURE = "future", _("not started")
    ACTIVE = "active", _("active")
    EXPIRED = "expired", _("expired")
