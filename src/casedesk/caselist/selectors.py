"""The CASE as the interfaces read it: one CASE, the CASE list and a page of it, each
CASE with the deadlines its reader may see, searched through the index.

A read model over ``cases``, ``sla`` (deadlines) and ``search`` (the index), so that none
of them knows the others' tables: ``cases`` does not know its followers.  Always scoped to
the reader (``policy.visible``); each read is a fixed number of queries (the deadlines come
as one JSON column per CASE).
"""

from __future__ import annotations

import json

from django.db.models import Aggregate, Count, F, OuterRef, QuerySet, Subquery, TextField, Window
from django.utils.translation import gettext as _

from casedesk.accounts.models import User
from casedesk.cases.choices import Priority, Status
from casedesk.cases.models import Case
from casedesk.cases.selectors import typed_number, with_related
from casedesk.core import clock, policy
from casedesk.core.errors import InvalidInput, NotFound
from casedesk.search.selectors import search_cases
from casedesk.sla.models import Deadline

# The list's engineer filter for "nobody".
UNASSIGNED = "none"
# The promises a customer is shown; the internal alarms (chase, matrix) are for staff.
CUSTOMER_DEADLINES = ("callback", "resolution")
DEADLINE_FIELDS = ("kind", "due_at", "fired_at", "met_at", "recipient")


class _JsonRows(Aggregate):
    """The group's deadlines as one JSON array of objects, times as ISO 8601 UTC seconds.

    Built by the database (``json_agg`` on PostgreSQL, ``json_group_array`` on SQLite), so
    a page of 25 CASEs with ~150 deadlines costs one ``json.loads`` instead of 150 model
    instances and 450 datetimes formatted in Python: ~0.3 ms instead of ~5 ms of CPU.
    """

    output_field = TextField()

    def __init__(self) -> None:
        super().__init__(*(F(f) for f in (*DEADLINE_FIELDS, "anchor_at", "id")))

    def as_sql(self, compiler, connection, **extra_context):
        columns = []
        for expression in self.source_expressions:  # not the (unused) filter and order_by
            sql, params = compiler.compile(expression)
            assert not params
            columns.append(sql)
        *fields, anchor, pk = columns
        if connection.vendor == "postgresql":
            fmt = '\'YYYY-MM-DD"T"HH24:MI:SS"Z"\''
            pairs = [
                f"'{name}', to_char({col} AT TIME ZONE 'UTC', {fmt})" if name.endswith("_at")
                else f"'{name}', {col}"
                for name, col in zip(DEADLINE_FIELDS, fields, strict=True)
            ]  # fmt: skip
            obj = f"json_build_object({', '.join(pairs)})"
            return f"json_agg({obj} ORDER BY {anchor}, {pk})::text", []
        pairs = [
            f"'{name}', strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', {col})" if name.endswith("_at")
            else f"'{name}', {col}"
            for name, col in zip(DEADLINE_FIELDS, fields, strict=True)
        ]  # fmt: skip
        order = f"'o', strftime('%%Y-%%m-%%d %%H:%%M:%%f', {anchor}), 'id', {pk}"
        return f"json_group_array(json_object({', '.join(pairs)}, {order}))", []


def _deadlines(fetched_by: User | None) -> Subquery:
    """A CASE's deadlines that still stand or have happened (not the cancelled ones)."""
    qs = Deadline.objects.filter(case_id=OuterRef("pk"), cancelled_at__isnull=True)
    if fetched_by is not None and fetched_by.is_customer:
        qs = qs.filter(kind__in=CUSTOMER_DEADLINES)
    rows = qs.order_by().values("case_id").annotate(rows=_JsonRows()).values("rows")
    return Subquery(rows, output_field=TextField())  # type: ignore[arg-type]


def _fields(deadline) -> dict:
    return {f: getattr(deadline, f) for f in DEADLINE_FIELDS}


def deadlines_of(case: Case, fetched_by: User | None) -> list[dict[str, str | None]]:
    """The deadlines ``fetched_by`` may see, oldest anchor first, as dicts of
    ``DEADLINE_FIELDS`` with times in ISO 8601 UTC; read with the CASE when it came from here.
    """
    loaded = vars(case)
    if "deadline_rows" in loaded:
        rows = json.loads(loaded["deadline_rows"] or "[]")
        if rows and "o" in rows[0]:  # SQLite cannot order inside the aggregate
            rows.sort(key=lambda row: (row.pop("o"), row.pop("id")))
        return rows
    customer = fetched_by is not None and fetched_by.is_customer
    if "new_deadlines" in loaded:  # a CASE just opened: the rows it was given, in order
        return [
            {f: clock.iso_utc(v) if f.endswith("_at") else v for f, v in _fields(d).items()}
            for d in loaded["new_deadlines"]
            if not customer or d.kind in CUSTOMER_DEADLINES
        ]

    qs = Deadline.objects.filter(case=case, cancelled_at__isnull=True).order_by("anchor_at", "id")
    if customer:
        qs = qs.filter(kind__in=CUSTOMER_DEADLINES)
    return [
        {f: clock.iso_utc(v) if f.endswith("_at") else v for f, v in row.items()}
        for row in qs.values(*DEADLINE_FIELDS)
    ]


