"""How the contracts domain reads, in the reader's language, made at read time: an
entitlement's sentence, an amendment's changes, a contract's status."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .allowances import AllowanceUse
from .choices import AllowancePeriod, AllowanceUnit, ContractStatus, Coverage, EntitlementReason
from .selectors import Entitlement, Targets


def _day(value) -> str:
    return date_format(value, "Y-m-d") if value else "—"


def allowance_text(unit: str, quantity: int, period: str) -> str:
    """ "12 CASEs per contract year" in the reader's language."""
    words = {"count": quantity}
    if unit == AllowanceUnit.ONSITE_VISITS:
        if period == AllowancePeriod.MONTH:
            return (
                ngettext(
                    "%(count)d on-site visit per month",
                    "%(count)d on-site visits per month",
                    quantity,
                )
                % words
            )
        return (
            ngettext(
                "%(count)d on-site visit per contract year",
                "%(count)d on-site visits per contract year",
                quantity,
            )
            % words
        )
    if period == AllowancePeriod.MONTH:
        return ngettext("%(count)d CASE per month", "%(count)d CASEs per month", quantity) % words
    return (
        ngettext("%(count)d CASE per contract year", "%(count)d CASEs per contract year", quantity)
        % words
    )


def allowance_use_text(use: AllowanceUse) -> str:
    """ "3 of 12 CASEs per contract year left (2026-03-01 – 2027-02-28)"."""
    return _("%(remaining)d of %(allowance)s left (%(starts_on)s – %(ends_on)s)") % {
        "remaining": use.remaining,
        "allowance": allowance_text(use.unit, use.quantity, use.period),
        "starts_on": _day(use.period_starts_on),
        "ends_on": _day(use.period_ends_on),
    }


def _used_up_text(found: Entitlement, words: dict) -> str:
    used_up = next((use for use in found.allowances if use.used_up), None)
    allowance = allowance_text(used_up.unit, used_up.quantity, used_up.period) if used_up else "—"
    return _(
        "Covered by contract %(contract)s (%(product)s), but its allowance of "
        "%(allowance)s is used up."
    ) % {**words, "allowance": allowance}


def entitlement_text(found: Entitlement) -> str:
    """One sentence for the person at intake: covered by what until when, or why not; what
    is left of the product's allowances."""
    sentence = _entitlement_sentence(found)
    if found.entitled and found.allowances:
        left = "; ".join(allowance_use_text(use) for use in found.allowances)
        sentence = _("%(entitlement)s %(allowances)s.") % {
            "entitlement": sentence,
            "allowances": left,
        }
    return sentence


def _entitlement_sentence(found: Entitlement) -> str:
    words = {
        "contract": found.contract or "",
        "product": found.service_product or "",
        "starts_on": _day(found.starts_on),
        "ends_on": _day(found.ends_on),
    }
    reason = found.reason
    if reason == EntitlementReason.COVERED:
        return _("Covered by contract %(contract)s (%(product)s) until %(ends_on)s.") % words
    if reason == EntitlementReason.NOT_COVERED_FOR_ONSITE:
        return (
            _(
                "Covered by contract %(contract)s (%(product)s) until %(ends_on)s, "
                "but not for on-site service."
            )
            % words
        )
    if reason == EntitlementReason.ALLOWANCE_USED_UP:
        return _used_up_text(found, words)
    if reason == EntitlementReason.EXPIRED:
        return _("Coverage expired on %(ends_on)s (contract %(contract)s).") % words
    if reason == EntitlementReason.NOT_STARTED:
        return _("Coverage starts on %(starts_on)s (contract %(contract)s).") % words
    if reason == EntitlementReason.SEVERAL_CONTRACTS:
        return _("Several contracts are active: give the serial number.")
    if reason == EntitlementReason.UNKNOWN_SERIAL:
        return _("Unknown serial number.")
    if reason == EntitlementReason.UNKNOWN_ORGANIZATION:
        return _("Unknown organization.")
    return _("No contract covers it.")


class HintState:
    """How the intake hint looks: covered, covered with a catch, or the CASE opens uncovered
    (``neutral``: no contract at all, the organization's service level decides)."""

    COVERED = "covered"
    WARNING = "warning"
    UNCOVERED = "uncovered"
    NEUTRAL = "neutral"


