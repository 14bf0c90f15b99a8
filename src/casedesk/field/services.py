"""Every change to a field visit: one operation each, audited, written to the CASE's
history (an on-site work log with the system's note) and published.

scheduled → on_site (check-in) → done (check-out, the customer's signature: form version
1); scheduled → cancelled.  A correction of a signed form is a new version, never an edit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext as _

from casedesk.accounts.choices import ASSIGNABLE_ROLES
from casedesk.accounts.models import User
from casedesk.cases import attachments
from casedesk.cases import services as cases
from casedesk.cases.choices import Status, WorkLogKind
from casedesk.cases.models import Case
from casedesk.contracts.models import Equipment
from casedesk.contracts.serials import normalize_serial
from casedesk.core import audit, clock, events, policy
from casedesk.core.errors import InvalidInput, TransitionNotAllowed
from casedesk.core.operations import operation
from casedesk.sla import services as sla
from casedesk.sla.choices import DeadlineKind

from . import form_pdf, signatures
from .choices import CANCELLED, CHECKED_IN, CHECKED_OUT, CORRECTED, SCHEDULED, VisitStatus
from .events import VisitCancelled, VisitCheckedIn, VisitScheduled, VisitSigned
from .models import Visit, VisitForm
from .policy import FieldAction

MAX_PARTS = 20
PART_MAX = 40
TEXT_MAX = 4000
NAME_MAX = 100
CLOSED = (Status.CLOSED,)


def onsite_hours(case: Case) -> int | None:
    """The product's on-site target in hours, as the CASE kept it (entitled, or served as
    goodwill); None when it promises none."""
    kept: dict[str, Any] = case.entitlement or {}
    for terms in (kept.get("goodwill") or {}, kept if kept.get("entitled") else {}):
        hours = (terms.get("targets") or {}).get("onsite_hours")
        if hours:
            return int(hours)
    return None


def _parts(parts: Iterable[str] | None) -> list[str]:
    found: list[str] = []
    for raw in parts or ():
        code = str(raw or "").strip().upper()
        if not code:
            continue
        if len(code) > PART_MAX:
            raise InvalidInput(
                _("A part number has at most %(max)d characters.") % {"max": PART_MAX}
            )
        if code not in found:
            found.append(code)
    if len(found) > MAX_PARTS:
        raise InvalidInput(_("At most %(max)d parts per visit.") % {"max": MAX_PARTS})
    return found


def _text(value: str | None, *, label: str, limit: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("%(field)s is required.") % {"field": label})
    if len(value) > limit:
        raise InvalidInput(
            _("%(field)s has at most %(max)d characters.") % {"field": label, "max": limit}
        )
    return value


def _engineer(engineer: User | None) -> User:
    if (
        engineer is None
        or not engineer.is_active
        or engineer.role not in ASSIGNABLE_ROLES
        or not hasattr(engineer, "staff")
    ):
        raise InvalidInput(_("Unknown engineer: choose an active engineer of the desk."))
    return engineer


def _open_case(case: Case) -> Case:
    case = cases.case_lock(case)
    if case.status in CLOSED:
        raise TransitionNotAllowed(
            _("%(number)s is closed: no visit can be made for it.") % {"number": case.number}
        )
    return case


def _history(visit: Visit, code: str, *, by: User, minutes: int = 0, **params: Any) -> None:
    cases.case_log_work(
        case=visit.case,
        kind=WorkLogKind.ONSITE,
        note="",
        minutes=minutes,
        by=by,
        system={"code": code, "visit": visit.pk, **params},
    )


def _lock(visit: Visit) -> Visit:
    return Visit.objects.select_for_update().select_related("case", "engineer").get(pk=visit.pk)


def _iso(at: dt.datetime | None) -> str | None:
    return at.isoformat() if at else None


# --- operations ---------------------------------------------------------------------------


@operation
def visit_create(
    *,
    case: Case,
    engineer: User | None,
    scheduled_at: dt.datetime,
    parts: Iterable[str] | None = None,
    tools: str = "",
    by: User,
) -> Visit:
    """Dispatch ``engineer`` to the CASE's site at ``scheduled_at``, with the parts and tools
    to take.  The product's on-site target (hours from now) becomes deadline
    ``onsite_arrival``, met by check-in."""
    policy.require(by, FieldAction.DISPATCH, case)
    case = _open_case(case)
    engineer = _engineer(engineer)
    if scheduled_at is None or scheduled_at.tzinfo is None:
        raise InvalidInput(_("scheduled_at needs a date, a time and a time zone."))
    codes = _parts(parts)
    tools = _text(tools, label=_("tools"), limit=TEXT_MAX, required=False)
    now = clock.now()
    visit = Visit.objects.create(
        case=case,
        engineer=engineer,
        scheduled_at=scheduled_at,
        parts=codes,
        tools=tools,
        created_at=now,
        created_by=by,
    )
    if engineer.pk != case.engineer_id and not case.helpers.filter(pk=engineer.pk).exists():
        cases.case_add_helper(case=case, helper=engineer, by=None)  # who goes on site helps
    hours = onsite_hours(case)
    if hours:
        sla.deadline_promise(
            case=case,
            key=visit.deadline_key,
            kind=DeadlineKind.ONSITE_ARRIVAL,
            anchor=now,
            minutes=hours * 60,
        )
    _history(visit, SCHEDULED, by=by, engineer=engineer.username, at=_iso(scheduled_at))
    audit.record(
        action="visit.create",
        obj=visit,
        actor=by,
        after={
            "case": case.number,
            "engineer": engineer.username,
            "scheduled_at": _iso(scheduled_at),
            "parts": codes,
            "tools": tools,
            "status": visit.status,
            "onsite_hours": hours,
        },
    )
    events.publish(VisitScheduled(visit=visit, by=by))
    return visit


@operation
def visit_check_in(*, visit: Visit, at: dt.datetime | None = None, by: User) -> Visit:
    """The engineer is on site (at ``at``, default now; never in the future)."""
    policy.require(by, FieldAction.WORK, visit)
    visit = _lock(visit)
    now = clock.now()
    if visit.status != VisitStatus.SCHEDULED:
        raise TransitionNotAllowed(
            _("This visit is %(status)s: only a scheduled visit can check in.")
            % {"status": visit.get_status_display()}
        )
    at = at or now
    if at.tzinfo is None:
        raise InvalidInput(_("at needs a time zone."))
    if at > now or at < visit.created_at:
        raise InvalidInput(_("The check-in time must lie between the dispatch and now."))
    _open_case(visit.case)
    visit.status, visit.checked_in_at = VisitStatus.ON_SITE, at
    visit.save(update_fields=["status", "checked_in_at"])
    sla.deadline_keep(case=visit.case, key=visit.deadline_key, at=at)
    _history(visit, CHECKED_IN, by=by, at=_iso(at))
    audit.record(
        action="visit.check_in",
        obj=visit,
        actor=by,
        before={"status": VisitStatus.SCHEDULED},
        after={"status": visit.status, "checked_in_at": _iso(at)},
    )
    events.publish(VisitCheckedIn(visit=visit, by=by))
    return visit


def _content(
    visit: Visit, *, version: int, signature: bytes, signed_at: dt.datetime, reason: str = ""
) -> dict:
    """What the customer signs, as strings (times in the desk's zone): hashed and printed."""
    case = visit.case
    zone = clock.desk_zone()

    def when(at: dt.datetime | None) -> str:
        return at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else "—"

    serial = normalize_serial(case.serial_number or "")
    site = (
        Equipment.objects.filter(serial_number=serial).values_list("site", flat=True).first()
        if serial
        else None
    )
    return {
        "visit": visit.pk,
        "version": version,
        "case": case.number,
        "title": case.title,
        "customer": case.organization.name,
        "site": site or case.caller_address or "",
        "engineer": visit.engineer.display_name,
        "scheduled_at": when(visit.scheduled_at),
        "checked_in_at": when(visit.checked_in_at),
        "checked_out_at": when(visit.checked_out_at),
        "signed_at": when(signed_at),
        "work_done": visit.work_done,
        "parts_used": list(visit.parts_used),
        "customer_name": visit.customer_name,
        "signature_sha256": hashlib.sha256(signature).hexdigest(),
        "reason": reason,
    }


def _sign(
    visit: Visit,
    png: bytes,
    *,
    version: int,
    reason: str,
    by: User,
    signed_at: dt.datetime | None = None,
) -> VisitForm:
    """Write form ``version``: its content, hash and PDF, attached to the CASE (signed at
    ``signed_at``, default now)."""
    signed_at = signed_at or clock.now()
    content = _content(visit, version=version, signature=png, signed_at=signed_at, reason=reason)
    digest = form_pdf.digest(content)
    with translation.override(settings.LANGUAGE_CODE):
        pdf = form_pdf.render(content, png, digest)
    [attachment] = attachments.case_attach(
        case=visit.case,
        uploads=[SimpleUploadedFile(form_pdf.filename(content), pdf, form_pdf.PDF_TYPE)],
        by=by,
    )
    return VisitForm.objects.create(
        visit=visit,
        version=version,
        content=content,
        sha256=digest,
        signature=png,
        attachment=attachment,
        reason=reason,
        signed_at=signed_at,
        created_by=by,
    )


def _signed_fields(
    work_done: str, customer_name: str, parts_used: Iterable[str] | None, signature: str
) -> tuple[str, str, list[str], bytes]:
    return (
        _text(work_done, label=_("work done"), limit=TEXT_MAX, required=True),
        _text(customer_name, label=_("customer name"), limit=NAME_MAX, required=True),
        _parts(parts_used),
        signatures.png_of(signature),
    )


@operation
def visit_check_out(
    *,
    visit: Visit,
    work_done: str,
    customer_name: str,
    signature: str,
    parts_used: Iterable[str] | None = None,
    at: dt.datetime | None = None,
    by: User,
) -> VisitForm:
    """The engineer leaves (at ``at``, default now: a form signed offline and sent later
    keeps the time it was signed): work done, parts used, the customer's name and signature
    (a PNG data URL) make the signed form, version 1, attached to the CASE and mailed."""
    policy.require(by, FieldAction.WORK, visit)
    visit = _lock(visit)
    if visit.status == VisitStatus.SCHEDULED:
        raise TransitionNotAllowed(_("Check in before checking out."))
    if visit.status == VisitStatus.DONE:
        raise TransitionNotAllowed(
            _("The form of this visit is signed already; a correction is a new version.")
        )
    if visit.status != VisitStatus.ON_SITE:
        raise TransitionNotAllowed(
            _("This visit is %(status)s: it cannot check out.")
            % {"status": visit.get_status_display()}
        )
    work_done, customer_name, used, png = _signed_fields(
        work_done, customer_name, parts_used, signature
    )
    now = clock.now()
    at = at or now
    if at.tzinfo is None:
        raise InvalidInput(_("at needs a time zone."))
    assert visit.checked_in_at is not None
    if at > now or at < visit.checked_in_at:
        raise InvalidInput(_("The check-out time must lie between the check-in and now."))
    _open_case(visit.case)
    visit.status, visit.checked_out_at = VisitStatus.DONE, at
    visit.work_done, visit.customer_name, visit.parts_used = work_done, customer_name, used
    visit.save(
        update_fields=["status", "checked_out_at", "work_done", "customer_name", "parts_used"]
    )
    form = _sign(visit, png, version=1, reason="", by=by, signed_at=at)
    minutes = int((at - visit.checked_in_at).total_seconds() // 60)
    _history(
        visit,
        CHECKED_OUT,
        by=by,
        minutes=max(0, min(minutes, cases.MAX_WORKLOG_MINUTES)),
        form=form.pk,
        sha256=form.sha256,
    )
    audit.record(
        action="visit.check_out",
        obj=visit,
        actor=by,
        before={"status": VisitStatus.ON_SITE},
        after={
            "status": visit.status,
            "checked_out_at": _iso(at),
            "work_done": work_done,
            "parts_used": used,
            "customer_name": customer_name,
            "form": form.pk,
            "sha256": form.sha256,
        },
    )
    events.publish(VisitSigned(visit=visit, form=form, by=by))
    return form


@operation
def visit_form_correct(
    *,
    visit: Visit,
    work_done: str,
    customer_name: str,
    signature: str,
    reason: str,
    parts_used: Iterable[str] | None = None,
    by: User,
) -> VisitForm:
    """A correction of a signed form: a new version, signed again; the old ones stay."""
    policy.require(by, FieldAction.WORK, visit)
    visit = _lock(visit)
    if visit.status != VisitStatus.DONE:
        raise TransitionNotAllowed(_("Only a signed form can be corrected."))
    reason = _text(reason, label=_("reason"), limit=TEXT_MAX, required=True)
    work_done, customer_name, used, png = _signed_fields(
        work_done, customer_name, parts_used, signature
    )
    _open_case(visit.case)
    before = {
        "work_done": visit.work_done,
        "customer_name": visit.customer_name,
        "parts_used": visit.parts_used,
    }
    visit.work_done, visit.customer_name, visit.parts_used = work_done, customer_name, used
    visit.save(update_fields=["work_done", "customer_name", "parts_used"])
    version = (visit.forms.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    form = _sign(visit, png, version=version, reason=reason, by=by)
    _history(visit, CORRECTED, by=by, form=form.pk, version=version, sha256=form.sha256)
    audit.record(
        action="visit.correct",
        obj=visit,
        actor=by,
        before=before,
        after={
            "work_done": work_done,
            "customer_name": customer_name,
            "parts_used": used,
            "form": form.pk,
            "version": version,
            "sha256": form.sha256,
        },
        reason=reason,
    )
    events.publish(VisitSigned(visit=visit, form=form, by=by))
    return form


@operation
def visit_cancel(*, visit: Visit, reason: str, by: User) -> Visit:
    """Call a scheduled visit off; its on-site deadline no longer stands."""
    policy.require(by, FieldAction.DISPATCH, visit.case)
    visit = _lock(visit)
    if visit.status != VisitStatus.SCHEDULED:
        raise TransitionNotAllowed(_("Only a scheduled visit can be cancelled."))
    reason = _text(reason, label=_("reason"), limit=TEXT_MAX, required=True)
    visit.status, visit.cancelled_at = VisitStatus.CANCELLED, clock.now()
    visit.save(update_fields=["status", "cancelled_at"])
    sla.deadline_drop(case=visit.case, key=visit.deadline_key)
    _history(visit, CANCELLED, by=by, reason=reason)
    audit.record(
        action="visit.cancel",
        obj=visit,
        actor=by,
        before={"status": VisitStatus.SCHEDULED},
        after={"status": visit.status},
        reason=reason,
    )
    events.publish(VisitCancelled(visit=visit, by=by))
    return visit
