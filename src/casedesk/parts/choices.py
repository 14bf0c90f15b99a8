"""The words the parts domain stores: where stock is, what state a part is in, why it moved."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LocationKind(models.TextChoices):
    CENTRAL = "central", _("central warehouse")
    DEPOT = "depot", _("regional depot")
    VAN = "van", _("engineer's van")
    VENDOR = "vendor", _("vendor repair centre")
    CUSTOMER = "customer", _("customer")
    QUARANTINE = "quarantine", _("quarantine")


# Stock held at these is not the desk's to give out: it does not count towards safety stock.
NOT_OURS = (LocationKind.VENDOR, LocationKind.CUSTOMER, LocationKind.QUARANTINE)


class Condition(models.TextChoices):
    GOOD = "good", _("good")
    DEFECTIVE = "defective", _("defective")


class MoveKind(models.TextChoices):
    RECEIPT = "receipt", _("receipt")
    SHIPMENT = "shipment", _("shipment to customer")
    DEFECTIVE_RETURN = "defective_return", _("defective return")
    TO_REPAIR = "to_repair", _("sent to repair")
    FROM_REPAIR = "from_repair", _("back from repair")
    TRANSFER = "transfer", _("transfer")
    LOSS = "loss", _("loss")
    CORRECTION = "correction", _("correction")


class RmaStatus(models.TextChoices):
    SHIPPED = "shipped", _("replacement shipped")
    BACKORDERED = "backordered", _("backordered")
    DEFECTIVE_RECEIVED = "defective_received", _("defective part received")
    IN_REPAIR = "in_repair", _("in repair at the vendor")
    CLOSED = "closed", _("closed")


# The codes of the notes an RMA writes in its CASE's history (worded by ``presenters``).
RMA_SHIPPED = "rma_shipped"
RMA_SHIPPING = "rma_shipping"  # the courier and its number, entered after the shipment
RMA_BACKORDERED = "rma_backordered"
RMA_DEFECTIVE_RECEIVED = "rma_defective_received"
RMA_IN_REPAIR = "rma_in_repair"
RMA_REPAIRED = "rma_repaired"
