"""A complaint ``K…``: its own record, linked to CASEs and engineers, with its own deadlines
(``sla`` promises about no CASE, keyed ``complaint:<number>:<kind>``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ComplaintSource, ComplaintStatus


def _who(name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=name,
    )


class Complaint(models.Model):
    number = models.CharField(_("number"), max_length=16, unique=True)
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("organization"),
    )
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=16, choices=ComplaintSource.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    cases = models.ManyToManyField(
        "cases.Case", blank=True, related_name="complaints", verbose_name=_("CASEs")
    )
    engineers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="complaints_concerning",
        verbose_name=_("engineers concerned"),
    )
    resolution = models.TextField(_("resolution"), blank=True)
    created_at = models.DateTimeField(_("created"))
    created_by = _who(_("filed by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = _who(_("acknowledged by"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = _who(_("resolved by"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = _who(_("closed by"))

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="complaint_status")]

    def __str__(self) -> str:
        return self.number


class ComplaintNumberSequence(models.Model):
    """The last complaint serial of each month (``K`` + YYMM + serial, like CASE numbers)."""

    period = models.CharField(_("month"), max_length=4, primary_key=True)
    last_serial = models.PositiveIntegerField(_("last serial"))

    class Meta:
        verbose_name = _("complaint number sequence")
        verbose_name_plural = _("complaint number sequences")

    def __str__(self) -> str:
        return f"K{self.period} {self.last_serial}"
