"""The manager dashboard's numbers: one selector per chart, each one aggregate in SQL.

Every selector returns a :class:`Table`; the chart (``charts.py``), the CSV and the XLSX
(``exports.py``) are all drawn from that same table, so they never disagree.  Counts are
grouped and filtered by the database (``GROUP BY`` with conditional ``COUNT``/``SUM``) on
SQLite and PostgreSQL alike; Python only fills in empty weeks and computes percentages
from the handful of grouped rows.

Snapshots (open CASEs by age, engineer load) are as of now; the flows (callbacks,
escalations, SLA compliance, labour hours) count what happened in the period, from the
``from`` date to the ``to`` date inclusive, in the reader's time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from django.db import connection, models
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Least, TruncWeek
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from casedesk.accounts.choices import ASSIGNABLE_ROLES
from casedesk.accounts.models import Organization, User
from casedesk.cases.choices import EscalationLevel, EscalationTarget, EventKind, Priority, Status
from casedesk.cases.models import Case, CaseEvent, WorkLog
from casedesk.core import clock, policy
from casedesk.core.errors import InvalidInput
from casedesk.sla.choices import DeadlineKind, Recipient
from casedesk.sla.models import Deadline

from . import parallel

Text = str | Promise  # a label: plain, or translated lazily when shown
OPEN_STATES = (Status.OPEN, Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING)
LIVE_STATES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING)
PRIORITIES = tuple(Priority.values)
# How much an open CASE weighs on its engineer: a P1 is four times the work of a P4.
SEVERITY_WEIGHT = {"P1": 4, "P2": 3, "P3": 2, "P4": 1}
DEFAULT_WEEKS = 8
MAX_PERIOD_DAYS = 366

# Age buckets of open CASEs: (label, lower bound in hours, upper bound in hours or None).
AGE_BUCKETS = (
    (_("under 4 h"), 0, 4),
    (_("4–24 h"), 4, 24),
    (_("1–3 days"), 24, 72),
    (_("3–7 days"), 72, 168),
    (_("over 7 days"), 168, None),
)
# The escalation matrix's levels, lowest first (who a fired matrix deadline told).
MATRIX_LEVELS = (
    Recipient.ENGINEER,
    Recipient.DUTY_ENGINEER,
    Recipient.ENGINEER_MANAGER,
    Recipient.CS_MANAGER,
    Recipient.SUPERVISOR,
    Recipient.GENERAL_MANAGER,
)


# --- filters ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the manager picked: the period in their zone, and optional narrowing."""

    zone: ZoneInfo
    start: dt.date  # first day, inclusive
    end: dt.date  # last day, inclusive
    now: dt.datetime
    organization: Organization | None = None
    engineer: User | None = None
    priority: str = ""
    # What several tables of one request share (see _promise_outcomes).
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), tzinfo=self.zone)

    @property
    def end_at(self) -> dt.datetime:
        """The instant the period ends (exclusive): midnight after the last day."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=self.zone)

    def weeks(self) -> list[dt.date]:
        """The Monday of every week the period touches, in order."""
        monday = self.start - dt.timedelta(days=self.start.weekday())
        out = []
        while monday <= self.end:
            out.append(monday)
            monday += dt.timedelta(days=7)
        return out

    def querystring(self) -> dict[str, str]:
        """The filters as the dashboard's query parameters (for links and exports)."""
        params = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.organization:
            params["customer"] = str(self.organization.pk)
        if self.engineer:
            params["engineer"] = str(self.engineer.pk)
        if self.priority:
            params["severity"] = self.priority
        return params


def _date(value: str, name: Text) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("%(name)s must be a date like 2026-11-23.") % {"name": name}) from None


def _pk(value: str, unknown: str) -> int:
    if not value.isdigit():
        raise InvalidInput(unknown)
    return int(value)


