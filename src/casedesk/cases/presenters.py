"""The wording of a CASE's history: one presenter per ``EventKind``, at read time.

The console, the portal, mail and webhooks all word an event here, in the active language,
from the event's data: kinds, values and logins (names are resolved to display names by
``selectors.event_people``).  What people wrote (notes, reasons, the solution) comes back
as ``texts``, shown as their text; notes the system writes are stored as a code with its
parameters (``data["system"]``, see ``SYSTEM_NOTES``) and worded here too.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from casedesk.core import presenters
from casedesk.core.presenters import Presented, Reader

from .choices import Channel, EscalationTarget, EventKind, PendingReason, Status, WorkLogKind

DOMAIN = "cases"

# System notes (stored as ``{"code": …, params…}``): a chase reassigned the CASE, a routing
# queue auto-assigned it, the desk phoned the engineer.
CHASE_REASSIGNED = "chase_reassigned"
ROUTING_ASSIGNED = "routing_assigned"
PHONED_ENGINEER = "phoned_engineer"


@presenters.note(CHASE_REASSIGNED)
def _chase_reassigned(params, reader: Reader) -> str:
    return _("no callback within the chase time")


@presenters.note(ROUTING_ASSIGNED)
def _routing_assigned(params, reader: Reader) -> str:
    return _("auto-assigned by routing queue %(queue)s") % {"queue": params.get("queue", "")}


@presenters.note(PHONED_ENGINEER)
def _phoned_engineer(params, reader: Reader) -> str:
    phone = params.get("phone") or ""
    return _("Phoned engineer %(engineer)s%(phone)s.") % {
        "engineer": reader.name(params.get("engineer")),
        "phone": f" ({phone})" if phone else "",
    }


def present(event, reader: Reader | None = None) -> Presented:
    """The wording of one CASE event for ``reader`` (see ``core.presenters``)."""
    return presenters.present(DOMAIN, event, reader)


def note_text(data: dict[str, Any] | None) -> Any:
    """The note an event carries, as the reader will read it: the system's, worded in the
    language active when it is rendered (lazy), then what a person wrote."""
    data = data or {}
    parts = []
    if isinstance(data.get("system"), dict):
        parts.append(presenters.system_note_lazy(data["system"]))
    if data.get("note") and isinstance(data["note"], str):
        parts.append(data["note"])
    if len(parts) == 1:
        return parts[0]
    return presenters.lazy_join(" ", parts) if parts else ""


def shown_title(title: str) -> str:
    """A CASE's title as people read it: a mail without a subject opened a CASE without a
    title, shown as "(no subject)" in the reader's language."""
    return title or _("(no subject)")


def label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _after(data: dict, field: str) -> Any:
    change = data.get(field)
    return change.get("after") if isinstance(change, dict) else None


def _before(data: dict, field: str) -> Any:
    change = data.get(field)
    return change.get("before") if isinstance(change, dict) else None


def finish(event, reader: Reader, head: str, lines: list[str] | None = None) -> Presented:
    """The headline and lines, then the system's note and what people wrote."""
    data = event.data or {}
    lines = list(lines or [])
    texts: list[str] = []
    system = presenters.system_note(data.get("system"), reader)
    if system:
        lines.append(system)
    for key in ("note", "reason"):
        if data.get(key) and isinstance(data[key], str):
            texts.append(data[key])
    return Presented(headline=head, lines=lines, texts=texts)


@presenters.register(DOMAIN, EventKind.OPENED)
def opened(event, reader: Reader) -> Presented:
    data = event.data or {}
    head = _("Opened by %(channel)s as %(priority)s") % {
        "channel": label(Channel, data.get("channel", "")),
        "priority": data.get("priority", ""),
    }
    return finish(event, reader, head)


@presenters.register(DOMAIN, EventKind.ASSIGNED)
def assigned(event, reader: Reader) -> Presented:
    data = event.data or {}
    before, after = _before(data, "engineer"), _after(data, "engineer")
    head = _("Assigned to %(engineer)s") % {"engineer": reader.name(after) or "—"}
    lines = []
    if before and not reader.customer:
        lines.append(_("Previously %(engineer)s") % {"engineer": reader.name(before)})
    if data.get("override") == "tier" and not reader.customer:
        lines.append(
            _("Tier rule overridden (P1/P2 go to a senior engineer): %(reason)s")
            % {"reason": data.get("override_reason", "")}
        )
    return finish(event, reader, head, lines)