HINT_STATES = {
    EntitlementReason.COVERED: HintState.COVERED,
    EntitlementReason.NOT_COVERED_FOR_ONSITE: HintState.WARNING,
    EntitlementReason.SEVERAL_CONTRACTS: HintState.WARNING,
}


def targets_text(targets: Targets) -> str:
    """A product's promised times in a line: "7×24 · callback 15 min, on site 4 h"."""
    parts = [
        _("callback %(n)s min") % {"n": targets.callback_minutes},
        _("first work log %(n)s min") % {"n": targets.first_worklog_minutes},
    ]
    if targets.onsite_hours is not None:
        parts.append(_("on site %(n)s h") % {"n": targets.onsite_hours})
    if targets.repair_days is not None:
        n = targets.repair_days
        parts.append(ngettext("repair %(n)s day", "repair %(n)s days", n) % {"n": n})
    if targets.replacement_hours is not None:
        parts.append(_("replacement %(n)s h") % {"n": targets.replacement_hours})
    return f"{Coverage(targets.coverage).label} · {_(', ').join(parts)}"


def entitlement_hint(found: Entitlement, *, of_serial: bool) -> tuple[str, str]:
    """What the intake form shows beside the serial number, and its ``HintState``: the
    sentence, the promised times when covered, and that an uncovered CASE still opens.
    ``of_serial``: the answer is a box's (else the organization's, where no contract at
    all means its service level decides, as the CASE will)."""
    if not of_serial and found.reason == EntitlementReason.NO_CONTRACT:
        return _("No contract: the organization's service level applies."), HintState.NEUTRAL
    text = entitlement_text(found)
    state = HINT_STATES.get(found.reason, HintState.UNCOVERED)
    more = ""
    if found.targets is not None:
        more = targets_text(found.targets)
    elif state == HintState.UNCOVERED:
        more = _("The CASE will still open, flagged as uncovered.")
    if more:  # two sentences: a space between them in English, none in Chinese
        text = _("%(sentence)s %(more)s") % {"sentence": text, "more": more}
    return text, state


def status_label(status: str) -> str:
    return str(ContractStatus(status).label)


FIELD_LABELS = {
    "ends_on": gettext_lazy("ends on"),
    "service_product": gettext_lazy("service product"),
}


def amendment_text(changes: dict) -> list[str]:
    """Each change an amendment made (stored as ``{"before": {…}, "after": {…}}``), as
    "ends on: 2026-12-31 → 2027-12-31" in the reader's language."""
    before, after = changes.get("before", {}), changes.get("after", {})
    return [
        _("%(field)s: %(before)s → %(after)s")
        % {
            "field": FIELD_LABELS.get(field, field),
            "before": before.get(field) or "—",
            "after": after.get(field) or "—",
        }
        for field in sorted(set(before) | set(after))
    ]


def kept_entitlement_text(kept: dict | None) -> str:
    """The sentence of the entitlement a CASE kept from intake (``Case.entitlement``)."""
    if not kept:
        return ""

    def day(key: str):
        value = kept.get(key)
        return dt.date.fromisoformat(value) if value else None

    text = entitlement_text(
        Entitlement(
            entitled=bool(kept.get("entitled")),
            reason=kept.get("reason") or EntitlementReason.NO_CONTRACT,
            contract=kept.get("contract"),
            service_product=kept.get("service_product"),
            starts_on=day("starts_on"),
            ends_on=day("ends_on"),
            allowances=tuple(kept_allowance_uses(kept)),
        )
    )
    if kept.get("goodwill"):
        text = _("%(entitlement)s Served as goodwill.") % {"entitlement": text}
    return text


def kept_allowance_uses(kept: dict) -> list[AllowanceUse]:
    """The allowance counts a CASE kept from intake (``Case.entitlement["allowances"]``)."""
    return [
        AllowanceUse(
            unit=use["unit"],
            period=use["period"],
            quantity=use["quantity"],
            used=use["used"],
            period_starts_on=dt.date.fromisoformat(use["period_starts_on"]),
            period_ends_on=dt.date.fromisoformat(use["period_ends_on"]),
        )
        for use in kept.get("allowances") or ()
    ]
