"""The staff queues: the duty board, an engineer's own CASEs and the sortable CASE list.

Reads only, always scoped by ``policy.visible``; the list's filters are the one
definition in ``selectors.case_list`` that the API and the portal use too.  Each queue is a
fixed number of queries whatever its length.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery, Window

from casedesk.accounts.models import User
from casedesk.cases.choices import Status
from casedesk.cases.models import Case
from casedesk.core import clock, policy
from casedesk.sla.models import Deadline

from .selectors import case_list

# A CASE still being worked: on a queue until it is resolved.
WORKING = (Status.OPEN, Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING)
# The promises the duty engineer chases by phone (SPEC §3): callback and first work log.
CHASED_KINDS = ("callback", "engineer_callback", "first_worklog")
BOARD_HORIZON = timedelta(hours=1)
BOARD_LIMIT = 25


def _standing_deadlines():
    """Deadlines still to be met: not met, not cancelled, running (fired ones stay, overdue)."""
    return Deadline.objects.filter(
        case_id=OuterRef("pk"), met_at__isnull=True, cancelled_at__isnull=True, due_at__isnull=False
    )


def _next_due() -> Subquery:
    """The CASE's nearest standing deadline."""
    rows = (
        _standing_deadlines().order_by().values("case_id").annotate(due=Min("due_at")).values("due")
    )
    return Subquery(rows)


# What a queue row shows: no descriptions, solutions or caller records (kilobytes a CASE).
ROW_FIELDS = (
    "number",
    "title",
    "priority",
    "status",
    "escalation_level",
    "reassignment_requested",
    "created_at",
    "updated_at",
    "organization__code",
    "organization__name",
    "engineer__username",
    "engineer__first_name",
    "engineer__last_name",
)


def rows(
    qs: QuerySet[Case] | QuerySet[Any, int],
    *,
    offset: int = 0,
    limit: int,
    chased: datetime | None = None,
) -> list[Case]:
    """The CASEs of ``qs`` from ``offset``, at most ``limit``, in ``qs``'s order, ready to show.

    Two queries: the page's ids (cheap columns only, so the database never computes a
    display column for rows it skips or sorts away — an OFFSET of 50,000 cost 5 s the other
    way), then those CASEs with organization, engineer and their nearest standing deadline
    (``next_due_at``; with ``chased``, also ``chased_due_at``: the nearest callback or
    first-work-log deadline due by then).  Only ``ROW_FIELDS`` are loaded.
    """
    # A queryset of CASEs, or already of CASE ids (the board's deadline-side pass).
    id_qs = cast("QuerySet[Any, int]", qs.values_list("pk", flat=True) if qs.model is Case else qs)
    return _rows_of(list(id_qs[offset : offset + limit]), chased)


def counted_rows(qs: QuerySet[Case], *, offset: int = 0, limit: int) -> tuple[list[Case], int]:
    """:func:`rows` of a search, and how many CASEs match in all: the page's ids and the
    count come from one query (a window count, as ``selectors.case_page``), so the search
    runs once."""
    found = list(
        qs.annotate(total=Window(Count("*"))).values_list("pk", "total")[offset : offset + limit]
    )
    if not found:
        return [], qs.count() if offset else 0
    return _rows_of([pk for pk, _ in found], None), found[0][1]


def _rows_of(ids: list[int], chased: datetime | None) -> list[Case]:
    if not ids:
        return []
    page = (
        Case.objects.filter(pk__in=ids).select_related("organization", "engineer").only(*ROW_FIELDS)
    )
    page = page.annotate(next_due_at=_next_due())
    if chased is not None:
        page = page.annotate(chased_due_at=_chased_due(chased))
    by_id = {case.pk: case for case in page.order_by()}
    return [by_id[pk] for pk in ids if pk in by_id]


def _chased(until: datetime):
    return _standing_deadlines().filter(kind__in=CHASED_KINDS, due_at__lte=until)


def _chased_due(until: datetime) -> Subquery:
    due = _chased(until).order_by().values("case_id").annotate(due=Min("due_at")).values("due")
    return Subquery(due)


def board_unassigned(*, fetched_by: User | None) -> QuerySet[Case]:
    """Open CASEs nobody owns yet, most severe first, then oldest."""
    qs = policy.visible(fetched_by, Case).filter(engineer__isnull=True, status__in=WORKING)
    return qs.order_by("priority", "created_at", "id")


