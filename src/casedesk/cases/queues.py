"""The staff queues: the duty board, an engineer's own CASEs and the sortable CASE list.

Reads only, always scoped by ``policy.visible_cases``; the list's filters are the one
definition in ``selectors.case_list`` that the API uses too.  Each queue is a fixed number
of queries whatever its length (the deadlines come as one JSON column per CASE).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Subquery

from casedesk import clock, policy
from casedesk.accounts.models import User

from .choices import Status
from .models import Case
from .selectors import _deadlines, _with_related, case_list

# A CASE still being worked: on a queue until it is resolved.
WORKING = (Status.OPEN, Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING)
# The promises the duty engineer chases by phone (SPEC §3): callback and first work log.
CHASED_KINDS = ("callback", "engineer_callback", "first_worklog")
BOARD_HORIZON = timedelta(hours=1)
BOARD_LIMIT = 50


def _standing_deadlines():
    """Deadlines still to be met: not met, not cancelled, running (fired ones stay, overdue)."""
    from casedesk.sla.models import Deadline

    return Deadline.objects.filter(
        case_id=OuterRef("pk"), met_at__isnull=True, cancelled_at__isnull=True, due_at__isnull=False
    )


def _next_due() -> Subquery:
    """The CASE's nearest standing deadline."""
    rows = (
        _standing_deadlines().order_by().values("case_id").annotate(due=Min("due_at")).values("due")
    )
    return Subquery(rows)


def _for_display(qs: QuerySet[Case], fetched_by: User | None) -> QuerySet[Case]:
    return _with_related(qs).annotate(deadline_rows=_deadlines(fetched_by), next_due_at=_next_due())


def board_unassigned(*, fetched_by: User | None) -> QuerySet[Case]:
    """Open CASEs nobody owns yet, most severe first, then oldest."""
    qs = policy.visible_cases(fetched_by).filter(engineer__isnull=True, status__in=WORKING)
    return _for_display(qs, fetched_by).order_by("priority", "created_at", "id")


def board_due(*, fetched_by: User | None, now: datetime | None = None) -> QuerySet[Case]:
    """CASEs whose callback or first-work-log deadline is overdue or due within the hour,
    nearest first; ``chased_due_at`` is that deadline."""
    now = now or clock.now()
    chased = _standing_deadlines().filter(kind__in=CHASED_KINDS, due_at__lte=now + BOARD_HORIZON)
    due = chased.order_by().values("case_id").annotate(due=Min("due_at")).values("due")
    qs = policy.visible_cases(fetched_by).filter(status__in=WORKING).filter(Exists(chased))
    return (
        _for_display(qs, fetched_by)
        .annotate(chased_due_at=Subquery(due))
        .order_by("chased_due_at", "id")
    )


def board_escalated(*, fetched_by: User | None) -> QuerySet[Case]:
    """CASEs escalated (to a senior engineer or the vendor) or whose owner asked for
    reassignment, still being worked; highest level and most severe first."""
    qs = policy.visible_cases(fetched_by).filter(status__in=WORKING)
    qs = qs.filter(Q(escalation_level__gt=0) | Q(reassignment_requested=True))
    return _for_display(qs, fetched_by).order_by(
        "-escalation_level", "priority", "created_at", "id"
    )


def my_cases(*, engineer: User, fetched_by: User | None) -> QuerySet[Case]:
    """The CASEs ``engineer`` owns or helps on, not yet resolved, nearest deadline first."""
    helping = Case.helpers.through.objects.filter(case_id=OuterRef("pk"), user_id=engineer.pk)
    qs = policy.visible_cases(fetched_by).filter(status__in=WORKING)
    qs = qs.filter(Q(engineer_id=engineer.pk) | Exists(helping))
    return _for_display(qs, fetched_by).order_by(
        F("next_due_at").asc(nulls_last=True), "priority", "created_at", "id"
    )


# Sort keys the list accepts (a leading "-" reverses); anything else falls back to newest.
SORTS = {
    "number": ("number",),
    "created": ("created_at", "id"),
    "updated": ("updated_at", "id"),
    "priority": ("priority", "-created_at", "-id"),
    "status": ("status", "-created_at", "-id"),
    "engineer": ("engineer__username", "-created_at", "-id"),
    "organization": ("organization__code", "-created_at", "-id"),
    "title": ("title", "-id"),
}
DEFAULT_SORT = "-created"


def sort_key(raw: str | None) -> str:
    """``raw`` if it is a whitelisted sort key, else the default."""
    if raw and raw.lstrip("-") in SORTS:
        return raw
    return DEFAULT_SORT


def case_search(
    *,
    fetched_by: User | None,
    sort: str | None = None,
    **filters: str | None,
) -> QuerySet[Case]:
    """``selectors.case_list`` (the API's filters), ordered by a whitelisted ``sort``."""
    key = sort_key(sort)
    fields = SORTS[key.lstrip("-")]
    if key.startswith("-"):
        fields = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)
    qs = case_list(fetched_by=fetched_by, **filters)
    return qs.annotate(next_due_at=_next_due()).order_by(*fields)
