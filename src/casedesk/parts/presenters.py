"""The wording of the notes an RMA writes in its CASE's history (stored as a code and its
parameters on an RMA work log), in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from casedesk.core import presenters
from casedesk.core.presenters import Reader

from .choices import (
    RMA_BACKORDERED,
    RMA_DEFECTIVE_RECEIVED,
    RMA_IN_REPAIR,
    RMA_REPAIRED,
    RMA_SHIPPED,
    RMA_SHIPPING,
)


def courier_words(courier: str, tracking_number: str) -> str:
    """ "courier SF Express no. SF1234" as the reader reads it (the portal says it too)."""
    if courier:
        return _("courier %(courier)s no. %(number)s") % {
            "courier": courier,
            "number": tracking_number,
        }
    return _("courier no. %(number)s") % {"number": tracking_number}


@presenters.note(RMA_SHIPPED)
def _shipped(params, reader: Reader) -> str:
    words = {"part": params.get("part", ""), "rma": params.get("rma", "")}
    text = _("Replacement part %(part)s shipped (RMA %(rma)s).") % words
    if params.get("serial"):
        text += " " + _("Serial number %(serial)s.") % {"serial": params["serial"]}
    if params.get("advance"):
        text += " " + _("Advance replacement: the defective part is due back within 10 days.")
    if params.get("tracking_number"):
        text += " " + _("Sent by %(courier)s.") % {
            "courier": courier_words(params.get("courier", ""), params["tracking_number"])
        }
    return text


@presenters.note(RMA_SHIPPING)
def _shipping(params, reader: Reader) -> str:
    words = {
        "part": params.get("part", ""),
        "rma": params.get("rma", ""),
        "courier": params.get("courier", ""),
        "number": params.get("tracking_number", ""),
    }
    if words["courier"]:
        return (
            _("Replacement shipped by %(courier)s, courier no. %(number)s (RMA %(rma)s).") % words
        )
    return _("Replacement shipped, courier no. %(number)s (RMA %(rma)s).") % words


@presenters.note(RMA_BACKORDERED)
def _backordered(params, reader: Reader) -> str:
    return _("Replacement part %(part)s backordered: none in stock (RMA %(rma)s).") % {
        "part": params.get("part", ""),
        "rma": params.get("rma", ""),
    }


@presenters.note(RMA_DEFECTIVE_RECEIVED)
def _defective_received(params, reader: Reader) -> str:
    return _("Defective part %(part)s received (RMA %(rma)s).") % {
        "part": params.get("part", ""),
        "rma": params.get("rma", ""),
    }


@presenters.note(RMA_IN_REPAIR)
def _in_repair(params, reader: Reader) -> str:
    return _(
        "Defective part sent to %(vendor)s for repair, due back within %(days)s days (RMA %(rma)s)."
    ) % {
        "vendor": params.get("vendor", ""),
        "days": params.get("days", ""),
        "rma": params.get("rma", ""),
    }


@presenters.note(RMA_REPAIRED)
def _repaired(params, reader: Reader) -> str:
    return _("Repaired part %(part)s back in stock; RMA %(rma)s closed.") % {
        "part": params.get("part", ""),
        "rma": params.get("rma", ""),
    }