def board_due_until(now: datetime | None = None) -> datetime:
    return (now or clock.now()) + BOARD_HORIZON


def board_due(*, fetched_by: User | None, now: datetime | None = None) -> QuerySet:
    """The ids of CASEs whose callback or first-work-log deadline is overdue or due within
    the hour, most severe first, then nearest (``rows(..., chased=board_due_until(now))``
    shows that deadline): a P1 just opened comes before P4s long overdue, never after them.

    Read from the deadlines' side in one grouped pass: the nearest chased deadline per
    working CASE, sorted; not a subquery per CASE (5,900 of them cost 80 ms).
    """
    working = policy.visible(fetched_by, Case).filter(status__in=WORKING)
    chased = Deadline.objects.filter(
        case__in=working.values("pk"),
        kind__in=CHASED_KINDS,
        met_at__isnull=True,
        cancelled_at__isnull=True,
        due_at__lte=board_due_until(now),
    )
    return (
        chased.values("case_id", "case__priority")
        .annotate(due=Min("due_at"))
        .order_by("case__priority", "due", "case_id")
        .values_list("case_id", flat=True)
    )


def board_escalated(*, fetched_by: User | None) -> QuerySet[Case]:
    """CASEs escalated (to a senior engineer or the vendor) or whose owner asked for
    reassignment, still being worked; highest level and most severe first."""
    qs = policy.visible(fetched_by, Case).filter(status__in=WORKING)
    qs = qs.filter(Q(escalation_level__gt=0) | Q(reassignment_requested=True))
    return qs.order_by("-escalation_level", "priority", "created_at", "id")


def my_cases(*, engineer: User, fetched_by: User | None) -> QuerySet[Case]:
    """The CASEs ``engineer`` owns or helps on, not yet resolved, nearest deadline first."""
    helping = Case.helpers.through.objects.filter(user_id=engineer.pk).values("case_id")
    qs = policy.visible(fetched_by, Case).filter(status__in=WORKING)
    qs = qs.filter(Q(engineer_id=engineer.pk) | Q(pk__in=helping))
    return qs.annotate(next_due_at=_next_due()).order_by(
        F("next_due_at").asc(nulls_last=True), "priority", "created_at", "id"
    )


# Sort keys the list accepts (a leading "-" reverses the key): the columns to order by,
# then the tie-breakers, which stay newest first whichever way the key goes.
SORTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "number": (("number",), ()),
    "created": (("created_at", "id"), ()),
    "updated": (("updated_at", "id"), ()),
    "priority": (("priority",), ("-created_at", "-id")),
    "status": (("status",), ("-created_at", "-id")),
    "engineer": (("engineer__username",), ("-created_at", "-id")),
    "organization": (("organization__code",), ("-created_at", "-id")),
    "title": (("title",), ("-created_at", "-id")),
}
DEFAULT_SORT = "-created"


# With a search, the list is by relevance unless a column's sort is asked for.
RELEVANCE = "relevance"


def sort_key(raw: str | None, *, q: str | None = None) -> str:
    """``raw`` if it is a whitelisted sort key, else relevance for a search, else the default."""
    if raw and raw.lstrip("-") in SORTS:
        return raw
    if is_text_search(q):
        return RELEVANCE
    return DEFAULT_SORT


def case_search(
    *,
    fetched_by: User | None,
    sort: str | None = None,
    **filters: str | None,
) -> QuerySet[Case]:
    """``selectors.case_list`` (the API's filters), ordered by a whitelisted ``sort``; a
    search without one stays by relevance (``case_list``'s order)."""
    key = sort_key(sort, q=filters.get("q"))
    qs = case_list(fetched_by=fetched_by, **filters)
    if key == RELEVANCE:
        return qs
    columns, tie_breakers = SORTS[key.lstrip("-")]
    if key.startswith("-"):
        columns = tuple(f"-{f}" for f in columns)
    return qs.order_by(*columns, *tie_breakers)


def is_text_search(q: str | None) -> bool:
    """A search (``search.selectors``): words, or a CASE number (that CASE first, then the
    CASEs whose text holds it)."""
    return bool(q and q.strip())
