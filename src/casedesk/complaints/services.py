"""Every change to a complaint: one operation each, checked by the policy, audited.

A complaint is promised an acknowledgement within one working day and a resolution within
five, on the desk's office calendar: two ``sla`` deadlines about no CASE
(``complaint:<number>:acknowledge`` / ``:resolution``), fired by the supervisor to the
customer service managers, then to the general manager, and kept by the operations below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from casedesk.accounts.models import Organization, User
from casedesk.core import audit, clock, numbering, policy
from casedesk.core.errors import Conflict, InvalidInput
from casedesk.core.operations import operation
from casedesk.sla import services as sla
from casedesk.sla.choices import DeadlineKind

from .choices import ComplaintSource, ComplaintStatus
from .models import Complaint, ComplaintNumberSequence
from .policy import ComplaintAction

# The desk's office hours (the seeded 09:00–18:00 working-day calendar, Chinese holidays).
DESK_CALENDAR = "5x8"
WORKING_DAY_MINUTES = 9 * 60
ACKNOWLEDGE_MINUTES = 1 * WORKING_DAY_MINUTES
RESOLVE_MINUTES = 5 * WORKING_DAY_MINUTES
DESCRIPTION_MAX = 10_000
ACKNOWLEDGE = DeadlineKind.COMPLAINT_ACKNOWLEDGE
RESOLUTION = DeadlineKind.COMPLAINT_RESOLUTION


def deadline_key(complaint: Complaint, kind: str) -> str:
    return f"complaint:{complaint.number}:{kind}"


def _number(at: dt.datetime) -> str:
    """``K`` + YYMM (desk time) + a serial restarting monthly, taken in the transaction."""
    return numbering.monthly("K", ComplaintNumberSequence, at)


def _audit(complaint: Complaint, verb: str, by: User | None, before: str | None, **data) -> None:
    audit.record(
        action="complaint." + verb,
        obj=complaint,
        actor=by,
        before={"status": before},
        after={"status": complaint.status},
        data={"organization": complaint.organization.code, **data},
    )


@operation
def complaint_file(
    *,
    organization: Organization,
    description: str,
    source: str,
    cases: Iterable = (),
    engineers: Iterable[User] = (),
    by: User | None,
) -> Complaint:
    """File a complaint for ``organization`` about its ``cases`` (each of that organization)
    and the ``engineers`` concerned (the CASEs' engineers when none is named)."""
    policy.require(by, ComplaintAction.FILE, organization)
    description = (description or "").strip()
    if not description:
        raise InvalidInput(_("A complaint needs a description."))
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput(_("The description is too long."))
    if source not in ComplaintSource.values:
        raise InvalidInput(_("Unknown complaint source %(source)r.") % {"source": source})
    cases = list(cases)
    for case in cases:
        if case.organization_id != organization.pk:
            raise InvalidInput(
                _("CASE %(number)s is not of %(organization)s.")
                % {"number": case.number, "organization": organization.code}
            )
    engineers = list(engineers) or [c.engineer for c in cases if c.engineer_id]
    now = clock.now()
    complaint = Complaint.objects.create(
        number=_number(now),
        organization=organization,
        description=description,
        source=source,
        created_at=now,
        created_by=by,
    )
    complaint.cases.set(cases)
    complaint.engineers.set({e.pk: e for e in engineers}.values())
    for kind, minutes in ((ACKNOWLEDGE, ACKNOWLEDGE_MINUTES), (RESOLUTION, RESOLVE_MINUTES)):
        sla.deadline_promise(
            case=None,
            key=deadline_key(complaint, kind),
            kind=kind,
            anchor=now,
            minutes=minutes,
            calendar=DESK_CALENDAR,
        )
    _audit(
        complaint,
        "file",
        by,
        None,
        number=complaint.number,
        source=source,
        cases=[c.number for c in cases],
        engineers=sorted(e.username for e in engineers),
    )
    return complaint


def _locked(complaint: Complaint, expected: tuple[str, ...]) -> Complaint:
    complaint = (
        Complaint.objects.select_for_update().select_related("organization").get(pk=complaint.pk)
    )
    if complaint.status not in expected:
        raise Conflict(
            _("Complaint %(number)s is %(status)s: that step does not follow.")
            % {"number": complaint.number, "status": ComplaintStatus(complaint.status).label}
        )
    return complaint


@operation
def complaint_acknowledge(*, complaint: Complaint, note: str = "", by: User) -> Complaint:
    """Someone who answers for it has taken the complaint up (keeps the first promise)."""
    policy.require(by, ComplaintAction.WORK, complaint)
    complaint = _locked(complaint, (ComplaintStatus.OPEN,))
    now = clock.now()
    before, complaint.status = complaint.status, ComplaintStatus.ACKNOWLEDGED
    complaint.acknowledged_at, complaint.acknowledged_by = now, by
    complaint.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    sla.deadline_keep(case=None, key=deadline_key(complaint, ACKNOWLEDGE), at=now)
    _audit(complaint, "acknowledge", by, before, note=note.strip()[:2000])
    return complaint


@operation
def complaint_resolve(*, complaint: Complaint, resolution: str, by: User) -> Complaint:
    """What was done about it (keeps the resolution promise, and the first if still open)."""
    policy.require(by, ComplaintAction.WORK, complaint)
    resolution = (resolution or "").strip()
    if not resolution:
        raise InvalidInput(_("Say how the complaint was resolved."))
    if len(resolution) > DESCRIPTION_MAX:
        raise InvalidInput(_("The resolution is too long."))
    complaint = _locked(complaint, (ComplaintStatus.OPEN, ComplaintStatus.ACKNOWLEDGED))
    now = clock.now()
    before, complaint.status = complaint.status, ComplaintStatus.RESOLVED
    complaint.resolution, complaint.resolved_at, complaint.resolved_by = resolution, now, by
    fields = ["status", "resolution", "resolved_at", "resolved_by"]
    if complaint.acknowledged_at is None:
        complaint.acknowledged_at, complaint.acknowledged_by = now, by
        fields += ["acknowledged_at", "acknowledged_by"]
    complaint.save(update_fields=fields)
    for kind in (ACKNOWLEDGE, RESOLUTION):
        sla.deadline_keep(case=None, key=deadline_key(complaint, kind), at=now)
    _audit(complaint, "resolve", by, before, resolution=resolution)
    return complaint


@operation
def complaint_close(*, complaint: Complaint, by: User) -> Complaint:
    policy.require(by, ComplaintAction.WORK, complaint)
    complaint = _locked(complaint, (ComplaintStatus.RESOLVED,))
    before, complaint.status = complaint.status, ComplaintStatus.CLOSED
    complaint.closed_at, complaint.closed_by = clock.now(), by
    complaint.save(update_fields=["status", "closed_at", "closed_by"])
    _audit(complaint, "close", by, before)
    return complaint
