"""Locations, parts and the stock ledger.

Stock on hand is never stored as a number to edit: it is the sum of the ledger's moves into a
location less the moves out of it, per part and condition (``selectors.on_hand``).  A move
out is checked against that sum with the part's row locked, so two moves of the last part
cannot both pass.  Where each serial number of a serial-tracked part is now is kept in
``PartUnit``, written in the same transaction as the move that puts it there.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Condition, LocationKind, MoveKind, RmaStatus


class Location(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=LocationKind.choices)
    # What "near" means for a CASE (``selectors.sourcing_order``): a van is its engineer's,
    # a depot serves some customers' sites.
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("keeper"),
        help_text=_("The engineer whose van this is."),
    )
    serves = models.ManyToManyField(
        "accounts.Organization",
        blank=True,
        related_name="+",
        verbose_name=_("serves"),
        help_text=_("The customers this depot ships to first."),
    )

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Part(models.Model):
    part_number = models.CharField(_("part number"), max_length=64, unique=True)
    description = models.CharField(_("part description"), max_length=300)
    vendor = models.CharField(_("vendor"), max_length=100, blank=True)
    safety_stock = models.PositiveIntegerField(_("safety stock"), default=0)
    serial_tracked = models.BooleanField(_("serial tracked"), default=False)
    # The alert state: True from the safety-stock mail until good stock is back at the level.
    below_safety_alerted = models.BooleanField(_("below safety stock alerted"), default=False)

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["part_number"]

    def __str__(self) -> str:
        return self.part_number


class StockMove(models.Model):
    part = models.ForeignKey(
        Part, on_delete=models.PROTECT, related_name="moves", verbose_name=_("part")
    )
    from_location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from location"),
    )
    to_location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to location"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    # The condition it leaves in and the one it arrives in (back from repair: defective → good).
    from_condition = models.CharField(
        _("condition leaving"), max_length=16, choices=Condition.choices
    )
    to_condition = models.CharField(
        _("condition arriving"), max_length=16, choices=Condition.choices
    )
    serial_numbers = models.JSONField(_("serial numbers"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"))
    reason = models.CharField(_("why"), max_length=500, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("CASE"),
    )

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="parts_move_quantity_gt_0"),
            models.CheckConstraint(
                condition=Q(from_location__isnull=False) | Q(to_location__isnull=False),
                name="parts_move_has_a_side",
            ),
        ]
        indexes = [
            # "One part across all locations": index-only scans of a part's moves in and out.
            models.Index(
                fields=["part", "to_location", "to_condition", "quantity"], name="parts_move_in"
            ),
            models.Index(
                fields=["part", "from_location", "from_condition", "quantity"],
                name="parts_move_out",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.part_id} ×{self.quantity}"


class StockBalance(models.Model):
    """On hand of a part at a location in a condition: the ledger's sum, kept in the same
    transaction as each move (under the part's row lock), so that a part's stock across
    every location is one indexed read however long its ledger grows (bench/parts_bench.py).
    ``selectors.ledger_totals`` recomputes it from the ledger; the tests hold them equal."""

    part = models.ForeignKey(
        Part, on_delete=models.PROTECT, related_name="balances", verbose_name=_("part")
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("location")
    )
    condition = models.CharField(_("condition"), max_length=16, choices=Condition.choices)
    quantity = models.PositiveIntegerField(_("quantity"), default=0)

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            models.UniqueConstraint(
                fields=["part", "location", "condition"], name="parts_balance_one_row"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="parts_balance_never_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.location_id} {self.condition} {self.quantity}"


class PartUnit(models.Model):
    """Where one serial number of a serial-tracked part is now (derived from the ledger, in
    the move's transaction); ``location`` None once it has left the desk (lost)."""

    part = models.ForeignKey(
        Part, on_delete=models.PROTECT, related_name="units", verbose_name=_("part")
    )
    serial_number = models.CharField(_("serial number"), max_length=100)
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    condition = models.CharField(_("condition"), max_length=16, choices=Condition.choices)

    class Meta:
        verbose_name = _("serial-numbered unit")
        verbose_name_plural = _("serial-numbered units")
        constraints = [
            models.UniqueConstraint(fields=["part", "serial_number"], name="parts_unit_serial")
        ]

    def __str__(self) -> str:
        return f"{self.part_id} {self.serial_number}"


class Rma(models.Model):
    """A replacement part for a CASE: shipped (or backordered), the defective part back into
    quarantine, sent to the vendor for repair, back as good stock."""

    number = models.CharField(_("number"), max_length=16, unique=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("CASE")
    )
    part = models.ForeignKey(
        Part, on_delete=models.PROTECT, related_name="rmas", verbose_name=_("part")
    )
    status = models.CharField(_("status"), max_length=20, choices=RmaStatus.choices)
    advance = models.BooleanField(_("advance replacement"), default=False)
    from_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", verbose_name=_("from location")
    )
    replacement_serial = models.CharField(
        _("replacement serial number"), max_length=100, blank=True
    )
    defective_serial = models.CharField(_("defective serial number"), max_length=100, blank=True)
    # The courier that carries the replacement and its tracking number (the customer reads it).
    courier = models.CharField(_("courier"), max_length=64, blank=True)
    tracking_number = models.CharField(_("courier number"), max_length=64, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    held_at = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("defective part at"),
    )
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        verbose_name = _("RMA record")
        verbose_name_plural = _("RMA records")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class RmaNumberSequence(models.Model):
    """The last RMA serial of each month (``R`` + YYMM + serial, like CASE numbers)."""

    period = models.CharField(_("month"), max_length=4, primary_key=True)
    last_serial = models.PositiveIntegerField(_("last serial"))

    class Meta:
        verbose_name = _("RMA number sequence")
        verbose_name_plural = _("RMA number sequences")

    def __str__(self) -> str:
        return f"R{self.period} {self.last_serial}"
