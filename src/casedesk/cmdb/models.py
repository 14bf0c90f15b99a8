"""The configuration items of the customers' networks, how they depend on each other, and
the services customers buy on top of them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casedesk.accounts.models import Organization

from .choices import ItemKind, ItemStatus, RelationKind


class ConfigurationItem(models.Model):
    """A site, a box, a circuit, an application or a customer service.

    ``serial_number`` (normalized like the installed base's, unique among CIs) names the
    ``contracts.Equipment`` it is, when there is one: a lookup, not a key, so a CI may be
    recorded before its box is in the installed base, and a CASE finds its CI by the serial
    it names."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="configuration_items",
        verbose_name=_("organization"),
    )
    serial_number = models.CharField(_("serial number"), max_length=64, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("configuration item")
        verbose_name_plural = _("configuration items")
        ordering = ("organization_id", "kind", "name")
        constraints = [
            models.UniqueConstraint(
                fields=("serial_number",),
                condition=~models.Q(serial_number=""),
                name="cmdb_ci_serial_unique",
            )
        ]
        indexes = [models.Index(fields=("organization", "kind", "name"))]

    def __str__(self) -> str:
        return self.name


class Relation(models.Model):
    """``source`` depends on / runs on / is connected to ``target``."""

    source = models.ForeignKey(
        ConfigurationItem,
        on_delete=models.CASCADE,
        related_name="relations_out",
        verbose_name=pgettext_lazy("relation", "from"),
    )
    target = models.ForeignKey(
        ConfigurationItem,
        on_delete=models.CASCADE,
        related_name="relations_in",
        verbose_name=pgettext_lazy("relation", "to"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RelationKind.choices)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.UniqueConstraint(
                fields=("source", "target", "kind"), name="cmdb_relation_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="cmdb_relation_not_self"
            ),
        ]
        # The impact walk goes from a CI to those that point at it: (target, kind) → source.
        indexes = [models.Index(fields=("target", "kind", "source"), name="cmdb_rel_reverse")]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"


class Service(models.Model):
    """What a customer buys, with its yearly downtime budget (S1: 72 hours), and the CIs
    it depends on directly: it is down when one of them, or anything they depend on, is
    down (its outages and availability are counted against ``downtime_budget_hours``)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=200)
    downtime_budget_hours = models.PositiveIntegerField(
        _("downtime budget (hours a year)"), default=72
    )
    items = models.ManyToManyField(
        ConfigurationItem, related_name="services", blank=True, verbose_name=_("items")
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ("organization_id", "name")
        constraints = [
            models.UniqueConstraint(fields=("organization", "name"), name="cmdb_service_name")
        ]

    def __str__(self) -> str:
        return self.name
