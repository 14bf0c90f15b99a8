"""The operation layer: the only code that changes a CASE.

Each operation runs in one transaction, locks the CASE, asks the policy whether the actor
may act, checks the transition table, applies the change and writes exactly one CaseEvent
(who, when, what, before/after).  UI, API, CLI, mail gateway and supervisor all call these.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from casedesk.accounts.choices import ASSIGNABLE_ROLES, Tier
from casedesk.accounts.models import Contact, Organization, User
from casedesk.core import audit, clock, context, events, policy, rows
from casedesk.core.errors import Conflict, Forbidden, InvalidInput, TransitionNotAllowed
from casedesk.core.operations import operation

from .choices import (
    CaseAction,
    Channel,
    EscalationLevel,
    EscalationTarget,
    EventKind,
    PendingReason,
    Priority,
    Status,
    WorkLogKind,
)
from .events import CaseEventWritten, CaseNumbered, CaseOpening, GoodwillApproving
from .models import Case, CaseEvent, WorkLog
from .numbering import next_number

S = Status
LIVE = frozenset({S.ASSIGNED, S.IN_PROGRESS, S.PENDING})

# The transition table: the states in which each action is allowed.
ALLOWED_FROM: dict[str, frozenset[str]] = {
    CaseAction.ASSIGN: frozenset({S.OPEN}) | LIVE,
    CaseAction.ACCEPT: frozenset({S.ASSIGNED}),
    CaseAction.ADD_HELPER: LIVE,
    CaseAction.REMOVE_HELPER: LIVE,
    CaseAction.REQUEST_REASSIGNMENT: LIVE,
    CaseAction.LOG_WORK: frozenset({S.OPEN, S.RESOLVED}) | LIVE,
    CaseAction.SET_PRIORITY: frozenset({S.OPEN}) | LIVE,
    CaseAction.ESCALATE_SENIOR: LIVE,
    CaseAction.ESCALATE_VENDOR: LIVE,
    CaseAction.PEND: frozenset({S.IN_PROGRESS}),
    CaseAction.RESUME: frozenset({S.PENDING}),
    CaseAction.RESOLVE: frozenset({S.IN_PROGRESS, S.PENDING}),
    CaseAction.CONFIRM: frozenset({S.RESOLVED}),
    CaseAction.CLOSE: frozenset({S.RESOLVED}),
    CaseAction.REOPEN: frozenset({S.RESOLVED, S.CLOSED}),
    # While there is work to do for it: a resolved or closed CASE was served already.
    CaseAction.APPROVE_GOODWILL: frozenset({S.OPEN}) | LIVE,
    # Given to a partner, or taken back, while there is work to do for it.
    CaseAction.SUBCONTRACT: frozenset({S.OPEN}) | LIVE,
}

MAX_WORKLOG_MINUTES = 24 * 60


# --- helpers ---------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, User):
        return value.username
    if isinstance(value, Organization):
        return value.code
    if isinstance(value, dt.datetime):
        return clock.iso_utc(value)
    return value


def _text(value: str, field: str, *, required: bool = False, limit: int | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("%(field)s is required.") % {"field": field})
    limit = limit or settings.CASEDESK_TEXT_MAX
    if len(value) > limit:
        raise InvalidInput(
            _("%(field)s is too long (%(length)d characters; at most %(limit)d).")
            % {"field": field, "length": len(value), "limit": limit}
        )
    return value


def _choice(value: str, choices: type[models.TextChoices], field: str) -> str:
    """``field`` names the choice in the sentence (lazy text, so it is translated too)."""
    if value not in choices.values:
        raise InvalidInput(
            _("Unknown %(field)s %(value)r; choose one of %(choices)s.")
            % {"field": field, "value": value, "choices": ", ".join(choices.values)}
        )
    return value


def _lock(case: Case) -> Case:
    """Lock the CASE's row (PostgreSQL) so concurrent operations serialize, then read it
    whole, with its engineer and organization, as committed when the lock was granted.

    Two statements on purpose.  A ``SELECT … FOR UPDATE`` that waited for another
    transaction's lock re-reads only the rows it locks; rows it joined (the engineer) stay
    as they were before the wait, and a join that no longer matches comes back empty — a
    CASE just given to someone else read as ``engineer_id`` set but ``engineer`` None.  So
    the lock is taken by a statement that reads the CASE's row alone, and a new statement,
    which sees everything committed before it, reads the CASE and its relations.
    """
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).get()
    return Case.objects.select_related("engineer", "engineer__staff", "organization").get(
        pk=case.pk
    )


def case_lock(case: Case) -> Case:
    """The CASE locked until the caller's transaction ends, read as committed (:func:`_lock`).

    For a caller that chooses which operation to run from the CASE's state (the mail
    gateway: a note, a reopening or a new CASE), so that it chooses from the state the
    operation will find, not from one read before another transaction changed it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_lock needs a transaction to hold the lock in")
    return _lock(case)


