"""Reads of CASEs, always scoped to the user who reads (``policy.visible``)."""

from __future__ import annotations

import json
import re

from django.db.models import (
    Aggregate,
    Count,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Window,
)
from django.utils.translation import gettext as _

from casedesk.accounts.models import Contact, User
from casedesk.accounts.selectors import display_names
from casedesk.core import clock, policy
from casedesk.core.errors import InvalidInput, NotFound
from casedesk.search.selectors import search_cases
from casedesk.sla.models import Deadline

from .choices import EventKind, Priority, Status
from .models import Case, CaseEvent

CASE_NUMBER = re.compile(r"^C\d{7,}$", re.IGNORECASE)
# What a person types for a CASE number: ``C2612001``, ``c2612001`` or just ``2612001``.
_TYPED_NUMBER = re.compile(r"^C?(\d{7,})$", re.IGNORECASE)
UNASSIGNED = "none"


class _CommaJoined(Aggregate):
    """Values joined with commas: ``string_agg`` on PostgreSQL, ``group_concat`` on SQLite."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


def _helper_names() -> Subquery:
    """The usernames of a CASE's helpers in one column (a username never holds a comma).

    A correlated subquery in the CASE's own query instead of a prefetch: one query less per
    read, and about 1.5 ms less CPU for a page of 25 (docs/PERFORMANCE.md).
    """
    helpers = (
        Case.helpers.through.objects.filter(case_id=OuterRef("pk"))
        .values("case_id")
        .annotate(names=_CommaJoined("user__username"))
        .values("names")  # type: ignore[misc]  # an annotation the plugin cannot see
    )
    return Subquery(helpers, output_field=TextField())


def _with_related(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("organization", "engineer").annotate(helper_names=_helper_names())


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


def helper_usernames(case: Case) -> list[str]:
    """The usernames of the CASE's helpers, sorted; read with the CASE when it came from here."""
    loaded = vars(case)
    if "helper_names" in loaded:
        return sorted(loaded["helper_names"].split(",")) if loaded["helper_names"] else []
    return sorted(case.helpers.values_list("username", flat=True))


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
    qs = _with_related(qs.order_by(*ordering))
    return qs.annotate(deadline_rows=_deadlines(fetched_by))


def typed_number(q: str | None) -> str | None:
    """The CASE number ``q`` is, if it is one as people type them (``c2612001``,
    ``2612001``), in its stored form (``C2612001``); else None."""
    found = _TYPED_NUMBER.match((q or "").strip())
    return f"C{found.group(1)}" if found else None


def number_named(*, q: str | None, fetched_by: User | None) -> str | None:
    """The number of the CASE ``q`` names exactly (:func:`typed_number`) if ``fetched_by``
    may see it; None otherwise, as for a CASE that does not exist."""
    number = typed_number(q)
    if number is None:
        return None
    found = policy.visible(fetched_by, Case).filter(number=number).values_list("number")
    return next(iter(found.order_by()[:1]), (None,))[0]


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
    page = _with_related(Case.objects.filter(pk__in=[pk for pk, _ in found])).annotate(
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
    qs = _with_related(policy.visible(fetched_by, Case)).filter(number=number.upper())
    qs = qs.annotate(deadline_rows=_deadlines(fetched_by))
    # Numbers are unique: no ORDER BY (``first()`` would add one, and compiling it costs).
    case = next(iter(qs.order_by()[:1]), None)
    if case is None:
        raise NotFound(_("No CASE %(number)s.") % {"number": number})
    if action is not None:
        policy.require(fetched_by, action, case)
    return case


def case_events(*, case: Case, fetched_by: User | None) -> QuerySet[CaseEvent]:
    """The CASE's history, oldest first; customers do not see internal entries."""
    qs = CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "id")
    if fetched_by is not None and fetched_by.is_customer:
        qs = qs.filter(internal=False)
    return qs


def _named_logins(data: dict):
    """The logins an event's data names: the engineer before and after (an assignment,
    an escalation), a helper, the people a deadline told, the engineer a chase chose."""
    engineer = data.get("engineer")
    if isinstance(engineer, dict):
        yield from (engineer.get("before"), engineer.get("after"))
    elif isinstance(engineer, str):
        yield engineer
    yield data.get("helper")
    if isinstance(data.get("system"), dict):  # a system note naming someone
        yield data["system"].get("engineer")
    for key in ("to", "cc"):
        if isinstance(data.get(key), list):
            yield from data[key]


def event_people(events) -> dict[str, str]:
    """``{login: display name}`` of everyone the events name by login, in one query.  History
    stores logins (they never change meaning); pages word them with the name at read time."""
    return display_names(
        u for event in events for u in _named_logins(event.data or {}) if isinstance(u, str)
    )


def contact_case_defaults(contact: Contact) -> dict[str, str]:
    """What a new CASE for ``contact`` most likely shares with their most recent one.

    Equipment (platform, version, serial number) and the contract ID come from the contact's
    latest CASE; with none, the contract ID from the organization's latest CASE that has one.
    """
    fields = ("contract_id", "hardware_platform", "software_version", "serial_number")
    latest = (
        Case.objects.filter(contact=contact).order_by("-created_at", "-id").values(*fields).first()
    )
    if latest is None:
        contract = (
            Case.objects.filter(organization_id=contact.organization_id)
            .exclude(contract_id="")
            .order_by("-created_at", "-id")
            .values_list("contract_id", flat=True)
            .first()
        )
        latest = dict.fromkeys(fields, "") | {"contract_id": contract or ""}
    return dict(latest)


def missed_callback_by(case: Case) -> set[str]:
    """Usernames of the engineers who let the callback run out on ``case``: the chase's
    reassignment step fired while they owned it (``missed_by`` in its event, which only the
    chase writes).  Automatic assignment passes them over, so a CASE never goes straight
    back to one of them."""
    return {
        name
        for name in CaseEvent.objects.filter(
            case=case, kind=EventKind.DEADLINE_FIRED, data__has_key="missed_by"
        ).values_list("data__missed_by", flat=True)
        if isinstance(name, str) and name
    }