def parse_filters(params, *, user: User | None) -> Filters:
    """The filters from query parameters ``from``, ``to``, ``customer``, ``engineer``,
    ``severity``; empty ones mean "all" (the period: the last eight weeks up to today).
    Raises InvalidInput on anything it cannot read, naming what is wrong.
    """
    zone = clock.user_zone(user)
    now = clock.now()
    today = now.astimezone(zone).date()
    end = _date(params["to"], _("To")) if params.get("to") else today
    if params.get("from"):
        start = _date(params["from"], _("From"))
    else:
        start = end - dt.timedelta(days=end.weekday() + 7 * (DEFAULT_WEEKS - 1))
    if start > end:
        raise InvalidInput(str(_("The period starts after it ends.")))
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise InvalidInput(
            _("Choose a period of at most %(days)d days.") % {"days": MAX_PERIOD_DAYS}
        )
    organization = engineer = None
    if params.get("customer"):
        unknown = str(_("Unknown customer."))
        organization = (
            policy.visible(user, Organization).filter(pk=_pk(params["customer"], unknown)).first()
        )
        if organization is None:
            raise InvalidInput(unknown)
    if params.get("engineer"):
        unknown = str(_("Unknown engineer."))
        engineer = (
            policy.visible(user, User)
            .filter(pk=_pk(params["engineer"], unknown), role__in=ASSIGNABLE_ROLES)
            .first()
        )
        if engineer is None:
            raise InvalidInput(unknown)
    priority = params.get("severity") or ""
    if priority and priority not in PRIORITIES:
        raise InvalidInput(str(_("Unknown severity.")))
    return Filters(
        zone=zone,
        start=start,
        end=end,
        now=now,
        organization=organization,
        engineer=engineer,
        priority=priority,
    )


def customers(*, reader: User | None) -> list[Organization]:
    """Every organization the reader may see, for the customer filter."""
    qs = policy.visible(reader, Organization)
    return list(qs.order_by("name").only("pk", "name", "code"))


def engineers(*, reader: User | None) -> list[User]:
    """Everyone who can own a CASE (whom the reader may see), for the engineer filter and
    the load chart."""
    return list(
        policy.visible(reader, User)
        .filter(role__in=ASSIGNABLE_ROLES, staff__isnull=False)
        .order_by("username")
        .only("pk", "username", "first_name", "last_name", "is_active")
    )


# --- the tables ------------------------------------------------------------------------


@dataclass
class Column:
    key: str
    label: Text
    kind: str = "int"  # "text", "date", "int", "float", "percent"


@dataclass
class Table:
    """One chart's numbers: a title, columns and rows of plain values (no HTML)."""

    key: str
    title: Text
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    note: Text = ""

    def column(self, key: str) -> list:
        i = [c.key for c in self.columns].index(key)
        return [row[i] for row in self.rows]


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _cases(f: Filters, prefix: str = ""):
    """The CASE conditions of the filters, as a Q on ``prefix`` (e.g. ``case__``)."""
    q = Q()
    if f.organization:
        q &= Q(**{f"{prefix}organization_id": f.organization.pk})
    if f.engineer:
        q &= Q(**{f"{prefix}engineer_id": f.engineer.pk})
    if f.priority:
        q &= Q(**{f"{prefix}priority": f.priority})
    return q


def _visible(reader: User | None):
    """The CASEs the reader may see (all, for the staff who reach the dashboard)."""
    return policy.visible(reader, Case)


def _cached(name: str, reader: User | None) -> tuple:
    """The key of a shared query's result in ``Filters.cache``: one per reader, since each
    counts only what its reader may see."""
    return (name, getattr(reader, "pk", None), getattr(reader, "role", None))


def _of_visible_cases(qs, reader: User | None, field: str = "case"):
    """``qs`` narrowed to rows whose CASE the reader may see: no subquery when the policy
    lets the reader see every CASE (the staff who reach the dashboard)."""
    seen = _visible(reader)
    if seen.query.has_filters():
        qs = qs.filter(**{f"{field}__in": seen.values("pk")})
    return qs


def _scoped(model, reader: User | None, f: Filters, prefix: str = "case__"):
    """Rows of ``model`` whose CASE the reader may see and the filters select."""
    return _of_visible_cases(model.objects.filter(_cases(f, prefix)), reader, prefix[:-2])