def _locked(case: Case, action: str, by: User | None) -> Case:
    """The CASE locked and read afresh (:func:`_lock`), with ``action`` checked on that.

    ``case`` is the CASE as the caller saw it before waiting for the lock.  If ``by`` could
    do ``action`` to that but no longer may to the committed row (it was reassigned while
    the request waited), the request no longer applies: a conflict (409), not a refusal.
    """
    fresh = _lock(case)
    if by is not None and not policy.can(by, action, fresh) and policy.can(by, action, case):
        values = {"number": fresh.number, "action": policy.verb(action)}
        if fresh.engineer_id != case.engineer_id and fresh.engineer is not None:
            raise Conflict(
                _("You may no longer %(action)s %(number)s: %(username)s owns it now.")
                % {**values, "username": fresh.engineer.username}
            )
        raise Conflict(_("You may no longer %(action)s %(number)s: it changed meanwhile.") % values)
    _check(fresh, action, by)
    return fresh


def _in_senior_hands(case: Case) -> bool:
    if case.escalation_level >= EscalationLevel.SENIOR:
        return True
    staff = getattr(case.engineer, "staff", None) if case.engineer_id else None
    return staff is not None and staff.tier == Tier.SENIOR


def _vendor_refusal(case: Case) -> str | None:
    if case.escalation_level >= EscalationLevel.VENDOR:
        return _("%(number)s is already escalated to the vendor.") % {"number": case.number}
    if case.priority in (Priority.P3, Priority.P4) and not _in_senior_hands(case):
        return _("%(number)s is %(priority)s: escalate to a senior engineer before the vendor.") % {
            "number": case.number,
            "priority": case.priority,
        }
    return None


def _goodwill_refusal(case: Case) -> str | None:
    """Goodwill overrides an uncovered entitlement, once."""
    kept = case.entitlement
    if not kept:
        return _(
            "%(number)s is served by its organization's service level: there is no"
            " uncovered entitlement to override."
        ) % {"number": case.number}
    if kept.get("goodwill"):
        return _("%(number)s is already served as goodwill.") % {"number": case.number}
    if kept.get("entitled"):
        return _("%(number)s is covered by its contract: goodwill is for an uncovered CASE.") % {
            "number": case.number
        }
    return None


# What an operation refuses from the CASE's own fields whatever its arguments, after the
# policy and the transition table.  The UI asks the same table (cases/actions.py).  Each
# answer is in the language active when it is asked.
REFUSALS: dict[str, Callable[[Case], str | None]] = {
    # A subcontracted CASE is its partner's to work: the desk takes it back first.
    CaseAction.ASSIGN: lambda case: (
        _("%(number)s is subcontracted to a partner; take it back before assigning it.")
        % {"number": case.number}
        if case.partner_id is not None
        else None
    ),
    CaseAction.REQUEST_REASSIGNMENT: lambda case: (
        _("Reassignment of %(number)s is already requested.") % {"number": case.number}
        if case.reassignment_requested
        else None
    ),
    CaseAction.ESCALATE_SENIOR: lambda case: (
        _("%(number)s is already escalated.") % {"number": case.number}
        if case.escalation_level >= EscalationLevel.SENIOR
        else None
    ),
    CaseAction.ESCALATE_VENDOR: _vendor_refusal,
    CaseAction.CONFIRM: lambda case: (
        _("%(number)s is already confirmed.") % {"number": case.number}
        if case.confirmed_at is not None
        else None
    ),
    CaseAction.CLOSE: lambda case: (
        _("%(number)s cannot be closed before the customer confirms.") % {"number": case.number}
        if case.confirmed_at is None
        else None
    ),
    CaseAction.APPROVE_GOODWILL: _goodwill_refusal,
}


