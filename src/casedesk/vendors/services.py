"""Every change to vendors and vendor cases: one operation each, audited.

A vendor case is opened from a CASE (the first one escalates the CASE to the vendor, the
one way there is), and promises the vendor's next update: ``vendor_update`` deadlines on
the CASE, watched by the supervisor.  Each round has two steps: due ``hours`` after the
opening or the last update the CASE's engineer is chased; ``hours`` later still, the
supervisor is told.  An update keeps the round's promises (late ones too) and promises the
next round; a round that ran out with no update starts the next by itself, from when the
supervisor was told (recurring until the vendor case closes); closing calls off what still
runs.  Each step is in the CASE's history (an
internal note worded by ``presenters``) and keeps ``Case.vendor_reference`` current, so every
vendor case number of the CASE is searched with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from casedesk.accounts.models import User
from casedesk.cases import services as cases
from casedesk.cases.choices import (
    CaseAction,
    EscalationLevel,
    EscalationTarget,
    Status,
    WorkLogKind,
)
from casedesk.cases.models import Attachment, Case
from casedesk.core import audit, clock, policy
from casedesk.core.errors import Conflict, InvalidInput, TransitionNotAllowed
from casedesk.core.operations import operation
from casedesk.sla import services as sla
from casedesk.sla.choices import DeadlineKind, Recipient
from casedesk.sla.models import Deadline

from . import presenters
from .choices import ContactRole, Severity, VendorCaseStatus
from .models import Vendor, VendorCase, VendorContact, VendorUpdate
from .policy import VendorsAction

REFERENCES_MAX = 64  # Case.vendor_reference
MAX_HOURS = 24 * 14
# The supervisor hears of a round this many intervals after it fell due to the engineer.
LATE_AFTER = 1


# --- vendors ------------------------------------------------------------------------------


def _hours(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_HOURS:
        raise InvalidInput(
            _("%(field)s must be a whole number of hours from 1 to %(max)d.")
            % {"field": field, "max": MAX_HOURS}
        )
    return value


def _severity_hours(value: dict[str, Any] | None) -> dict[str, int]:
    hours = {}
    for severity, h in (value or {}).items():
        if severity not in Severity.values:
            raise InvalidInput(
                _("Unknown severity %(severity)r: choose S1, S2, S3 or S4.")
                % {"severity": severity}
            )
        if h in (None, ""):
            continue
        hours[severity] = _hours(h, severity)
    return hours


def _required(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("%(field)s is required.") % {"field": field})
    if len(value) > limit:
        raise InvalidInput(
            _("%(field)s is too long (at most %(limit)d characters).")
            % {"field": field, "limit": limit}
        )
    return value


def _fields(vendor: Vendor) -> dict[str, Any]:
    return {
        "code": vendor.code,
        "name": vendor.name,
        "email": vendor.email,
        "support_hours": vendor.support_hours,
        "update_hours": vendor.update_hours,
        "severity_hours": vendor.severity_hours,
        "active": vendor.active,
    }


@operation
def vendor_create(
    *,
    code: str,
    name: str,
    email: str = "",
    update_hours: int = 24,
    support_hours: str = "",
    severity_hours: dict[str, Any] | None = None,
    by: User | None,
) -> Vendor:
    policy.require(by, VendorsAction.MANAGE)
    code = _required(code, _("code"), 32).upper()
    if Vendor.objects.filter(code=code).exists():
        raise Conflict(_("There is already a vendor %(code)s.") % {"code": code})
    vendor = Vendor.objects.create(
        code=code,
        name=_required(name, _("name"), 200),
        email=(email or "").strip(),
        support_hours=(support_hours or "").strip()[:200],
        update_hours=_hours(update_hours, "update_hours"),
        severity_hours=_severity_hours(severity_hours),
    )
    audit.record(action="vendor.create", obj=vendor, actor=by, after=_fields(vendor))
    return vendor


@operation
def vendor_change(
    *,
    vendor: Vendor,
    name: str,
    email: str,
    support_hours: str,
    update_hours: int,
    severity_hours: dict[str, Any] | None,
    active: bool,
    by: User | None,
) -> Vendor:
    """Edit a vendor's details; an inactive vendor takes no new vendor case (its open ones
    run on).  A new interval counts from the next update."""
    policy.require(by, VendorsAction.MANAGE, vendor)
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    before = _fields(vendor)
    vendor.name = _required(name, _("name"), 200)
    vendor.email = (email or "").strip()
    vendor.support_hours = (support_hours or "").strip()[:200]
    vendor.update_hours = _hours(update_hours, "update_hours")
    vendor.severity_hours = _severity_hours(severity_hours)
    vendor.active = bool(active)
    vendor.save()
    audit.record(action="vendor.change", obj=vendor, actor=by, before=before, after=_fields(vendor))
    return vendor


@operation
def vendor_contact_add(
    *, vendor: Vendor, name: str, role: str, phone: str = "", email: str = "", by: User | None
) -> VendorContact:
    policy.require(by, VendorsAction.MANAGE, vendor)
    if role not in ContactRole.values:
        raise InvalidInput(_("Unknown contact role %(role)r.") % {"role": role})
    phone, email = (phone or "").strip(), (email or "").strip()
    if not phone and not email:
        raise InvalidInput(_("A contact needs a phone number or an e-mail address."))
    contact = VendorContact.objects.create(
        vendor=vendor,
        name=_required(name, _("name"), 100),
        role=role,
        phone=phone[:40],
        email=email,
    )
    audit.record(
        action="vendor_contact.create",
        obj=contact,
        actor=by,
        after={
            "vendor": vendor.code,
            "name": contact.name,
            "role": role,
            "phone": phone,
            "email": email,
        },
    )
    return contact


@operation
def vendor_contact_remove(*, contact: VendorContact, by: User | None) -> None:
    policy.require(by, VendorsAction.MANAGE, contact.vendor)
    audit.record(
        action="vendor_contact.delete",
        obj=contact,
        actor=by,
        before={"vendor": contact.vendor.code, "name": contact.name, "role": contact.role},
    )
    contact.delete()


# --- vendor cases -------------------------------------------------------------------------


def _keys(vendor_case: VendorCase) -> tuple[str, str]:
    """The deadline keys of the vendor case's current round: the engineer's, the supervisor's."""
    base = f"vendor:{vendor_case.pk}:{vendor_case.round}"
    return f"{base}:update", f"{base}:late"


