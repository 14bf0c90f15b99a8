"""Vendors (Cisco TAC, Huawei, line providers), their contacts, and the cases the desk opens
with them for a CASE (the vendor's own case number, its severity, every update)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import ContactRole, Severity, VendorCaseStatus

HOURS = [MinValueValidator(1), MaxValueValidator(24 * 14)]


class Vendor(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    # What the vendor promises, as it says it (“7×24 for S1/S2, 5×8 otherwise”): the desk's
    # chase counts in plain hours, the vendor's own clock is its business.
    support_hours = models.CharField(_("support hours"), max_length=200, blank=True)
    update_hours = models.PositiveIntegerField(
        _("update interval (hours)"),
        default=24,
        validators=HOURS,
        help_text=_("How long after the last update the next one is due."),
    )
    # Per severity, when it differs: {"S1": 1, "S2": 4}.
    severity_hours = models.JSONField(_("update interval per severity"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def hours_for(self, severity: str) -> int:
        """The update interval at ``severity``: its own, else the vendor's default."""
        return int(self.severity_hours.get(severity) or self.update_hours)


class VendorContact(models.Model):
    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("vendor")
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=16, choices=ContactRole.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("vendor contact")
        verbose_name_plural = _("vendor contacts")
        ordering = ["vendor", "role", "name"]

    def __str__(self) -> str:
        return self.name


class VendorCase(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("CASE")
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="cases", verbose_name=_("vendor")
    )
    reference = models.CharField(_("vendor case number"), max_length=64)
    severity = models.CharField(_("severity"), max_length=2, choices=Severity.choices)
    sent = models.TextField(_("what was sent"), blank=True)
    files = models.ManyToManyField(
        "cases.Attachment", blank=True, related_name="+", verbose_name=_("files sent")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=VendorCaseStatus.choices, default=VendorCaseStatus.OPEN
    )
    # The current round of the update clock: its deadlines are keyed by it.
    round = models.PositiveIntegerField(_("update round"), default=0)
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_update_at = models.DateTimeField(_("last update"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("vendor case")
        verbose_name_plural = _("vendor cases")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "reference"], name="vendor_case_reference"),
        ]
        indexes = [models.Index(fields=["vendor", "opened_at"], name="vendor_case_opened")]

    def __str__(self) -> str:
        return f"{self.vendor.code} {self.reference}"


class VendorUpdate(models.Model):
    vendor_case = models.ForeignKey(
        VendorCase, on_delete=models.PROTECT, related_name="updates", verbose_name=_("vendor case")
    )
    note = models.TextField(_("note"))
    at = models.DateTimeField(_("at"))
    # Late: it came after the update it answers was due.
    late = models.BooleanField(pgettext_lazy("overdue", "late"), default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("vendor update")
        verbose_name_plural = _("vendor updates")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.vendor_case} {self.at:%Y-%m-%d %H:%M}"
