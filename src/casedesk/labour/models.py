"""Rate cards: what an hour of an engineer's work costs a customer."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casedesk.accounts.choices import Tier
from casedesk.accounts.models import Organization


class RateCard(models.Model):
    """An hourly rate with its night and holiday multipliers.

    A card names an organization (its own price) or none (the general one), and optionally
    an engineer tier; for a work log the most specific card wins, the organization before
    the tier.  One card per (organization, tier).
    """

    name = models.CharField(_("name"), max_length=120)
    hourly_rate = models.DecimalField(_("hourly rate"), max_digits=10, decimal_places=2)
    night_multiplier = models.DecimalField(
        _("night multiplier"), max_digits=4, decimal_places=2, default=1
    )
    holiday_multiplier = models.DecimalField(
        _("holiday multiplier"), max_digits=4, decimal_places=2, default=1
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rate_cards",
        verbose_name=_("organization"),
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["organization__code", "tier", "name"]
        verbose_name = _("rate card")
        verbose_name_plural = _("rate cards")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "tier"],
                nulls_distinct=False,
                name="labour_one_card_per_org_tier",
            )
        ]

    def __str__(self) -> str:
        return self.name
