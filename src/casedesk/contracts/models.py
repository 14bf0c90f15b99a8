"""The service catalogue, contracts and the installed base (SPEC function 3).

Coverage is explicit dated rows — contract line × equipment × period, ``ends_on`` included,
whole days in the desk's time zone — never a computed "start + months".  A contract is
never edited silently: a change is an amendment with its effective date.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casedesk.accounts.models import Organization, User, code_validator
from casedesk.sla.models import ServiceCalendar

from .choices import AllowancePeriod, AllowanceUnit, Coverage


class ServiceProduct(models.Model):
    """What a customer buys: the hours it covers and the times it promises."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    coverage = models.CharField(_("coverage"), max_length=8, choices=Coverage.choices)
    # The hours the promised times count in; empty: the desk's calendar for the coverage.
    calendar = models.ForeignKey(
        ServiceCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coverage calendar"),
    )
    callback_minutes = models.PositiveIntegerField(_("phone callback within (minutes)"))
    first_worklog_minutes = models.PositiveIntegerField(_("first work log within (minutes)"))
    onsite_hours = models.PositiveIntegerField(_("on site within (hours)"), null=True, blank=True)
    repair_days = models.PositiveIntegerField(
        _("repair returned within (days)"), null=True, blank=True
    )
    replacement_hours = models.PositiveIntegerField(
        _("replacement delivered within (hours)"), null=True, blank=True
    )
    # What a renewal quote charges for one covered box for one year, in CNY (before VAT);
    # empty: not priced yet (its quote lines read "price on request").
    annual_price = models.DecimalField(
        _("annual price per box (CNY)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"))
    # Kept by the services with the product's Allowance rows, so that the entitlement of a
    # product without allowances costs no query to find that out.
    has_allowances = models.BooleanField(_("has allowances"), default=False, editable=False)

    class Meta:
        verbose_name = _("service product")
        verbose_name_plural = _("service products")
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Allowance(models.Model):
    """A product allows ``quantity`` units of ``unit`` per ``period`` of each contract
    (ServiceNow's entitlement counts: 12 CASEs a contract year, 10 on-site visits)."""

    service_product = models.ForeignKey(
        ServiceProduct,
        on_delete=models.CASCADE,
        related_name="allowances",
        verbose_name=_("service product"),
    )
    unit = models.CharField(_("unit"), max_length=16, choices=AllowanceUnit.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    period = models.CharField(
        pgettext_lazy("allowance", "period"), max_length=16, choices=AllowancePeriod.choices
    )

    class Meta:
        verbose_name = _("allowance")
        verbose_name_plural = _("allowances")
        ordering = ("service_product", "unit", "period")
        constraints = [
            models.UniqueConstraint(
                fields=("service_product", "unit", "period"), name="allowance_unique"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="allowance_quantity_min"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.unit} / {self.period}"


class Contract(models.Model):
    """A service contract of one organization for one product over whole days."""

    number = models.CharField(_("number"), max_length=64, unique=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("organization"),
    )
    service_product = models.ForeignKey(
        ServiceProduct,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("service product"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), help_text=_("The last day covered."))
    created_at = models.DateTimeField(_("created at"))
    # The nearest renewal notice sent for the current end (60, then 30 days before it);
    # an amendment that moves the end clears it, so the new end is noticed in its turn.
    renewal_noticed_days = models.PositiveSmallIntegerField(
        _("renewal notice sent (days before the end)"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ("number",)
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="contract_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=("organization", "ends_on"))]

    def __str__(self) -> str:
        return self.number


class ContractAmendment(models.Model):
    """One dated change of a contract: what changed (before/after), from when, and why."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("contract")
    )
    seq = models.PositiveIntegerField(_("amendment"))
    effective_on = models.DateField(_("effective on"))
    changes = models.JSONField(_("changes"), default=dict)
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("contract amendment")
        verbose_name_plural = _("contract amendments")
        ordering = ("contract", "seq")
        constraints = [
            models.UniqueConstraint(fields=("contract", "seq"), name="amendment_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contract.number}/{self.seq}"


class AllowanceCounter(models.Model):
    """How many units of ``unit`` a contract used in the period (of kind ``period``) that
    starts on ``period_starts_on``: one row, counted up in the transaction that uses a unit
    (a CASE's intake), so reading what is left is one indexed lookup."""

    contract = models.ForeignKey(
        "Contract", on_delete=models.CASCADE, related_name="+", verbose_name=_("contract")
    )
    unit = models.CharField(_("unit"), max_length=16, choices=AllowanceUnit.choices)
    period = models.CharField(
        pgettext_lazy("allowance", "period"), max_length=16, choices=AllowancePeriod.choices
    )
    period_starts_on = models.DateField(_("period starts on"))
    used = models.PositiveIntegerField(_("used"), default=0)

    class Meta:
        verbose_name = _("allowance counter")
        verbose_name_plural = _("allowance counters")
        constraints = [
            models.UniqueConstraint(
                fields=("contract", "unit", "period", "period_starts_on"),
                name="allowance_counter_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit}/{self.period} {self.period_starts_on}: {self.used}"


class Equipment(models.Model):
    """A customer's box, known by its serial number (stored upper-case, no spaces)."""

    serial_number = models.CharField(_("serial number"), max_length=64, unique=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="equipment",
        verbose_name=_("organization"),
    )
    model = models.CharField(_("model"), max_length=100)
    vendor = models.CharField(_("vendor"), max_length=100)
    site = models.CharField(_("site"), max_length=300, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    warranty_ends_on = models.DateField(_("warranty ends on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ("serial_number",)

    def __str__(self) -> str:
        return self.serial_number


class CoverageLine(models.Model):
    """A contract covers one piece of equipment with one product over whole days
    (``ends_on`` included).  Lines of the same equipment and product never overlap."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="lines", verbose_name=_("contract")
    )
    equipment = models.ForeignKey(
        Equipment, on_delete=models.PROTECT, related_name="coverage", verbose_name=_("equipment")
    )
    service_product = models.ForeignKey(
        ServiceProduct,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("service product"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("coverage line")
        verbose_name_plural = _("coverage lines")
        ordering = ("equipment", "starts_on")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="coverage_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=("equipment", "ends_on", "starts_on"))]

    def __str__(self) -> str:
        return f"{self.contract.number}: {self.equipment.serial_number} {self.starts_on}–{self.ends_on}"