def _promise(vendor_case: VendorCase, anchor: dt.datetime) -> list:
    """The round's two steps, due ``hours`` and twice that after ``anchor`` (plain hours:
    the vendor's TAC works to its own clock, the desk chases by the hour)."""
    hours = vendor_case.vendor.hours_for(vendor_case.severity)
    chase, late = _keys(vendor_case)
    return [
        sla.deadline_promise(
            case=vendor_case.case,
            key=chase,
            kind=DeadlineKind.VENDOR_UPDATE,
            anchor=anchor,
            due_at=anchor + dt.timedelta(hours=hours),
        ),
        sla.deadline_promise(
            case=vendor_case.case,
            key=late,
            kind=DeadlineKind.VENDOR_UPDATE,
            anchor=anchor,
            due_at=anchor + dt.timedelta(hours=hours * (1 + LATE_AFTER)),
            recipient=Recipient.SUPERVISOR,
        ),
    ]


def references(case: Case, extra: Iterable[VendorCase] = ()) -> str:
    """The CASE's vendor case numbers as ``Case.vendor_reference`` keeps them: open ones first,
    newest first, as many whole numbers as fit."""
    found = {vc.pk: vc for vc in VendorCase.objects.filter(case=case)}
    found.update((vc.pk, vc) for vc in extra)
    ordered = sorted(
        found.values(),
        key=lambda vc: (vc.status != VendorCaseStatus.OPEN, -vc.opened_at.timestamp(), -vc.pk),
    )
    kept: list[str] = []
    for vc in ordered:
        if vc.reference in kept:
            continue
        if len(" ".join([*kept, vc.reference])) > REFERENCES_MAX:
            break
        kept.append(vc.reference)
    return " ".join(kept)


