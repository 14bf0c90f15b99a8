"""Channel partners (issue 16): organizations that serve other organizations' CASEs under
their own targets, the rules that subcontract new CASEs to them, and each subcontract."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casedesk.accounts.models import Organization
from casedesk.cases.choices import Priority
from casedesk.core import clock


class Partner(models.Model):
    """An organization that serves CASEs subcontracted to it (its users: role ``partner``)."""

    organization = models.OneToOneField(
        Organization,
        on_delete=models.PROTECT,
        related_name="partner",
        verbose_name=_("organization"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["organization__code"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return str(self.organization)

    @property
    def code(self) -> str:
        return self.organization.code

    @property
    def name(self) -> str:
        return self.organization.name


class PartnerTarget(models.Model):
    """The partner's promise for one priority, back-to-back with the desk's (never looser):
    minutes from subcontracting to accepting, and to resolving."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="targets", verbose_name=_("partner")
    )
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(_("accept within (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolve within (minutes)"))

    class Meta:
        ordering = ["partner", "priority"]
        verbose_name = _("partner target")
        verbose_name_plural = _("partner targets")
        constraints = [
            models.UniqueConstraint(fields=["partner", "priority"], name="partner_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.partner.code} {self.priority}"


class SubcontractRule(models.Model):
    """A new CASE that matches every condition given goes to the partner at once.

    Empty conditions match anything; a rule with none is refused by the service.  Rules are
    tried in ``position`` order, the first that matches wins.
    """

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="rules", verbose_name=_("partner")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    customer = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer organization"),
    )
    region = models.CharField(
        _("region"),
        max_length=100,
        blank=True,
        help_text=_("Matches when the caller's or the organization's address contains it."),
    )
    product = models.CharField(
        _("product"),
        max_length=100,
        blank=True,
        help_text=_("Matches when the CASE's hardware platform contains it (any case)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("subcontracting rule")
        verbose_name_plural = _("subcontracting rules")

    def __str__(self) -> str:
        return f"{self.partner.code} #{self.position}"


class Subcontract(models.Model):
    """One CASE served by one partner, from subcontracting to resolution or withdrawal.

    ``respond_by`` and ``resolve_by`` are the partner's due times, fixed when it was
    subcontracted: its targets from then, never later than the CASE's own deadlines
    (``clamped`` says one was brought forward).
    """

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="subcontracts", verbose_name=_("CASE")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="subcontracts", verbose_name=_("partner")
    )
    rule = models.ForeignKey(
        SubcontractRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rule"),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    subcontracted_at = models.DateTimeField(_("subcontracted at"))
    subcontracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("subcontracted by"),
    )
    respond_by = models.DateTimeField(_("accept by"), null=True, blank=True)
    resolve_by = models.DateTimeField(_("resolve by"), null=True, blank=True)
    clamped = models.BooleanField(_("brought forward to the CASE's deadline"), default=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-subcontracted_at", "-id"]
        verbose_name = _("subcontract")
        verbose_name_plural = _("subcontracts")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="subcontract_one_live_per_case",
            )
        ]
        indexes = [models.Index(fields=["partner", "subcontracted_at"], name="subcontract_month")]

    def __str__(self) -> str:
        return f"{self.case.number} → {self.partner.code}"

    @property
    def response_breached(self) -> bool:
        return self.respond_by is not None and _late(self.accepted_at, self.respond_by)

    @property
    def resolution_breached(self) -> bool:
        return self.resolve_by is not None and _late(self.resolved_at, self.resolve_by)


def _late(done, due) -> bool:
    """Done after it was due; not done yet counts once the due time has passed."""
    return (done or clock.now()) > due