def open_by_age(f: Filters, *, reader: User | None) -> Table:
    """Open CASEs now, by severity and how long they have been open (wall-clock hours)."""
    cases = _visible(reader).filter(_cases(f), status__in=OPEN_STATES)
    buckets = {}
    for i, (_label, low, high) in enumerate(AGE_BUCKETS):
        q = Q(created_at__lte=f.now - dt.timedelta(hours=low))
        if high is not None:
            q &= Q(created_at__gt=f.now - dt.timedelta(hours=high))
        buckets[f"b{i}"] = Count("id", filter=q)
    found = {
        row["priority"]: row
        for row in cases.order_by().values("priority").annotate(**buckets, total=Count("id"))
    }
    table = Table(
        key="open_by_age",
        title=_("Open CASEs by severity and age"),
        columns=[
            Column("severity", _("Severity"), "text"),
            *(Column(f"b{i}", label) for i, (label, _l, _h) in enumerate(AGE_BUCKETS)),
            Column("total", _("Total")),
        ],
        note=_("Now; age counted from when the CASE was opened."),
    )
    for priority in PRIORITIES:
        row = found.get(priority, {})
        table.rows.append(
            [priority, *(row.get(f"b{i}", 0) for i in range(len(AGE_BUCKETS))), row.get("total", 0)]
        )
    return table


ON_TIME = Q(met_at__isnull=False, met_at__lte=F("due_at"))
PROMISES = (DeadlineKind.CALLBACK, DeadlineKind.ENGINEER_CALLBACK, DeadlineKind.RESOLUTION)


def _week(value, zone: ZoneInfo) -> dt.date:
    """The Monday a truncated week starts on, as a date in ``zone``."""
    return value.astimezone(zone).date() if isinstance(value, dt.datetime) else value


def _promise_outcomes(f: Filters, reader: User | None) -> dict[tuple, dict]:
    """What the period's promises (callbacks, resolution) came to, in one pass.

    One is kept when met by its due time, and broken at its due time otherwise (met late,
    fired, or never met).  It counts in the week its outcome was known: when it was met if
    on time, else its due time.  A promise withdrawn before it fell due (the CASE was
    reassigned, resolved or changed severity) is neither kept nor broken, and one not yet
    due and not met is still open.

    Returns ``{(kind, week, recipient, priority): {"on_time": n, "total": n}}``; the tables
    that need it share one query per request (cached on the filters).  Kept apart from
    :func:`_fired_escalations`: one query with both conditions ORed cost as much as both.
    """
    cached = f.cache.get(_cached("promise_outcomes", reader))
    if cached is not None:
        return cached
    decided_at = Coalesce(Least("met_at", "due_at"), "due_at")
    rows = (
        _scoped(Deadline, reader, f)
        .alias(decided_at=decided_at)
        .filter(kind__in=PROMISES, due_at__gte=f.start_at)  # never decided after its due time
        .exclude(met_at__isnull=True, cancelled_at__lt=F("due_at"))
        .filter(Q(met_at__isnull=False) | Q(due_at__lte=f.now))
        .filter(decided_at__gte=f.start_at, decided_at__lt=f.end_at)
        .annotate(week=TruncWeek(decided_at, tzinfo=f.zone))
        .order_by()
        .values("kind", "week", "recipient", "priority")
        .annotate(on_time=Count("id", filter=ON_TIME), total=Count("id"))
    )
    found = f.cache[_cached("promise_outcomes", reader)] = _by_week(rows, f)
    return found


def _fired_escalations(f: Filters, reader: User | None) -> dict[tuple, dict]:
    """The escalation matrix's notifications in the period, in the week they fired, per
    level (recipient) and severity; shaped and cached like :func:`_promise_outcomes`."""
    cached = f.cache.get(_cached("fired_escalations", reader))
    if cached is not None:
        return cached
    rows = (
        _scoped(Deadline, reader, f)
        .filter(kind=DeadlineKind.ESCALATION, fired_at__gte=f.start_at, fired_at__lt=f.end_at)
        .annotate(week=TruncWeek("fired_at", tzinfo=f.zone))
        .order_by()
        .values("kind", "week", "recipient", "priority")
        .annotate(on_time=Value(0), total=Count("id"))
    )
    found = f.cache[_cached("fired_escalations", reader)] = _by_week(rows, f)
    return found


def _by_week(rows, f: Filters) -> dict[tuple, dict]:
    return {
        (row["kind"], _week(row["week"], f.zone), row["recipient"], row["priority"]): {
            "on_time": row["on_time"],
            "total": row["total"],
        }
        for row in rows
    }