def _history(
    vendor_case: VendorCase, code: str, *, by: User, note: str = "", **params: Any
) -> None:
    """The step as an internal note in the CASE's history, keeping its vendor case numbers
    current; skipped once the CASE takes no notes (closed): the vendor case and the audit
    keep it."""
    case = Case.objects.get(pk=vendor_case.case_id)
    if case.status not in cases.ALLOWED_FROM[CaseAction.LOG_WORK]:
        return
    cases.case_log_work(
        case=case,
        kind=WorkLogKind.NOTE,
        note=note,
        minutes=0,
        internal=True,
        by=by,
        system={
            "code": code,
            "vendor_case": vendor_case.pk,
            "vendor": vendor_case.vendor.code,
            "vendor_name": vendor_case.vendor.name,
            "reference": vendor_case.reference,
            "severity": vendor_case.severity,
            **params,
        },
        vendor_reference=references(case),
    )


def _files(case: Case, files: Iterable[Attachment | int]) -> list[Attachment]:
    ids = [f.pk if isinstance(f, Attachment) else f for f in files]
    if not ids:
        return []
    found = list(Attachment.objects.filter(case=case, pk__in=ids))
    if len(found) != len(set(ids)):
        raise InvalidInput(_("Only files of this CASE can be sent to the vendor."))
    return found


@operation
def vendor_case_open(
    *,
    case: Case,
    vendor: Vendor,
    reference: str,
    severity: str,
    sent: str = "",
    files: Iterable[Attachment | int] = (),
    by: User,
) -> VendorCase:
    """Open a vendor case for ``case``; the CASE's first one escalates it to the vendor."""
    case = cases.case_lock(case)  # as it is now (its owner may have changed)
    policy.require(by, VendorsAction.OPEN, case)
    if case.status not in cases.ALLOWED_FROM[CaseAction.ESCALATE_VENDOR]:
        raise TransitionNotAllowed(
            _("%(number)s is not being worked: no vendor case can be opened for it.")
            % {"number": case.number}
        )
    vendor = Vendor.objects.get(pk=vendor.pk)  # as it is now (it may have been deactivated)
    if not vendor.active:
        raise InvalidInput(
            _("%(vendor)s is inactive: choose an active vendor.") % {"vendor": vendor.name}
        )
    if severity not in Severity.values:
        raise InvalidInput(
            _("Unknown severity %(severity)r: choose S1, S2, S3 or S4.") % {"severity": severity}
        )
    reference = _required(reference, _("vendor case number"), 64)
    if " " in reference:
        raise InvalidInput(_("A vendor case number has no spaces."))
    if VendorCase.objects.filter(vendor=vendor, reference=reference).exists():
        raise Conflict(
            _("%(vendor)s case %(reference)s is already recorded.")
            % {"vendor": vendor.name, "reference": reference}
        )
    sent = (sent or "").strip()
    attached = _files(case, files)
    now = clock.now()
    vendor_case = VendorCase.objects.create(
        case=case,
        vendor=vendor,
        reference=reference,
        severity=severity,
        sent=sent,
        opened_at=now,
        last_update_at=now,
        opened_by=by,
    )
    vendor_case.files.set(attached)
    if case.escalation_level < EscalationLevel.VENDOR:
        cases.case_escalate(
            case=case,
            target=EscalationTarget.VENDOR,
            reason=sent or f"{vendor.name} {reference}",
            vendor_reference=references(case),
            by=by,
        )
    deadlines = _promise(vendor_case, now)
    _history(
        vendor_case,
        presenters.OPENED,
        by=by,
        files=[f.name for f in attached],
        next_due=clock.iso_utc(deadlines[0].due_at),
    )
    audit.record(
        action="vendor_case.open",
        obj=vendor_case,
        actor=by,
        after={
            "case": case.number,
            "vendor": vendor.code,
            "reference": reference,
            "severity": severity,
            "sent": sent,
            "files": [f.pk for f in attached],
        },
    )
    return vendor_case


def _locked(vendor_case: VendorCase) -> VendorCase:
    vendor_case = (
        VendorCase.objects.select_for_update(of=("self",))
        .select_related("vendor", "case")
        .get(pk=vendor_case.pk)
    )
    if vendor_case.status != VendorCaseStatus.OPEN:
        raise TransitionNotAllowed(
            _("Vendor case %(reference)s is closed: it takes no more updates.")
            % {"reference": vendor_case.reference}
        )
    return vendor_case


def _keep_round(vendor_case: VendorCase, now: dt.datetime) -> bool:
    """Keep the current round's promises; True when the engineer's step was already due."""
    chase, late = _keys(vendor_case)
    was_late = (
        vendor_case.last_update_at
        + dt.timedelta(hours=vendor_case.vendor.hours_for(vendor_case.severity))
        < now
    )
    for key in (chase, late):
        sla.deadline_keep(case=vendor_case.case, key=key, at=now)
    return was_late