def refusal(case: Case, action: str) -> str | None:
    """Why ``action`` cannot be done to ``case`` from its own fields, or None."""
    check = REFUSALS.get(action)
    return check(case) if check is not None else None


def _status(status: str) -> str:
    """The status as a sentence says it: "in progress" in English, "处理中" in Chinese."""
    return str(Status(status).label).lower()


def _check(case: Case, action: str, by: User | None) -> None:
    policy.require(by, action, case)
    if case.status not in ALLOWED_FROM[action]:
        raise TransitionNotAllowed(
            _("%(number)s is %(status)s: cannot %(action)s it now.")
            % {"number": case.number, "status": _status(case.status), "action": policy.verb(action)}
        )
    if (why := refusal(case, action)) is not None:
        raise TransitionNotAllowed(why)


def _event(
    case: Case, *, kind: str, by: User | None, data: dict[str, Any], internal: bool = False
) -> CaseEvent:
    """Write the operation's one event and publish it: its subscribers (deadlines, webhook
    deliveries, the outbox, the search index) follow it in this transaction."""
    event = rows.insert_one(
        CaseEvent(
            case=case,
            at=clock.now(),
            actor=by,
            kind=kind,
            data=data,
            internal=internal,
            request_id=context.request_id(),
        )
    )
    events.publish(CaseEventWritten(case, event))
    if kind != EventKind.OPENED:  # case_open audits once the CASE has its number
        audit.record(**audit_of(case, event))
    return event