def _weekly(f: Filters, reader: User | None, kind: str) -> dict[dt.date, dict[str, int]]:
    """The promises of ``kind`` kept (``on_time``) and decided (``total``) per week."""
    weeks: dict[dt.date, dict[str, int]] = {}
    for (k, week, _recipient, _priority), counts in _promise_outcomes(f, reader).items():
        if k == kind:
            into = weeks.setdefault(week, {"on_time": 0, "total": 0})
            into["on_time"] += counts["on_time"]
            into["total"] += counts["total"]
    return weeks


def callbacks(f: Filters, *, reader: User | None) -> Table:
    """Per week: callbacks to the customer (from creation) and engineers' callbacks after
    notification, kept on time or late."""
    kinds = (DeadlineKind.CALLBACK, DeadlineKind.ENGINEER_CALLBACK)
    found = {kind: _weekly(f, reader, kind) for kind in kinds}
    table = Table(
        key="callbacks",
        title=_("Callbacks on time"),
        columns=[
            Column("week", _("Week of"), "date"),
            Column("callback_on_time", _("Callbacks on time")),
            Column("callback_late", _("Callbacks late")),
            Column("callback_pct", _("Callbacks on time %"), "percent"),
            Column("engineer_on_time", _("Engineer callbacks on time")),
            Column("engineer_late", _("Engineer callbacks late")),
            Column("engineer_pct", _("Engineer callbacks on time %"), "percent"),
        ],
        note=_(
            "Customer callback within its promised time from creation; engineer callback "
            "within its promised time from notification. By the week the promise was kept "
            "or broken."
        ),
    )
    for week in f.weeks():
        row: list = [week]
        for kind in kinds:
            counts = found[kind].get(week, {})
            on_time, total = counts.get("on_time", 0), counts.get("total", 0)
            row += [on_time, total - on_time, _percent(on_time, total)]
        table.rows.append(row)
    return table


def sla_compliance(f: Filters, *, reader: User | None) -> Table:
    """Per week: resolution targets met on time, breached, and the compliance %."""
    found = _weekly(f, reader, DeadlineKind.RESOLUTION)
    table = Table(
        key="sla",
        title=_("SLA compliance per week"),
        columns=[
            Column("week", _("Week of"), "date"),
            Column("met", _("Resolved on time")),
            Column("breached", _("Breached")),
            Column("pct", _("Compliance %"), "percent"),
        ],
        note=_(
            "Resolution targets kept (resolved by the due time, waiting for the customer not "
            "counted) or broken, by the week it was decided."
        ),
    )
    for week in f.weeks():
        counts = found.get(week, {})
        met, total = counts.get("on_time", 0), counts.get("total", 0)
        table.rows.append([week, met, total - met, _percent(met, total)])
    return table


def _escalation_events(f: Filters, reader: User | None) -> dict[tuple[str, str], int]:
    """Escalations to a senior engineer or the vendor in the period, per (level, severity)
    (cached on the filters, like the deadline outcomes)."""
    cached = f.cache.get(_cached("escalation_events", reader))
    if cached is not None:
        return cached
    events = (
        _scoped(CaseEvent, reader, f)
        .filter(case__escalation_level__gt=EscalationLevel.NONE)
        .filter(kind=EventKind.ESCALATED, at__gte=f.start_at, at__lt=f.end_at)
        .order_by()
        .values(level=KT("data__target"), severity=F("case__priority"))
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[str, str], int] = {}
    for row in events:
        key = (row["level"], row["severity"])
        counts[key] = counts.get(key, 0) + row["n"]
    f.cache[_cached("escalation_events", reader)] = counts
    return counts