def case_list(
    *,
    fetched_by: User | None,
    status: str | None = None,
    priority: str | None = None,
    engineer: str | None = None,
    organization: str | None = None,
    q: str | None = None,
) -> QuerySet[Case]:
    """The CASEs ``fetched_by`` may see, filtered, newest first.

    ``engineer`` is a username, or ``none`` for unassigned CASEs.  ``q`` is a search
    (``search.selectors``: words, serial numbers, Chinese of any length in the CASE and its
    work logs), then the list is by relevance, then newest first; a CASE number
    (``C2612001``, any case, or ``2612001`` without the C) puts that CASE first, then the
    CASEs whose text holds it.
    """
    qs = policy.visible(fetched_by, Case)
    if status:
        if status not in Status.values:
            raise InvalidInput(_("Unknown status %(status)r.") % {"status": status})
        qs = qs.filter(status=status)
    if priority:
        if priority not in Priority.values:
            raise InvalidInput(_("Unknown priority %(priority)r.") % {"priority": priority})
        qs = qs.filter(priority=priority)
    if engineer:
        if engineer == UNASSIGNED:
            qs = qs.filter(engineer__isnull=True)
        else:
            engineer_id = (
                User.objects.filter(username=engineer).values_list("pk", flat=True).first()
            )
            if engineer_id is None:
                raise InvalidInput(_("Unknown engineer %(username)r.") % {"username": engineer})
            qs = qs.filter(engineer_id=engineer_id)
    if organization:
        qs = qs.filter(organization__code=organization)
    ordering: tuple[str, ...] = ("-created_at", "-id")
    q = (q or "").strip()
    if q:
        customer_org = None
        if fetched_by is not None and fetched_by.is_customer:
            customer_org = fetched_by.organization_id
        qs = search_cases(qs, q, customer_org=customer_org, number=typed_number(q))
        ordering = ("-search_score", *ordering)
    qs = with_related(qs.order_by(*ordering))
    return qs.annotate(deadline_rows=_deadlines(fetched_by))


def case_page(
    qs: QuerySet[Case], *, fetched_by: User | None, offset: int, limit: int
) -> tuple[list[Case], int]:
    """``qs[offset:offset + limit]`` of :func:`case_list` and ``qs.count()``, for word
    searches: one query sorts the matches' ids and counts them (a window count, so the
    search runs once), then one reads the page's CASEs with all :func:`case_list` reads.

    Sorting 80,000 matches as full rows (organization, engineer, deadlines) cost ~300 ms,
    and counting them apart ran the search a second time.
    """
    found = list(
        qs.annotate(total=Window(Count("*"))).values_list("pk", "total")[offset : offset + limit]
    )
    if not found:
        return [], qs.count() if offset else 0
    page = with_related(Case.objects.filter(pk__in=[pk for pk, _ in found])).annotate(
        deadline_rows=_deadlines(fetched_by)
    )
    by_id = {case.pk: case for case in page.order_by()}
    return [by_id[pk] for pk, _ in found if pk in by_id], found[0][1]


def case_get(*, number: str, fetched_by: User | None, action: str | None = None) -> Case:
    """One CASE by number; NotFound if unknown or not visible to ``fetched_by``.

    With ``action``, also Forbidden unless ``fetched_by`` may do it: an interface asks so
    before it looks up anything else the request names (an engineer, a user), so that a
    refusal never depends on, nor tells, whether those exist.
    """
    qs = with_related(policy.visible(fetched_by, Case)).filter(number=number.upper())
    qs = qs.annotate(deadline_rows=_deadlines(fetched_by))
    # Numbers are unique: no ORDER BY (``first()`` would add one, and compiling it costs).
    case = next(iter(qs.order_by()[:1]), None)
    if case is None:
        raise NotFound(_("No CASE %(number)s.") % {"number": number})
    if action is not None:
        policy.require(fetched_by, action, case)
    return case
