from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    """The vendor's severity of its case (Cisco TAC's S1–S4), chosen when it is opened."""

    S1 = "S1", _("S1 – network down")
    S2 = "S2", _("S2 – severely degraded")
    S3 = "S3", _("S3 – degraded")
    S4 = "S4", _("S4 – information request")


class VendorCaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ContactRole(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    ENGINEER = "engineer", _("Support engineer")
    ACCOUNT = "account", _("Account manager")
    ESCALATION = "escalation", _("Escalation manager")


# The severity a CASE's priority suggests when a vendor case is opened from it.
SEVERITY_OF_PRIORITY = {"P1": Severity.S1, "P2": Severity.S2, "P3": Severity.S3, "P4": Severity.S4}