def escalations(f: Filters, *, reader: User | None) -> Table:
    """Escalations in the period per level and severity: to a senior engineer and to the
    vendor (CASE events), and the matrix's notifications per level (fired deadlines).

    Only escalated CASEs can have an escalation event, and a CASE's escalation level never
    goes down (``cases.services.case_escalate`` is the only operation that sets it), so
    the events are looked up from those CASEs through the (case, at) index instead of
    scanning the whole history.
    """
    counts = dict(_escalation_events(f, reader))
    for (_kind, _week, level, severity), found in _fired_escalations(f, reader).items():
        counts[(level, severity)] = counts.get((level, severity), 0) + found["total"]
    levels: list[tuple[str, Text]] = [
        (EscalationTarget.SENIOR, _("To a senior engineer")),
        (EscalationTarget.VENDOR, _("To the vendor")),
    ]
    used = {level for level, _s in counts}
    labels = dict(Recipient.choices)
    levels += [
        (level, _("Matrix: %(who)s") % {"who": labels[level]})
        for level in MATRIX_LEVELS
        if level in used
        or level in (Recipient.DUTY_ENGINEER, Recipient.SUPERVISOR, Recipient.GENERAL_MANAGER)
    ]
    table = Table(
        key="escalations",
        title=_("Escalations per level"),
        columns=[
            Column("level", _("Level"), "text"),
            *(Column(p, p) for p in PRIORITIES),
            Column("total", _("Total")),
        ],
        note=_(
            "Escalations to a senior engineer or the vendor, and the escalation matrix's "
            "notifications to each level, in the period."
        ),
    )
    for level, label in levels:
        values = [counts.get((level, p), 0) for p in PRIORITIES]
        table.rows.append([str(label), *values, sum(values)])
    return table


def engineer_load(f: Filters, *, reader: User | None) -> Table:
    """Now: each engineer's live CASEs per severity and their load weighted by severity.

    Counted from the live CASEs grouped by engineer (the status index keeps it to the live
    ones), then laid over everyone who can own a CASE, so an idle engineer shows as 0.
    """
    live = _visible(reader).filter(_cases(f), status__in=LIVE_STATES, engineer__isnull=False)
    weight = models.Case(
        *(models.When(priority=p, then=models.Value(w)) for p, w in SEVERITY_WEIGHT.items()),
        default=models.Value(0),
        output_field=models.IntegerField(),
    )
    counts = {
        row["engineer_id"]: row
        for row in live.order_by()
        .values("engineer_id")
        .annotate(
            **{p: Count("id", filter=Q(priority=p)) for p in PRIORITIES},
            total=Count("id"),
            weighted=Sum(weight),
        )
    }
    people = policy.visible(reader, User).filter(role__in=ASSIGNABLE_ROLES, staff__isnull=False)
    if f.engineer:
        people = people.filter(pk=f.engineer.pk)
    people = people.select_related("staff").only(
        "pk", "username", "first_name", "last_name", "is_active", "staff__capacity"
    )
    table = Table(
        key="load",
        title=_("Load per engineer"),
        columns=[
            Column("engineer", _("Engineer"), "text"),
            Column("username", _("Login"), "text"),
            *(Column(p, p) for p in PRIORITIES),
            Column("total", _("Open CASEs")),
            Column("weighted", _("Weighted load")),
            Column("capacity", _("Capacity")),
        ],
        note=_("Now; weight P1 = 4, P2 = 3, P3 = 2, P4 = 1."),
    )
    rows = []
    for person in people:
        row = counts.get(person.pk)
        if row is None and not person.is_active:
            continue  # left, and holds nothing
        row = row or {}
        rows.append(
            [
                person.display_name,
                person.username,
                *(row.get(p, 0) for p in PRIORITIES),
                row.get("total", 0),
                row.get("weighted") or 0,
                person.staff.capacity,
            ]
        )
    table.rows = sorted(rows, key=lambda r: (-r[-2], r[1]))
    return table


def _labour(f: Filters, reader: User | None):
    """Work logs in the period; the engineer filter means who did the work (the author)."""
    q = Q(case__organization_id=f.organization.pk) if f.organization else Q()
    if f.priority:
        q &= Q(case__priority=f.priority)
    if f.engineer:
        q &= Q(author_id=f.engineer.pk)
    qs = WorkLog.objects.filter(q, created_at__gte=f.start_at, created_at__lt=f.end_at)
    return _of_visible_cases(qs, reader).exclude(minutes=0).order_by()


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


LABOUR_NOTE = _(
    "Minutes written in work logs, by when they were logged; with an engineer chosen, the "
    "work that engineer logged on any CASE."
)


def _labour_columns(first: Column) -> list[Column]:
    return [
        first,
        Column("worklogs", _("Work logs")),
        Column("minutes", _("Minutes")),
        Column("hours", _("Hours"), "float"),
    ]