@presenters.register(DOMAIN, EventKind.WORK_LOGGED)
def work_logged(event, reader: Reader) -> Presented:
    data = event.data or {}
    if data.get("kind") == WorkLogKind.REPLY:  # a mail to the customer, not labour
        head = _("Message from the service desk") if reader.customer else _("Reply to the customer")
        return finish(event, reader, head)
    kind = label(WorkLogKind, data.get("kind", ""))
    minutes = data.get("minutes", 0)
    # a note the system writes (an RMA step, a visit's check-in) took no one's time
    head = _("%(kind)s, %(minutes)s min") % {"kind": kind, "minutes": minutes} if minutes else kind
    lines = []
    if _after(data, "status") == Status.IN_PROGRESS:
        lines.append(_("The engineer called back: the CASE is in progress."))
    return finish(event, reader, head, lines)


@presenters.register(DOMAIN, EventKind.PRIORITY_CHANGED)
def priority_changed(event, reader: Reader) -> Presented:
    data = event.data or {}
    head = _("Priority %(before)s → %(after)s") % {
        "before": _before(data, "priority"),
        "after": _after(data, "priority"),
    }
    return finish(event, reader, head)


@presenters.register(DOMAIN, EventKind.ESCALATED)
def escalated(event, reader: Reader) -> Presented:
    data = event.data or {}
    head = _("Escalated to %(target)s") % {
        "target": label(EscalationTarget, data.get("target", ""))
    }
    lines = []
    vendor_reference = _after(data, "vendor_reference")
    if vendor_reference and not reader.customer:
        lines.append(_("Vendor case number: %(ref)s") % {"ref": vendor_reference})
    engineer = _after(data, "engineer")
    if engineer:
        lines.append(_("Handed to %(engineer)s") % {"engineer": reader.name(engineer)})
    return finish(event, reader, head, lines)


@presenters.register(DOMAIN, EventKind.PENDED)
def pended(event, reader: Reader) -> Presented:
    reason = _after(event.data or {}, "pending_reason") or ""
    head = f"{label(EventKind, event.kind)} · {label(PendingReason, reason)}"
    return finish(event, reader, head)


@presenters.register(DOMAIN, EventKind.HELPER_ADDED, EventKind.HELPER_REMOVED)
def helper(event, reader: Reader) -> Presented:
    head = f"{label(EventKind, event.kind)}: {reader.name((event.data or {}).get('helper', ''))}"
    return finish(event, reader, head)


@presenters.register(DOMAIN, EventKind.CONFIRMED)
def confirmed(event, reader: Reader) -> Presented:
    lines = []
    if (event.data or {}).get("on_behalf"):
        lines.append(_("Recorded by the desk on the customer's behalf."))
    return finish(event, reader, label(EventKind, event.kind), lines)


@presenters.register(DOMAIN, EventKind.RESOLVED)
def resolved(event, reader: Reader) -> Presented:
    presented = finish(event, reader, label(EventKind, event.kind))
    solution = _after(event.data or {}, "solution")
    if solution:
        presented.texts.insert(0, solution)
    return presented


@presenters.register(DOMAIN, EventKind.ATTACHMENT_ADDED)
def attachment_added(event, reader: Reader) -> Presented:
    # The file itself (its name, a link while it is there) is shown by the page.
    return finish(event, reader, label(EventKind, event.kind))


@presenters.register(DOMAIN, EventKind.GOODWILL_APPROVED)
def goodwill_approved(event, reader: Reader) -> Presented:
    """The customer reads that they are served; the desk also reads with what and why."""
    data = event.data or {}
    if reader.customer:
        return Presented(headline=_("Service approved as goodwill"), lines=[], texts=[])
    head = _("Goodwill service approved (%(product)s)") % {
        "product": data.get("service_product") or "—"
    }
    return finish(event, reader, head)


@presenters.register(DOMAIN, EventKind.SUBCONTRACTED, EventKind.SUBCONTRACT_WITHDRAWN)
def subcontracted(event, reader: Reader) -> Presented:
    """The desk reads to whom and why; the customer only that a partner serves it (or no
    longer does)."""
    if reader.customer:
        return Presented(headline=label(EventKind, event.kind), lines=[], texts=[])
    data = event.data or {}
    if event.kind == EventKind.SUBCONTRACTED:
        head = _("Subcontracted to %(partner)s") % {"partner": _after(data, "partner") or "—"}
    else:
        head = _("Subcontract withdrawn from %(partner)s") % {
            "partner": _before(data, "partner") or "—"
        }
    return finish(event, reader, head)


@presenters.register(DOMAIN)
def other(event, reader: Reader) -> Presented:
    data = event.data or {}
    lines = [str(data["name"])] if data.get("name") else []
    return finish(event, reader, label(EventKind, event.kind), lines)