def audit_of(case: Case, event: CaseEvent) -> dict[str, Any]:
    """The audit record of a CASE event (one per operation): ``case.<event kind>`` by the
    event's actor, the fields it changed as before/after, the rest of its data, and its
    reason if it has one."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    data: dict[str, Any] = {"event": event.pk}
    for key, value in event.data.items():
        if isinstance(value, dict) and value.keys() == {"before", "after"}:
            before[key], after[key] = value["before"], value["after"]
        elif key != "reason":
            data[key] = value
    return {
        "action": f"case.{event.kind}",
        "obj": case,
        "actor": event.actor,
        "before": before,
        "after": after,
        "data": data,
        "reason": str(event.data.get("reason") or ""),
    }


def _commit(
    case: Case,
    *,
    kind: str,
    by: User | None,
    changes: dict[str, Any],
    extra: dict[str, Any] | None = None,
    internal: bool = False,
) -> Case:
    """Apply ``changes`` to the locked CASE, save them and write the one event.

    The event's data holds ``{"field": {"before": …, "after": …}}`` for every changed
    field except timestamps (the event's own time tells those), plus ``extra``.
    """
    data: dict[str, Any] = {}
    for field, new in changes.items():
        old = getattr(case, field)
        setattr(case, field, new)
        if not field.endswith("_at") and old != new:
            data[field] = {"before": _jsonable(old), "after": _jsonable(new)}
    case.updated_at = clock.now()
    case.save(update_fields=[*changes, "updated_at"])
    data.update({k: v for k, v in (extra or {}).items() if v not in ("", None)})
    _event(case, kind=kind, by=by, data=data, internal=internal)
    return case


def _can_own(user: User) -> bool:
    return user.is_active and user.role in ASSIGNABLE_ROLES and hasattr(user, "staff")


def _assignable(user: User, role: str | None = None) -> User:
    """``role`` names the part in the refusal: "engineer" unless told (lazy text)."""
    role = role or _("engineer")
    if not _can_own(user):
        raise InvalidInput(
            _("%(username)r cannot be a CASE %(role)s.") % {"username": user.username, "role": role}
        )
    return user


def _handover(engineer: User) -> dict[str, Any]:
    """The changes that give a CASE to ``engineer``, who must accept it afresh."""
    return {
        "engineer": engineer,
        "status": S.ASSIGNED,
        "pending_reason": "",
        "assigned_at": clock.now(),
        "accepted_at": None,
        "reassignment_requested": False,
    }


# --- operations --------------------------------------------------------------------------


@operation
def case_open(
    *,
    organization: Organization,
    contact: Contact | None,
    title: str,
    priority: str,
    channel: str,
    by: User | None,
    description: str = "",
    hardware_platform: str = "",
    software_version: str = "",
    serial_number: str = "",
    contract_id: str = "",
    system: dict[str, Any] | None = None,
) -> Case:
    """Open a CASE for a contact of ``organization``; it gets its number here.

    A person names the CASE; a mail may come without a subject, and its CASE has no title
    (shown as "(no subject)" in the reader's language, ``presenters.shown_title``).
    ``system``: what the system says of it (a code and its parameters, see ``case_assign``).
    """
    policy.require(by, CaseAction.OPEN)
    if by is not None and by.is_customer and organization.pk != by.organization_id:
        raise InvalidInput(_("Unknown organization %(code)r.") % {"code": organization.code})
    if contact is not None and contact.organization_id != organization.pk:
        if by is not None and by.is_customer:  # say no more than "unknown" to customers
            raise InvalidInput(_("Unknown contact %(id)s.") % {"id": contact.pk})
        raise InvalidInput(
            _("Contact %(id)s does not belong to %(code)s.")
            % {"id": contact.pk, "code": organization.code}
        )
    if not organization.is_active:
        raise InvalidInput(_("Organization %(code)r is inactive.") % {"code": organization.code})
    now = clock.now()
    case = Case(
        organization=organization,
        contact=contact,
        caller_name=contact.name if contact else "",
        caller_company=organization.name,
        caller_phone=contact.phone if contact else "",
        caller_email=contact.email if contact else "",
        caller_address=contact.address if contact else "",
        contract_id=_text(contract_id, "contract_id", limit=64),
        title=_text(
            title, "title", required=channel != Channel.EMAIL, limit=settings.CASEDESK_TITLE_MAX
        ),
        description=_text(description, "description"),
        hardware_platform=_text(hardware_platform, "hardware_platform", limit=100),
        software_version=_text(software_version, "software_version", limit=100),
        serial_number=_text(serial_number, "serial_number", limit=64),
        channel=_choice(channel, Channel, _("channel")),
        priority=_choice(priority, Priority, _("priority")),
        status=Status.OPEN,
        created_at=now,
        created_by=by,
        updated_at=now,
    )
    try:
        case.full_clean(
            exclude=["number", "organization", "contact", "engineer", "created_by", "confirmed_by"]
        )
    except ValidationError as exc:
        raise InvalidInput(
            "; ".join(f"{f}: {' '.join(e)}" for f, e in exc.message_dict.items())
        ) from exc
    # The number is taken last, just before commit: taking it locks the month's sequence
    # row until then, so every other opening waits for as little as possible.
    case.number = f"~{uuid.uuid4().hex[:15]}"
    events.publish(CaseOpening(case))  # e.g. its entitlement, kept from intake on
    rows.insert_one(case)
    data: dict[str, Any] = {
        "number": case.number,
        "organization": organization.code,
        "contact": contact.pk if contact else None,
        "priority": case.priority,
        "channel": case.channel,
        "title": case.title,
    }
    if system:
        data["system"] = system
    if case.entitlement is not None:
        data["entitlement"] = case.entitlement
    event = _event(case, kind=EventKind.OPENED, by=by, data=data)
    case.number = data["number"] = next_number(now)
    rows.update_each(
        (Case, case.pk, {"number": case.number}), (CaseEvent, event.pk, {"data": data})
    )
    audit.record(action="case.opened", obj=case, actor=by, after=data, data={"event": event.pk})
    events.publish(CaseNumbered(case, event))  # a new P1/P2 tells the duty engineers now
    return case


SENIOR_PRIORITIES = frozenset({Priority.P1, Priority.P2})


def tier_warning(case: Case, engineer: User) -> str | None:
    """Why ``engineer`` is the wrong tier for ``case`` (SPEC §2: P1/P2 go to senior
    engineers), or None.  Assigning anyway needs an override reason."""
    staff = getattr(engineer, "staff", None)
    if case.priority not in SENIOR_PRIORITIES or staff is None or staff.tier == Tier.SENIOR:
        return None
    return _(
        "%(number)s is %(priority)s: P1 and P2 CASEs go to a senior engineer, and"
        " %(username)s is a first-line engineer."
    ) % {"number": case.number, "priority": case.priority, "username": engineer.username}


@operation
def case_assign(
    *,
    case: Case,
    engineer: User,
    by: User | None,
    note: str = "",
    override_reason: str = "",
    system: dict[str, Any] | None = None,
) -> Case:
    """Make ``engineer`` the one owner; the CASE waits for them to accept.

    ``system``: the note of the system that assigns (a code and its parameters, worded by
    ``cases.presenters`` when read), stored as data, never as a sentence.

    A P1/P2 CASE goes to a senior engineer; giving it to a first-line engineer needs
    ``override_reason``, which the event records with the rule it overrode.
    """
    case = _locked(case, CaseAction.ASSIGN, by)
    _assignable(engineer)
    if case.engineer_id == engineer.pk:
        # Re-assigning the owner would only throw away their acceptance and restart the
        # callback clock; the CASE already has this one clear owner.
        raise TransitionNotAllowed(
            _("%(number)s is already assigned to %(username)s.")
            % {"number": case.number, "username": engineer.username}
        )
    note = _text(note, "note")
    override_reason = _text(override_reason, "override_reason")
    extra: dict[str, Any] = {"note": note, "system": system}
    if (warning := tier_warning(case, engineer)) is not None:
        if not override_reason:
            raise TransitionNotAllowed(
                _("%(warning)s To assign it anyway, give a reason for overriding the rule.")
                % {"warning": warning}
            )
        extra.update(override="tier", override_reason=override_reason)
    case.helpers.remove(engineer)
    return _commit(
        case,
        kind=EventKind.ASSIGNED,
        by=by,
        changes=_handover(engineer),
        extra=extra,
    )


@operation
def case_accept(*, case: Case, by: User | None) -> Case:
    """The assigned engineer takes the CASE on."""
    case = _locked(case, CaseAction.ACCEPT, by)
    return _commit(
        case,
        kind=EventKind.ACCEPTED,
        by=by,
        changes={"status": S.IN_PROGRESS, "accepted_at": clock.now()},
    )


@operation
def case_add_helper(*, case: Case, helper: User, by: User | None) -> Case:
    case = _locked(case, CaseAction.ADD_HELPER, by)
    _assignable(helper, _("helper"))
    if helper.pk == case.engineer_id:
        raise Conflict(
            _("%(username)s owns %(number)s; a helper is someone else.")
            % {"username": helper.username, "number": case.number}
        )
    if case.helpers.filter(pk=helper.pk).exists():
        raise Conflict(
            _("%(username)s already helps on %(number)s.")
            % {"username": helper.username, "number": case.number}
        )
    case.helpers.add(helper)
    return _commit(
        case, kind=EventKind.HELPER_ADDED, by=by, changes={}, extra={"helper": helper.username}
    )


@operation
def case_remove_helper(*, case: Case, helper: User, by: User | None) -> Case:
    case = _locked(case, CaseAction.REMOVE_HELPER, by)
    if not case.helpers.filter(pk=helper.pk).exists():
        raise Conflict(
            _("%(username)s is not a helper on %(number)s.")
            % {"username": helper.username, "number": case.number}
        )
    case.helpers.remove(helper)
    return _commit(
        case, kind=EventKind.HELPER_REMOVED, by=by, changes={}, extra={"helper": helper.username}
    )


@operation
def case_request_reassignment(*, case: Case, reason: str, by: User | None) -> Case:
    """The owner asks the duty engineer to give the CASE to someone else."""
    case = _locked(case, CaseAction.REQUEST_REASSIGNMENT, by)
    reason = _text(reason, "reason", required=True)
    return _commit(
        case,
        kind=EventKind.REASSIGNMENT_REQUESTED,
        by=by,
        changes={"reassignment_requested": True},
        extra={"reason": reason},
        internal=True,
    )


@operation
def case_log_work(
    *,
    case: Case,
    kind: str,
    note: str,
    minutes: int,
    by: User | None,
    internal: bool = False,
    system: dict[str, Any] | None = None,
    vendor_reference: str | None = None,
) -> WorkLog:
    """Record one step of work.  The owner's callback also means the CASE is accepted.

    ``system``: what the system says of it (a code and its parameters, see ``case_assign``);
    with it, the person's own ``note`` may be empty.  ``vendor_reference``: the CASE's vendor
    case numbers as a step with the vendor leaves them (the ``vendors`` domain keeps the field
    current, so it is searched and shown like the rest of the record)."""
    case = _locked(case, CaseAction.LOG_WORK, by)
    if by is None:
        # Labour hours belong to a person; the system writes events, not work logs.
        raise InvalidInput(_("A work log needs its author: the system cannot log work."))
    kind = _choice(kind, WorkLogKind, _("work log kind"))
    if kind == WorkLogKind.REPLY and not system:
        # A reply is the record of a mail to the customer: only the reply sends it.
        raise InvalidInput(_("A reply to the customer is sent with the reply, not logged."))
    note = _text(note, "note", required=not system)
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not 0 <= minutes <= MAX_WORKLOG_MINUTES
    ):
        raise InvalidInput(
            _("minutes must be a whole number from 0 to %(max)d.") % {"max": MAX_WORKLOG_MINUTES}
        )
    if by.is_customer and (kind != WorkLogKind.NOTE or minutes or internal):
        raise Forbidden(_("Customers add information as a note, without minutes."))
    now = clock.now()
    worklog = WorkLog.objects.create(
        case=case,
        author=by,
        kind=kind,
        note=note,
        minutes=minutes,
        internal=internal,
        created_at=now,
    )
    changes: dict[str, Any] = {}
    if kind == WorkLogKind.CALLBACK and case.status == S.ASSIGNED and case.engineer_id == by.pk:
        changes = {"status": S.IN_PROGRESS, "accepted_at": now}
    if vendor_reference is not None and vendor_reference != case.vendor_reference:
        changes["vendor_reference"] = _text(vendor_reference, "vendor_reference", limit=64)
    _commit(
        case,
        kind=EventKind.WORK_LOGGED,
        by=by,
        changes=changes,
        extra={
            "worklog": worklog.pk,
            "kind": kind,
            "minutes": minutes,
            "note": note,
            "system": system,
        },
        internal=internal,
    )
    return worklog


@operation
def case_set_priority(*, case: Case, priority: str, by: User | None, reason: str = "") -> Case:
    case = _locked(case, CaseAction.SET_PRIORITY, by)
    priority = _choice(priority, Priority, _("priority"))
    if priority == case.priority:
        raise TransitionNotAllowed(
            _("%(number)s is already %(priority)s.") % {"number": case.number, "priority": priority}
        )
    return _commit(
        case,
        kind=EventKind.PRIORITY_CHANGED,
        by=by,
        changes={"priority": priority},
        extra={"reason": _text(reason, "reason")},
    )


@operation
def case_escalate(
    *,
    case: Case,
    target: str,
    reason: str,
    by: User | None,
    vendor_reference: str = "",
    engineer: User | None = None,
) -> Case:
    """Escalate to a senior engineer (level 1) or to the vendor (level 2).

    P1/P2 may go straight to the vendor; P3/P4 go to a senior engineer first.  Escalating
    to a senior engineer may hand the CASE to one at once (``engineer``, dispatchers only).
    """
    target = _choice(target, EscalationTarget, _("escalation target"))
    to_senior = target == EscalationTarget.SENIOR
    case = _locked(
        case, CaseAction.ESCALATE_SENIOR if to_senior else CaseAction.ESCALATE_VENDOR, by
    )
    reason = _text(reason, "reason", required=True)
    vendor_reference = _text(vendor_reference, "vendor_reference", limit=64)
    changes: dict[str, Any]
    if to_senior:
        if vendor_reference:
            raise InvalidInput(_("A vendor case number belongs to an escalation to the vendor."))
        changes = {"escalation_level": EscalationLevel.SENIOR}
        if engineer is not None:
            policy.require(by, CaseAction.ASSIGN, case)
            _assignable(engineer)
            if engineer.staff.tier != Tier.SENIOR:
                raise InvalidInput(
                    _("%(username)s is not a senior engineer.") % {"username": engineer.username}
                )
            if engineer.pk != case.engineer_id:
                case.helpers.remove(engineer)
                changes.update(_handover(engineer))
    else:
        if engineer is not None:
            raise InvalidInput(_("An escalation to the vendor keeps the engineer; omit engineer."))
        changes = {"escalation_level": EscalationLevel.VENDOR}
        if vendor_reference:
            changes["vendor_reference"] = vendor_reference
    return _commit(
        case,
        kind=EventKind.ESCALATED,
        by=by,
        changes=changes,
        extra={"target": target, "reason": reason},
    )


@operation
def case_pend(*, case: Case, reason: str, by: User | None, note: str = "") -> Case:
    """Wait for the customer, the vendor or parts."""
    case = _locked(case, CaseAction.PEND, by)
    reason = _choice(reason, PendingReason, _("pending reason"))
    return _commit(
        case,
        kind=EventKind.PENDED,
        by=by,
        changes={"status": S.PENDING, "pending_reason": reason},
        extra={"note": _text(note, "note")},
    )


@operation
def case_resume(*, case: Case, by: User | None, note: str = "") -> Case:
    case = _locked(case, CaseAction.RESUME, by)
    return _commit(
        case,
        kind=EventKind.RESUMED,
        by=by,
        changes={"status": S.IN_PROGRESS, "pending_reason": ""},
        extra={"note": _text(note, "note")},
    )


@operation
def case_resolve(*, case: Case, solution: str, by: User | None) -> Case:
    """The engineer has finished; the CASE waits for the customer's confirmation."""
    case = _locked(case, CaseAction.RESOLVE, by)
    solution = _text(solution, "solution", required=True)
    return _commit(
        case,
        kind=EventKind.RESOLVED,
        by=by,
        changes={
            "status": S.RESOLVED,
            "pending_reason": "",
            "solution": solution,
            "resolved_at": clock.now(),
        },
    )


@operation
def case_confirm(*, case: Case, by: User | None, note: str = "") -> Case:
    """The customer agrees it is solved (or the desk records that they agreed, with a note)."""
    case = _locked(case, CaseAction.CONFIRM, by)
    note = _text(note, "note")
    on_behalf = by is not None and not by.is_customer
    if on_behalf and not note:
        raise InvalidInput(_("Confirming for the customer needs a note saying how they agreed."))
    return _commit(
        case,
        kind=EventKind.CONFIRMED,
        by=by,
        changes={"confirmed_at": clock.now(), "confirmed_by": by},
        extra={"note": note, "on_behalf": on_behalf},
    )


@operation
def case_close(*, case: Case, by: User | None) -> Case:
    """The desk (call taker, duty engineer or a manager) closes a confirmed CASE; archived."""
    case = _locked(case, CaseAction.CLOSE, by)
    return _commit(
        case, kind=EventKind.CLOSED, by=by, changes={"status": S.CLOSED, "closed_at": clock.now()}
    )


@operation
def case_reopen(
    *, case: Case, reason: str, by: User | None, system: dict[str, Any] | None = None
) -> Case:
    """Back to work: to the same engineer (who must accept again), or to the queue.

    An engineer who can no longer own CASEs (left, or changed role) does not get it back:
    the CASE returns to the queue for the desk to assign.  A subcontracted CASE goes back
    to its partner, who must accept it again.  ``system``: what the system says of the
    reason (a code and its parameters, see ``case_assign``).
    """
    case = _locked(case, CaseAction.REOPEN, by)
    reason = _text(reason, "reason", required=True)
    engineer = case.engineer if case.engineer is not None and _can_own(case.engineer) else None
    handed = engineer is not None or case.partner_id is not None
    return _commit(
        case,
        kind=EventKind.REOPENED,
        by=by,
        changes={
            "engineer": engineer,
            "status": S.ASSIGNED if handed else S.OPEN,
            "solution": "",
            "resolved_at": None,
            "confirmed_at": None,
            "confirmed_by": None,
            "closed_at": None,
            "assigned_at": clock.now() if handed else None,
            "accepted_at": None,
            "reopen_count": case.reopen_count + 1,
        },
        extra={"reason": reason, "system": system},
    )


@operation
def case_approve_goodwill(
    *, case: Case, reason: str, by: User | None, service_product: str | None = None
) -> Case:
    """Serve an uncovered CASE anyway (a manager's audited override, issue 13).

    The entitlement decided at intake stays as it was (``entitled`` false, its reason);
    ``"goodwill"`` is added: who, when, why and the service product whose times are then
    promised (``service_product``, a code; default: the product of the contract the kept
    entitlement names), with that product's coverage, calendar and targets, which the
    catalogue's follower of :class:`GoodwillApproving` fills in.
    """
    case = _locked(case, CaseAction.APPROVE_GOODWILL, by)
    reason = _text(reason, "reason", required=True)
    code = _text(service_product or "", "service_product", limit=64) or None
    kept: dict[str, Any] = case.entitlement or {}  # (none: refused above)
    goodwill: dict[str, Any] = {
        "by": by.username if by is not None else None,
        "at": clock.iso_utc(clock.now()),
        "reason": reason,
        "service_product": code or kept.get("service_product"),
    }
    events.publish(GoodwillApproving(case, goodwill))
    if not goodwill.get("service_product") or not goodwill.get("targets"):
        raise InvalidInput(
            _("%(number)s names no service product: choose the one to serve it with.")
            % {"number": case.number}
        )
    return _commit(
        case,
        kind=EventKind.GOODWILL_APPROVED,
        by=by,
        changes={"entitlement": {**kept, "goodwill": goodwill}},
        extra={"service_product": goodwill["service_product"], "reason": reason},
    )


@operation
def case_subcontract(*, case: Case, partner: Organization, reason: str, by: User | None) -> Case:
    """Hand the CASE to a partner organization (issue 16): its partner engineers see it,
    accept it and work it; the desk's engineer, if any, lets go.  Whether ``partner`` may
    serve CASEs (an active partner) is the partners domain's to check before calling."""
    case = _locked(case, CaseAction.SUBCONTRACT, by)
    reason = _text(reason, "reason", limit=500)
    if case.partner_id is not None:
        raise Conflict(
            _("%(number)s is already subcontracted to %(partner)s; withdraw it first.")
            % {"number": case.number, "partner": case.partner.code if case.partner else ""}
        )
    return _commit(
        case,
        kind=EventKind.SUBCONTRACTED,
        by=by,
        changes={
            "partner": partner,
            "engineer": None,
            "status": S.ASSIGNED,
            "pending_reason": "",
            "assigned_at": clock.now(),
            "accepted_at": None,
            "reassignment_requested": False,
        },
        extra={"reason": reason},
    )


@operation
def case_subcontract_withdraw(*, case: Case, reason: str, by: User | None) -> Case:
    """Take a subcontracted CASE back to the desk: open again, for the desk to assign."""
    case = _locked(case, CaseAction.SUBCONTRACT, by)
    reason = _text(reason, "reason", required=True, limit=500)
    if case.partner_id is None:
        raise Conflict(_("%(number)s is not subcontracted.") % {"number": case.number})
    return _commit(
        case,
        kind=EventKind.SUBCONTRACT_WITHDRAWN,
        by=by,
        changes={
            "partner": None,
            "engineer": None,
            "status": S.OPEN,
            "pending_reason": "",
            "assigned_at": None,
            "accepted_at": None,
        },
        extra={"reason": reason},
    )