def labour_by_week(f: Filters, *, reader: User | None) -> Table:
    rows = (
        _labour(f, reader)
        .annotate(week=TruncWeek("created_at", tzinfo=f.zone))
        .values("week")
        .annotate(n=Count("id"), minutes=Sum("minutes"))
    )
    found = {_week(row["week"], f.zone): row for row in rows}
    table = Table(
        key="labour_week",
        note=LABOUR_NOTE,
        title=_("Labour hours per week"),
        columns=_labour_columns(Column("week", _("Week of"), "date")),
    )
    for week in f.weeks():
        row = found.get(week, {})
        minutes = row.get("minutes") or 0
        table.rows.append([week, row.get("n", 0), minutes, _hours(minutes)])
    return table


def labour_by_engineer(f: Filters, *, reader: User | None) -> Table:
    rows = (
        _labour(f, reader)
        .values("author__username", "author__first_name", "author__last_name")
        .annotate(n=Count("id"), minutes=Sum("minutes"))
        .order_by("-minutes", "author__username")
    )
    table = Table(
        key="labour_engineer",
        note=LABOUR_NOTE,
        title=_("Labour hours per engineer"),
        columns=_labour_columns(Column("engineer", _("Engineer"), "text")),
    )
    for r in rows:
        name = User(
            username=r["author__username"],
            first_name=r["author__first_name"],
            last_name=r["author__last_name"],
        ).display_name
        table.rows.append([name, r["n"], r["minutes"], _hours(r["minutes"])])
    return table


def labour_by_customer(f: Filters, *, reader: User | None) -> Table:
    """Work logs per customer, joined to their CASEs (the planner picks the join: over a
    year a hash join takes 82 ms where a lookup per log took 277; 50 vs 35 ms over 8 weeks)."""
    rows = list(
        _labour(f, reader)
        .values(customer=F("case__organization_id"))
        .annotate(n=Count("id"), minutes=Sum("minutes"))
    )
    names = dict(
        Organization.objects.filter(pk__in=[r["customer"] for r in rows]).values_list("pk", "name")
    )
    table = Table(
        key="labour_customer",
        note=LABOUR_NOTE,
        title=_("Labour hours per customer"),
        columns=_labour_columns(Column("customer", _("Customer"), "text")),
    )
    rows.sort(key=lambda r: (-r["minutes"], names[r["customer"]]))
    for r in rows:
        table.rows.append([names[r["customer"]], r["n"], r["minutes"], _hours(r["minutes"])])
    return table


class TableBuilder(Protocol):
    def __call__(self, f: Filters, *, reader: User | None) -> Table: ...


# Every table of the dashboard, in the order it shows them.
TABLES: dict[str, TableBuilder] = {
    "open_by_age": open_by_age,
    "callbacks": callbacks,
    "escalations": escalations,
    "sla": sla_compliance,
    "load": engineer_load,
    "labour_week": labour_by_week,
    "labour_engineer": labour_by_engineer,
    "labour_customer": labour_by_customer,
}


# The tables built from what the queries below leave in ``Filters.cache``.
FROM_CACHE = ("callbacks", "escalations", "sla")
SHARED_QUERIES = (_promise_outcomes, _fired_escalations, _escalation_events)


def dashboard(f: Filters, *, reader: User | None) -> dict[str, Table]:
    """All the dashboard's tables for these filters.

    Their queries are independent, so they run side by side on a few worker threads (each
    with its own database connection): a year's dashboard waits for its longest query,
    not for the sum of them.  Inside a transaction (tests, a caller's atomic block) they
    run one after the other, in it: other connections could not see its rows.
    """
    workers = parallel.pool()
    if workers is None or connection.in_atomic_block:
        return {key: build(f, reader=reader) for key, build in TABLES.items()}
    shared = [workers.submit(parallel.in_context(query), f, reader) for query in SHARED_QUERIES]
    started = {
        key: workers.submit(parallel.in_context(build), f, reader=reader)
        for key, build in TABLES.items()
        if key not in FROM_CACHE
    }
    for query in shared:
        query.result()  # now in f.cache
    return {
        key: TABLES[key](f, reader=reader) if key in FROM_CACHE else started[key].result()
        for key in TABLES
    }
