"""Rate cards: what an hour of an engineer's work costs a customer."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casedesk.accounts.choices import Tier
from casedesk.accounts.models import Organization


class RateCard(models.Model):
    """An hourly rate with its night and holiday multipliers, valid for a period of days.

    A card names an organization (its own price) or none (the general one), and optionally
    an engineer tier; for a work log the most specific card valid on the log's local day
    wins, the organization before the tier.  The cards of one scope (organization, tier)
    never overlap in time (the operations refuse it); a price change is a new card from a
    date on (``services.rate_card_supersede``), so the amounts of days past never move.
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
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Included; empty: open-ended.")
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["organization__code", "tier", "valid_from", "name"]
        verbose_name = _("rate card")
        verbose_name_plural = _("rate cards")
        constraints = [
            # Overlaps are the operations' to refuse; two cards of one scope starting on
            # the same day (a race past that check) the database's.
            models.UniqueConstraint(
                fields=["organization", "tier", "valid_from"],
                nulls_distinct=False,
                name="labour_one_card_per_scope_and_start",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="labour_card_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
