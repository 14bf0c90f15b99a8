"""An engineer's visit to a customer's site for a CASE, and the on-site service forms the
customer signed (version 1 at check-out; a correction is a new version, never an edit)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import VisitStatus


class Visit(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="visits", verbose_name=_("CASE")
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("engineer"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.SCHEDULED
    )
    scheduled_at = models.DateTimeField(_("scheduled at"))
    # Part numbers to take along (the parts domain's codes, kept as text).
    parts = models.JSONField(_("parts"), default=list, blank=True)
    tools = models.TextField(_("tools"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dispatched by"),
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    parts_used = models.JSONField(_("parts used"), default=list, blank=True)
    customer_name = models.CharField(_("customer name"), max_length=100, blank=True)

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["engineer", "status", "scheduled_at"], name="visit_engineer"),
            models.Index(fields=["case", "created_at"], name="visit_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.pk} {self.status}"

    @property
    def deadline_key(self) -> str:
        return f"visit:{self.pk}:onsite_arrival"


class VisitForm(models.Model):
    """One signed version of a visit's on-site service form: what was signed (``content``),
    its SHA-256 (printed on the PDF), the signature and the PDF as attached to the CASE.
    Written once, never changed."""

    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, related_name="forms", verbose_name=_("visit")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    content = models.JSONField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    signature = models.BinaryField(_("signature (PNG)"))
    attachment = models.OneToOneField(
        "cases.Attachment",
        on_delete=models.PROTECT,
        related_name="visit_form",
        verbose_name=_("PDF"),
    )
    reason = models.TextField(_("reason for the correction"), blank=True)
    signed_at = models.DateTimeField(_("signed at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    class Meta:
        ordering = ["visit", "version"]
        verbose_name = _("on-site service form")
        verbose_name_plural = _("on-site service forms")
        constraints = [
            models.UniqueConstraint(fields=["visit", "version"], name="visit_form_version")
        ]

    def __str__(self) -> str:
        return f"{self.visit_id} v{self.version}"