@operation
def vendor_case_update(*, vendor_case: VendorCase, note: str, by: User) -> VendorUpdate:
    """The vendor's update: kept promises, the next round promised."""
    policy.require(by, VendorsAction.WORK, vendor_case)
    note = _required(note, _("note"), 10_000)
    vendor_case = _locked(vendor_case)
    now = clock.now()
    late = _keep_round(vendor_case, now)
    update = VendorUpdate.objects.create(
        vendor_case=vendor_case, note=note, at=now, by=by, late=late
    )
    vendor_case.round += 1
    vendor_case.last_update_at = now
    vendor_case.save(update_fields=["round", "last_update_at"])
    deadlines = _promise(vendor_case, now)
    _history(
        vendor_case,
        presenters.UPDATED,
        by=by,
        note=note,
        late=late,
        next_due=clock.iso_utc(deadlines[0].due_at),
    )
    audit.record(
        action="vendor_case.update",
        obj=vendor_case,
        actor=by,
        after={"note": note, "late": late, "round": vendor_case.round},
    )
    return update


def vendor_rounds_renew(*, now: dt.datetime) -> list[str]:
    """Each open vendor case whose round ran out with no update (the supervisor's step
    fired) starts the next round, anchored where the last one ended; one line each.

    Called by every supervision pass (``events``): a handful of open vendor cases, two
    queries.  The round number is the deadlines' key, so a round is renewed once whatever
    passes overlap (the case's row is locked and its round read again)."""
    open_cases = list(
        VendorCase.objects.filter(status=VendorCaseStatus.OPEN)
        .exclude(case__status__in=(Status.RESOLVED, Status.CLOSED))
        .values_list("pk", "round")
    )
    if not open_cases:
        return []
    keys = {f"vendor:{pk}:{n}:late": pk for pk, n in open_cases}
    ran_out = dict(
        Deadline.objects.filter(
            key__in=keys, fired_at__isnull=False, fired_at__lte=now
        ).values_list("key", "due_at")
    )
    lines = []
    for key, ended in sorted(ran_out.items()):
        # (a fired step has its due time; the column may be empty for other kinds)
        line = _renew(VendorCase(pk=keys[key]), key, ended or now)
        if line is not None:
            lines.append(line)
    return lines


@operation
def _renew(vendor_case: VendorCase, key: str, ended: dt.datetime) -> str | None:
    vendor_case = (
        VendorCase.objects.select_for_update(of=("self",))
        .select_related("vendor", "case")
        .get(pk=vendor_case.pk)
    )
    if vendor_case.status != VendorCaseStatus.OPEN or _keys(vendor_case)[1] != key:
        return None  # closed or renewed meanwhile
    vendor_case.round += 1
    vendor_case.save(update_fields=["round"])
    deadlines = _promise(vendor_case, ended)
    audit.record(
        action="vendor_case.chase_again",
        obj=vendor_case,
        actor=None,
        after={"round": vendor_case.round, "next_due": clock.iso_utc(deadlines[0].due_at)},
    )
    return (
        f"{vendor_case.case.number} vendor case {vendor_case.reference}: no update, "
        f"round {vendor_case.round} due {clock.iso_utc(deadlines[0].due_at)}"
    )


@operation
def vendor_case_close(*, vendor_case: VendorCase, note: str = "", by: User) -> VendorCase:
    """The vendor case is done: its running promises are called off."""
    policy.require(by, VendorsAction.WORK, vendor_case)
    vendor_case = _locked(vendor_case)
    now = clock.now()
    for key in _keys(vendor_case):
        sla.deadline_drop(case=vendor_case.case, key=key)
    vendor_case.status, vendor_case.closed_at = VendorCaseStatus.CLOSED, now
    vendor_case.save(update_fields=["status", "closed_at"])
    _history(vendor_case, presenters.CLOSED, by=by, note=(note or "").strip())
    audit.record(
        action="vendor_case.close",
        obj=vendor_case,
        actor=by,
        before={"status": VendorCaseStatus.OPEN},
        after={"status": VendorCaseStatus.CLOSED},
        data={"case": vendor_case.case.number, "note": (note or "").strip()},
    )
    return vendor_case
