"""Benchmark the SLA supervisor on PostgreSQL (issue 3): what a pass costs, how late the worker is.

    .venv/bin/python bench/supervisor_bench.py \\
        --database-url postgres://postgres@127.0.0.1:5432/casedesk_bench_sla --open 100000

1. Migrates a fresh database (``--reset`` drops and recreates one whose name contains
   "bench"), creates the desk's people through the product (duty engineers on an 8-hour
   roster, engineers with their managers, the CS manager, supervisors, the general manager,
   all with e-mail addresses) and customer organizations (gold 7×24 and silver 5×8).
2. Opens a stratified sample of CASEs through ``casedesk.cases.services`` (open, assign,
   call back, escalate to the vendor, pend: each at its own instant, with a supervisor pass
   before every step, as the worker would have run) and checks that the bench's own
   generator gives exactly the deadline and clock rows the product wrote for them.  Then it
   writes the remaining CASEs with COPY: CASE, CaseClock, deadlines (those already due as
   of the bench instant are fired, as the worker would have fired them; those kept are met),
   events, work logs and the outbox history.  Every active deadline lies after the bench
   instant ``T0`` (the next working day 10:30 in the desk's time zone, at least a day
   ahead, so the real clock never reaches it while the bench runs).  ANALYZE.
3. At ``--small`` open CASEs and again at ``--open``: ``run_pass(now=…)`` with nothing
   due (just before the earliest active deadline), ``--repeat`` times (p50/p95/max), and
   EXPLAIN (ANALYZE, BUFFERS) of the exact statement the pass sent (it must use the
   partial index ``deadline_active_due``); and what the 45-minute chase's
   ``recommend_engineers`` costs.
4. Moves the instant forward so that ``k`` deadlines are due (the ``k``-th active deadline's
   due time; a group sharing that microsecond is cut there) and times one ``run_pass``
   (outbox rows, events and ``fired_at`` included), wall and CPU (this process and its
   PostgreSQL backend): ``--due-small`` at ``--small`` CASEs, ``--due`` at ``--open``
   CASEs.  Mail delivery of those rows (file backend) is timed separately.
5. Starts ``casedesk worker --no-tasks --interval 1`` against the database, moves
   ``--latency`` active deadlines (one per CASE) to fall due over the next 60–120 s of the
   real clock, waits until all fired (bounded), stops the worker and reports
   fired_at − due_at (p50/p95/p99/max) and the delay at which the bench saw the commit.

Every loop is bounded by a count or a deadline.  ``--json FILE`` saves the figures;
``--reuse`` measures (3–5) a database a previous run left.  Figures and their reading:
docs/PERFORMANCE.md, "The supervisor (issue 3)".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

UTC = dt.UTC
MIN = dt.timedelta(minutes=1)

# Of the open CASEs.  Not yet dispatched and waiting for the callback are short states (a
# desk taking ~25 CASEs an hour in office hours dispatches within minutes and calls back
# within half an hour), so they are a small share; the backlog is in progress or pending.
STATUS_WEIGHTS = {"open": 0.5, "assigned": 1, "in_progress": 64.5, "pending": 34}
PRIORITY_WEIGHTS = {"P1": 3, "P2": 15, "P3": 52, "P4": 30}
PENDING_REASONS = {"customer": 60, "vendor": 25, "parts": 15}
CHANNELS = {"phone": 45, "email": 25, "web": 20, "api": 8, "fax": 2}
TITLES = [
    "核心交换机端口频繁 flapping",
    "VPN 隧道中断",
    "OSPF 邻居反复重建",
    "BGP session down on ASR 1002-HX",
    "电源模块告警，需 RMA",
    "无线 AP 大量掉线",
    "防火墙 CPU 持续 100%",
    "packet loss on uplink",
    "802.1X 认证失败",
    "request for a configuration review",
]
BODY = (
    "您好，\n\n此 CASE 的承诺时间已到，请尽快处理。\n\n"
    "CASE: {number}\n标题: {title}\n优先级: {priority}\n到期: {due}\n"
    "This message was sent by casedesk; reply to add a note to the CASE.\n"
)


def out(msg: str = "") -> None:
    print(msg, flush=True)


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(values: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 50), 3),
        "p95_ms": round(pct(ms, 95), 3),
        "p99_ms": round(pct(ms, 99), 3),
        "max_ms": round(max(ms), 3),
        "mean_ms": round(statistics.fmean(ms), 3),
    }


# --- the database ----------------------------------------------------------------------------


def prepare_database(url: str, reset: bool) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    conf = dj_database_url.parse(url)
    if conf["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("This benchmark needs PostgreSQL (--database-url postgres://...).")
    name = conf["NAME"]
    params = {
        "host": conf.get("HOST") or None,
        "port": conf.get("PORT") or None,
        "user": conf.get("USER") or None,
        "password": conf.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            if "bench" not in name:
                sys.exit(f"--reset drops the database: refusing for {name!r} (no 'bench' in it).")
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            out(f"dropped database {name}")
            exists = None
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            out(f"created database {name}")


def copy_rows(model, rows: list[dict]) -> None:
    """COPY ``rows`` (dicts by attname; missing fields get their default) into ``model``."""
    if not rows:
        return
    from django.db import connection
    from django.db.models import JSONField

    fields = model._meta.concrete_fields
    defaults = {}
    for f in fields:
        defaults[f.attname] = f.get_default() if f.has_default() else None
    json_fields = {f.attname for f in fields if isinstance(f, JSONField)}
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    attnames = [f.attname for f in fields]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for r in rows:
            copy.write_row(
                tuple(
                    (json.dumps(r[a], ensure_ascii=False) if a in json_fields else r[a])
                    if a in r
                    else defaults[a]
                    for a in attnames
                )
            )


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def reset_sequences(models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for stmt in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(stmt)


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- the desk: people, organizations, roster ----------------------------------------------------


@dataclass
class Desk:
    t0: dt.datetime
    zone: ZoneInfo
    orgs: list = field(default_factory=list)
    org_weights: list[float] = field(default_factory=list)
    contacts: dict[int, list] = field(default_factory=dict)
    duty: list = field(default_factory=list)
    takers: list = field(default_factory=list)
    engineers: list = field(default_factory=list)
    seniors: list = field(default_factory=list)
    eng_weights: list[float] = field(default_factory=list)
    senior_weights: list[float] = field(default_factory=list)
    by_role: dict[str, list] = field(default_factory=dict)
    manager_of: dict[int, object] = field(default_factory=dict)
    roster_start: dt.datetime | None = None
    policies: dict[str, dict] = field(default_factory=dict)
    calendars: dict[str, object] = field(default_factory=dict)

    def on_shift(self, at: dt.datetime) -> list:
        """The duty engineers the roster has on shift at ``at`` (as roster.selectors.duty_call)."""
        index = int((at - self.roster_start) // dt.timedelta(hours=8))
        n = len(self.duty)
        people = {self.duty[(2 * index) % n].pk: self.duty[(2 * index) % n]}
        people[self.duty[(2 * index + 1) % n].pk] = self.duty[(2 * index + 1) % n]
        return sorted(people.values(), key=lambda u: u.username)


def bench_instant(zone: ZoneInfo, real_now: dt.datetime) -> dt.datetime:
    """The next working day (Mon–Fri, not a Chinese holiday) 10:30 local, ≥ 24 h ahead."""
    from casedesk.sla.calendar import china_days

    day = (real_now + dt.timedelta(days=1)).astimezone(zone).date()
    for _ in range(30):
        off, on = china_days(day.year)
        working = (day.weekday() < 5 and day not in off) or day in on
        candidate = dt.datetime.combine(day, dt.time(10, 30), zone).astimezone(UTC)
        if working and candidate - real_now >= dt.timedelta(hours=24):
            return candidate
        day += dt.timedelta(days=1)
    raise RuntimeError("no working day within 30 days")


def make_desk(t0: dt.datetime, rng: random.Random) -> Desk:
    from django.db import transaction

    from casedesk.accounts import services as people
    from casedesk.accounts.models import Contact, Organization
    from casedesk.core import clock
    from casedesk.roster.models import DutyShift
    from casedesk.sla.models import SlaPolicy
    from casedesk.sla.selectors import calendar_for

    zone = clock.desk_zone()
    desk = Desk(t0=t0, zone=zone)
    created = t0 - dt.timedelta(days=400)
    with transaction.atomic(), clock.frozen(created):
        orgs, contacts = [], []
        for i in range(300):
            level = "gold" if rng.random() < 0.3 else "silver"
            orgs.append(
                Organization(
                    code=f"ORG{i + 1:03d}",
                    name=f"客户{i + 1:03d} {rng.choice(['分公司', '分行', '数据中心', 'Plant'])}",
                    service_level=level,
                    phone=f"010-{rng.randrange(10**7, 10**8)}",
                    created_at=created,
                )
            )
        Organization.objects.bulk_create(orgs)
        desk.orgs = list(Organization.objects.order_by("id"))
        # A few big customers open most CASEs.
        desk.org_weights = [1 / (i + 1) ** 0.8 for i in range(len(desk.orgs))]
        for org in desk.orgs:
            for j in range(3):
                contacts.append(
                    Contact(
                        organization=org,
                        name=f"联系人{org.pk}-{j}",
                        phone=f"138{rng.randrange(10**7, 10**8)}",
                        email=f"c{org.pk}.{j}@customer.example",
                        created_at=created,
                    )
                )
        Contact.objects.bulk_create(contacts)
        for c in Contact.objects.order_by("id"):
            desk.contacts.setdefault(c.organization_id, []).append(c)

        def user(username, role, **kw):
            return people.user_create(
                username=username,
                role=role,
                email=f"{username}@desk.example",
                language="en" if rng.random() < 0.3 else "zh-hans",
                **kw,
            )

        desk.by_role["general_manager"] = [user("gm", "general_manager")]
        desk.by_role["cs_manager"] = [user(f"csm{i}", "cs_manager") for i in range(1, 3)]
        sups = [user(f"sup{i}", "supervisor", tier="senior") for i in range(1, 5)]
        desk.by_role["supervisor"] = sups
        desk.duty = [user(f"duty{i:02d}", "duty_engineer") for i in range(1, 9)]
        desk.takers = [user(f"taker{i}", "call_taker") for i in range(1, 5)]
        for i in range(1, 121):
            senior = i % 10 < 3
            manager = sups[i % len(sups)]
            eng = user(
                f"eng{i:03d}",
                "engineer",
                tier="senior" if senior else "first_line",
                manager=manager,
            )
            desk.engineers.append(eng)
            desk.manager_of[eng.pk] = manager
            if senior:
                desk.seniors.append(eng)
        # Busy engineers carry more.  With this backlog every one of them is past the
        # default capacity (8), so the 45-minute chase could only propose nobody: a new
        # shift of engineers who own nothing yet gives it somebody to reassign to.
        desk.eng_weights = [1 / (i + 1) ** 0.5 for i in range(len(desk.engineers))]
        desk.senior_weights = [1 / (i + 1) ** 0.5 for i in range(len(desk.seniors))]
        for i in range(1, 13):
            user(
                f"new{i:02d}",
                "engineer",
                tier="senior" if i <= 4 else "first_line",
                manager=sups[i % len(sups)],
            )
        # The roster: three 8-hour shifts a day, two duty engineers each.
        midnight = dt.datetime.combine(
            (t0 - dt.timedelta(days=200)).astimezone(zone).date(), dt.time(0), zone
        )
        desk.roster_start = midnight.astimezone(UTC)
        shifts = []
        for index in range(3 * 240):
            starts = desk.roster_start + index * dt.timedelta(hours=8)
            for k in (0, 1):
                shifts.append(
                    DutyShift(
                        user=desk.duty[(2 * index + k) % len(desk.duty)],
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=8),
                    )
                )
        DutyShift.objects.bulk_create(shifts)

    for level in ("gold", "silver"):
        policy = SlaPolicy.objects.get(service_level=level)
        desk.policies[level] = {
            "policy": policy,
            "rules": defaultdict(list),
            "targets": {t.priority: t for t in policy.targets.all()},
        }
        for rule in policy.rules.all():  # ordered by priority, after_minutes (as the product)
            desk.policies[level]["rules"][rule.priority].append(rule)
        desk.calendars[level] = calendar_for(level)
    return desk


# --- one CASE's life and the rows it has as of T0 -------------------------------------------------


@dataclass
class Life:
    created: dt.datetime
    org: object
    contact: object
    priority: str
    status: str
    channel: str
    title: str
    opener: object
    engineer: object = None
    dispatcher: object = None
    assigned_at: dt.datetime | None = None
    callback_at: dt.datetime | None = None
    vendor_at: dt.datetime | None = None
    pended_at: dt.datetime | None = None
    pending_reason: str = ""


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _created(rng: random.Random, desk: Desk, min_age: dt.timedelta, max_age: dt.timedelta):
    """An instant before T0, weighted to office hours and weekdays (rejection sampling)."""
    lo, hi = min_age.total_seconds(), max_age.total_seconds()
    for _ in range(100):
        r = rng.random()
        if r < 0.55:
            age = rng.uniform(0, 3 * 86400)
        elif r < 0.85:
            age = rng.uniform(3 * 86400, 30 * 86400)
        else:
            age = rng.uniform(30 * 86400, 180 * 86400)
        age = min(max(age, lo), hi)
        at = desk.t0 - dt.timedelta(seconds=age)
        local = at.astimezone(desk.zone)
        weight = 1.0 if 8 <= local.hour < 20 else 0.12
        if local.weekday() >= 5:
            weight *= 0.3
        if rng.random() < weight:
            return at
    return at


def make_life(rng: random.Random, desk: Desk, status: str | None = None, priority=None) -> Life:
    status = status or _weighted(rng, STATUS_WEIGHTS)
    priority = priority or _weighted(rng, PRIORITY_WEIGHTS)
    org = rng.choices(desk.orgs, weights=desk.org_weights)[0]
    channel = _weighted(rng, CHANNELS)
    life = Life(
        created=desk.t0,
        org=org,
        contact=rng.choice(desk.contacts[org.pk]),
        priority=priority,
        status=status,
        channel=channel,
        title=rng.choice(TITLES),
        opener=rng.choice(desk.takers + desk.duty),
    )
    t0 = desk.t0
    if status == "open":  # not yet dispatched: opened within the last two hours
        life.created = t0 - dt.timedelta(seconds=rng.uniform(60, 7200))
        return life
    senior = priority in ("P1", "P2")
    pool, weights = (
        (desk.seniors, desk.senior_weights) if senior else (desk.engineers, desk.eng_weights)
    )
    life.engineer = rng.choices(pool, weights=weights)[0]
    life.dispatcher = rng.choice(desk.duty)
    if status == "assigned":  # handed over within the last 40 minutes, no callback yet
        life.created = _created(rng, desk, dt.timedelta(minutes=2), dt.timedelta(days=180))
        span = (t0 - life.created).total_seconds()
        back = rng.uniform(60, min(40 * 60, span - 30))
        if back > 30 * 60 and rng.random() > 0.25:
            # Most engineers call back within the 30-minute check: past it, only the
            # laggards (a quarter) are still waiting.
            back = rng.uniform(60, min(30 * 60, span - 30))
        life.assigned_at = t0 - dt.timedelta(seconds=back)
        return life
    life.created = _created(rng, desk, dt.timedelta(hours=1), dt.timedelta(days=180))
    life.assigned_at = life.created + dt.timedelta(seconds=rng.uniform(60, 1200))
    life.callback_at = life.assigned_at + dt.timedelta(seconds=rng.uniform(60, 1500))
    last = life.callback_at
    if senior and rng.random() < 0.15:
        life.vendor_at = last + (t0 - last) * rng.uniform(0.1, 0.6)
        last = life.vendor_at
    if status == "pending":
        life.pended_at = last + (t0 - last) * rng.uniform(0.2, 0.95)
        life.pending_reason = _weighted(rng, PENDING_REASONS)
    return life


def deadline_rows(life: Life, desk: Desk, rng: random.Random | None) -> tuple[list[dict], dict]:
    """The deadline rows (and the clock) the product gives this CASE, as of T0.

    Mirrors ``casedesk.sla.services``: the open-time rows, the assignment's callback rows,
    met by the callback work log and the vendor escalation, paused by a pend whose reason
    the policy pauses for; a row still standing when it falls due is fired (``fired_at`` a
    second or so after its due time, as the worker stamps it).  ``rng=None`` leaves
    ``fired_at`` as True (for comparing with the product's rows).
    """
    from casedesk.sla import calendar as cal

    level = life.org.service_level
    pol = desk.policies[level]
    policy, calendar = pol["policy"], desk.calendars[level]
    rows: list[dict] = []

    def add(key, kind, anchor, minutes, priority="", recipient="", pausable=False):
        rows.append(
            {
                "key": key,
                "kind": kind,
                "priority": priority,
                "recipient": recipient,
                "anchor_at": anchor,
                "target_minutes": minutes,
                "pausable": pausable,
                "due_at": cal.add_business_minutes(calendar, anchor, minutes),
                "fired_at": None,
                "met_at": None,
                "cancelled_at": None,
            }
        )

    c, p = life.created, life.priority
    add("callback:c0", "callback", c, policy.callback_minutes)
    add("first_worklog:c0", "first_worklog", c, policy.first_worklog_minutes)
    for rule in pol["rules"].get(p, []):
        add(
            f"escalation:{p}:{rule.after_minutes}:{rule.recipient}:c0",
            "escalation",
            c,
            rule.after_minutes,
            priority=p,
            recipient=rule.recipient,
            pausable=policy.pause_escalations,
        )
    target = pol["targets"].get(p)
    if target and target.vendor_escalation_minutes is not None:
        add(
            f"vendor_escalation:{p}:c0",
            "vendor_escalation",
            c,
            target.vendor_escalation_minutes,
            priority=p,
            pausable=policy.pause_escalations,
        )
    if target and target.resolution_minutes is not None:
        add(f"resolution:{p}:c0", "resolution", c, target.resolution_minutes, p, pausable=True)
    clock_row = {"cycle": 0, "started_at": c, "paused_since": None, "paused_minutes": 0.0}

    def active(r):
        return not (r["fired_at"] or r["met_at"] or r["cancelled_at"]) and r["due_at"]

    def fire_until(t):
        for r in rows:
            if active(r) and r["due_at"] <= t:
                if rng is None:
                    r["fired_at"] = True
                else:
                    r["fired_at"] = min(
                        r["due_at"] + dt.timedelta(seconds=rng.uniform(0.2, 1.4)), t
                    )

    def meet(kinds, t, suffix=None):
        for r in rows:
            standing = r["kind"] in kinds and not r["met_at"] and not r["cancelled_at"]
            if standing and (suffix is None or r["key"].endswith(suffix)):
                r["met_at"] = t

    steps = []
    if life.assigned_at:
        steps.append((life.assigned_at, "assign"))
    if life.callback_at:
        steps.append((life.callback_at, "callback"))
    if life.vendor_at:
        steps.append((life.vendor_at, "vendor"))
    if life.pended_at:
        steps.append((life.pended_at, "pend"))
    for at, step in sorted(steps, key=lambda s: s[0]):
        fire_until(at)
        if step == "assign":
            stamp = at.strftime("%Y%m%d%H%M%S%f")
            for kind, minutes in (
                ("engineer_callback", policy.engineer_callback_minutes),
                ("callback_chase", policy.chase_remind_minutes),
                ("callback_reassign", policy.chase_reassign_minutes),
            ):
                add(f"{kind}:{stamp}", kind, at, minutes)
        elif step == "callback":
            meet(
                {"first_worklog", "callback", "engineer_callback", "callback_chase",
                 "callback_reassign"},
                at,
            )  # fmt: skip
        elif step == "vendor":
            meet({"vendor_escalation"}, at, suffix=":c0")
        elif step == "pend" and policy.pauses_for(life.pending_reason):
            clock_row["paused_since"] = at
            for r in rows:
                if r["pausable"] and active(r):
                    r["due_at"] = None
    fire_until(desk.t0)
    return rows, clock_row


# --- the sample, through the product ----------------------------------------------------------


def open_sample(desk: Desk, rng: random.Random, per_cell: int) -> list:
    """Open CASEs through the operation layer, a supervisor pass before every step."""
    from casedesk.cases import services as cases
    from casedesk.core import clock
    from casedesk.sla.supervisor import run_pass

    lives = []
    for status in STATUS_WEIGHTS:
        for priority in PRIORITY_WEIGHTS:
            for _ in range(per_cell):
                lives.append(make_life(rng, desk, status=status, priority=priority))
    steps = []
    for i, life in enumerate(lives):
        steps.append((life.created, 0, i, "open"))
        if life.assigned_at:
            steps.append((life.assigned_at, 1, i, "assign"))
        if life.callback_at:
            steps.append((life.callback_at, 2, i, "callback"))
        if life.vendor_at:
            steps.append((life.vendor_at, 3, i, "vendor"))
        if life.pended_at:
            steps.append((life.pended_at, 4, i, "pend"))
    opened: dict[int, object] = {}
    for at, _, i, step in sorted(steps, key=lambda s: (s[0], s[1], s[2])):
        life = lives[i]
        run_pass(now=at)
        with clock.frozen(at):
            if step == "open":
                opened[i] = cases.case_open(
                    organization=life.org,
                    contact=life.contact,
                    title=life.title,
                    priority=life.priority,
                    channel=life.channel,
                    by=life.opener,
                )
            elif step == "assign":
                cases.case_assign(case=opened[i], engineer=life.engineer, by=life.dispatcher)
            elif step == "callback":
                cases.case_log_work(
                    case=opened[i], kind="callback", note="已回呼客户", minutes=10, by=life.engineer
                )
            elif step == "vendor":
                cases.case_escalate(
                    case=opened[i],
                    target="vendor",
                    reason="需要厂商 TAC 支持",
                    vendor_reference=f"69{rng.randrange(10**6, 10**7)}",
                    by=life.engineer,
                )
            elif step == "pend":
                cases.case_pend(case=opened[i], reason=life.pending_reason, by=life.engineer)
    run_pass(now=desk.t0)
    return [(lives[i], opened[i]) for i in range(len(lives))]


def check_shape(desk: Desk, sample) -> dict:
    """The bench's generator must give exactly the rows the product wrote."""
    from casedesk.sla.models import CaseClock, Deadline

    fields = ["kind", "priority", "recipient", "anchor_at", "target_minutes", "pausable"]
    fields += ["due_at", "met_at", "cancelled_at"]
    rows = mismatches = 0
    for life, case in sample:
        mine, clock_row = deadline_rows(life, desk, None)
        theirs = {d.key: d for d in Deadline.objects.filter(case=case)}
        if set(theirs) != {r["key"] for r in mine}:
            mismatches += 1
            out(f"  shape: {case.number}: keys {sorted(theirs)} vs {[r['key'] for r in mine]}")
            continue
        for r in mine:
            d = theirs[r["key"]]
            rows += 1
            diff = [f for f in fields if getattr(d, f) != r[f]]
            if bool(d.fired_at) != bool(r["fired_at"]):
                diff.append("fired")
            if diff:
                mismatches += 1
                out(f"  shape: {case.number} {r['key']}: {diff}")
        cc = CaseClock.objects.get(case=case)
        if (cc.cycle, cc.started_at, cc.paused_since, cc.paused_minutes) != tuple(
            clock_row.values()
        ):
            mismatches += 1
            out(f"  shape: {case.number} clock differs")
    if mismatches:
        raise SystemExit(f"generator disagrees with the product on {mismatches} row(s)")
    return {"cases": len(sample), "deadline_rows": rows}


# --- the bulk, with COPY --------------------------------------------------------------------


class Ids:
    def __init__(self, models):
        self.next = {m: next_id(m) for m in models}

    def take(self, model) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


def write_cases(desk: Desk, rng: random.Random, count: int, chunk: int = 2000) -> Counter:
    """Write ``count`` open CASEs with their clocks, deadlines, events, logs and outbox."""
    from django.db import transaction

    from casedesk.cases.models import Case, CaseEvent, CaseNumberSequence, WorkLog
    from casedesk.notify.models import Notification
    from casedesk.sla.models import CaseClock, Deadline

    models = [Case, CaseClock, Deadline, CaseEvent, WorkLog, Notification]
    ids = Ids(models)
    serials = {s.period: s.last_serial for s in CaseNumberSequence.objects.all()}
    stats: Counter = Counter()
    done = 0
    started = time.monotonic()
    while done < count:
        n = min(chunk, count - done)
        lives = sorted((make_life(rng, desk) for _ in range(n)), key=lambda life: life.created)
        rows: dict = defaultdict(list)
        for life in lives:
            _case_rows(desk, rng, life, ids, serials, rows, stats)
        with transaction.atomic():
            for model in models:
                copy_rows(model, rows[model])
            for period, serial in serials.items():
                CaseNumberSequence.objects.update_or_create(
                    period=period, defaults={"last_serial": serial}
                )
        done += n
        stats["cases"] += n
        if done % 20000 < chunk or done == count:
            out(f"    {done}/{count} CASEs written ({time.monotonic() - started:.0f} s)")
    reset_sequences(models)
    return stats


def _case_rows(desk, rng, life: Life, ids: Ids, serials, rows, stats) -> None:
    from casedesk.cases.models import Case, CaseEvent, WorkLog
    from casedesk.cases.numbering import format_number, period_of
    from casedesk.core import clock
    from casedesk.notify.models import Notification
    from casedesk.sla.models import CaseClock, Deadline
    from casedesk.sla.services import RECIPIENTS

    period = period_of(life.created)
    serials[period] = serials.get(period, 0) + 1
    number = format_number(period, serials[period])
    case_id = ids.take(Case)
    dls, clock_row = deadline_rows(life, desk, rng)
    status = life.status
    times = [t for t in (life.created, life.assigned_at, life.callback_at, life.vendor_at,
                         life.pended_at) if t]  # fmt: skip
    rows[Case].append(
        {
            "id": case_id,
            "number": number,
            "organization_id": life.org.pk,
            "contact_id": life.contact.pk,
            "caller_name": life.contact.name,
            "caller_company": life.org.name,
            "caller_phone": life.contact.phone,
            "caller_email": life.contact.email,
            "caller_address": "",
            "contract_id": "",
            "title": life.title,
            "description": "客户报告故障，详见附件日志。",
            "hardware_platform": "Catalyst 9300",
            "software_version": "IOS-XE 17.9.4a",
            "serial_number": f"FOC{rng.randrange(10**7, 10**8)}",
            "channel": life.channel,
            "priority": life.priority,
            "status": status,
            "pending_reason": life.pending_reason,
            "engineer_id": life.engineer.pk if life.engineer else None,
            "reassignment_requested": False,
            "escalation_level": 2 if life.vendor_at else 0,
            "vendor_reference": f"69{rng.randrange(10**6, 10**7)}" if life.vendor_at else "",
            "solution": "",
            "created_at": life.created,
            "created_by_id": life.opener.pk,
            "assigned_at": life.assigned_at,
            "accepted_at": life.callback_at,
            "resolved_at": None,
            "confirmed_at": None,
            "confirmed_by_id": None,
            "closed_at": None,
            "reopen_count": 0,
            "updated_at": max(times),
        }
    )
    rows[CaseClock].append({"id": ids.take(CaseClock), "case_id": case_id, **clock_row})
    events: list[tuple] = []  # (at, order, row)

    def event(at, actor, kind, data, internal=False, order=0):
        row = {
            "case_id": case_id,
            "at": at,
            "actor_id": actor.pk if actor else None,
            "kind": kind,
            "data": data,
            "internal": internal,
            "request_id": "",
        }
        events.append((at, order, row))
        return row

    event(
        life.created,
        life.opener,
        "opened",
        {
            "number": number,
            "organization": life.org.code,
            "contact": life.contact.pk,
            "priority": life.priority,
            "channel": life.channel,
            "title": life.title,
        },
    )
    notes: list[dict] = []

    def notify(at, people, copies, reason, subject, deadline_id=None):
        seen = set()
        for user, copy in [(u, False) for u in people] + [(u, True) for u in copies]:
            if user.pk in seen:
                continue
            seen.add(user.pk)
            notes.append(
                {
                    "case_id": case_id,
                    "deadline_id": deadline_id,
                    "dedupe_key": f"{reason}:{user.pk}",
                    "recipient_id": user.pk,
                    "to_email": user.email,
                    "copy": copy,
                    "language": user.language,
                    "subject": subject[:300],
                    "body": BODY.format(
                        number=number, title=life.title, priority=life.priority, due=at
                    ),
                    "message_id": f"<n{len(notes)}.{case_id}@desk.example>",
                    "status": "sent",
                    "created_at": at,
                    "next_attempt_at": at,
                    "attempts": 1,
                    "claimed_at": at,
                    "sent_at": at + dt.timedelta(seconds=2),
                    "last_error": "",
                }
            )

    if life.assigned_at:
        ev = event(
            life.assigned_at,
            life.dispatcher,
            "assigned",
            {
                "engineer": {"before": None, "after": life.engineer.username},
                "status": {"before": "open", "after": "assigned"},
            },
            order=1,
        )
        ev["id"] = ids.take(CaseEvent)
        notify(
            life.assigned_at,
            [life.engineer],
            [],
            f"event:{ev['id']}",
            f"[{number}] 分派给您: {life.priority} {life.title}",
        )
    if life.callback_at:
        wid = ids.take(WorkLog)
        rows[WorkLog].append(
            {
                "id": wid,
                "case_id": case_id,
                "author_id": life.engineer.pk,
                "kind": "callback",
                "note": "已回呼客户，确认故障现象。",
                "minutes": 10,
                "internal": False,
                "created_at": life.callback_at,
            }
        )
        event(
            life.callback_at,
            life.engineer,
            "work_logged",
            {
                "status": {"before": "assigned", "after": "in_progress"},
                "worklog": wid,
                "kind": "callback",
                "minutes": 10,
                "note": "已回呼客户，确认故障现象。",
            },
            order=2,
        )
    if life.vendor_at:
        event(
            life.vendor_at,
            life.engineer,
            "escalated",
            {
                "escalation_level": {"before": 0, "after": 2},
                "target": "vendor",
                "reason": "需要厂商 TAC 支持",
            },
            order=3,
        )
    if life.pended_at:
        event(
            life.pended_at,
            life.engineer,
            "pended",
            {
                "status": {"before": "in_progress", "after": "pending"},
                "pending_reason": {"before": "", "after": life.pending_reason},
            },
            order=4,
        )
    told: list = []  # escalation recipients so far (later levels copy them)
    for d in dls:  # ids in the order the product creates the rows
        d["id"] = ids.take(Deadline)
        d["case_id"] = case_id
        rows[Deadline].append(d)
        stats["deadlines"] += 1
        if d["fired_at"]:
            stats["fired"] += 1
        elif d["met_at"]:
            stats["met"] += 1
        elif d["due_at"] is None:
            stats["paused"] += 1
        else:
            stats["active"] += 1
    for d in sorted((d for d in dls if d["fired_at"]), key=lambda r: (r["fired_at"], r["id"])):
        at = d["fired_at"]
        engineer = life.engineer if life.assigned_at and life.assigned_at <= at else None
        roles = (d["recipient"],) if d["kind"] == "escalation" else RECIPIENTS[d["kind"]]
        people: list = []
        for role in roles:
            if role == "engineer":
                found = [engineer] if engineer else []
            elif role == "duty_engineer":
                found = desk.on_shift(at)
            elif role == "engineer_manager":
                found = [desk.manager_of[engineer.pk]] if engineer else []
            else:
                found = desk.by_role[role]
            for u in found:
                if u not in people:
                    people.append(u)
        copies = [u for u in told if u not in people] if d["kind"] == "escalation" else []
        if d["kind"] == "escalation":
            told.extend(u for u in people if u not in told)
        event(
            at,
            None,
            "deadline_fired",
            {
                "deadline": d["kind"],
                "key": d["key"],
                "due_at": clock.iso_utc(d["due_at"]),
                "to": [u.username for u in people],
                "cc": [u.username for u in copies],
            },
            internal=True,
            order=5,
        )
        notify(at, people, copies, f"deadline:{d['id']}", f"[{number}] {d['kind']}", d["id"])
    for _, _, row in sorted(events, key=lambda e: (e[0], e[1])):
        row.setdefault("id", ids.take(CaseEvent))
        rows[CaseEvent].append(row)
    for n in notes:
        n["id"] = ids.take(Notification)
        rows[Notification].append(n)
    stats["events"] += len(events)
    stats["notifications"] += len(notes)


# --- measurements ---------------------------------------------------------------------------


def due_query_plan(now: dt.datetime) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of the very statement a pass sends to find what is due."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from casedesk.sla.supervisor import run_pass

    with CaptureQueriesContext(connection) as queries:
        run_pass(now=now)
    statements = [q["sql"] for q in queries.captured_queries]
    selects = [s for s in statements if "sla_deadline" in s and s.startswith("SELECT")]
    sql = selects[0]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, TIMING) " + sql)
        plan = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    uses_index = any("deadline_active_due" in line for line in plan)
    return {
        "statements_per_pass": len(statements),
        "statements": statements,
        "sql": sql,
        "plan": plan,
        "uses_partial_index": uses_index,
    }


def empty_passes(now: dt.datetime, repeat: int) -> dict:
    from casedesk.sla.models import Deadline
    from casedesk.sla.supervisor import run_pass

    for _ in range(5):  # warm up: connection, caches
        run_pass(now=now)
    times = []
    cpu = CpuClock()
    client0, server0 = cpu.read()
    for _ in range(repeat):
        started = time.perf_counter()
        result = run_pass(now=now)
        times.append(time.perf_counter() - started)
        assert result.fired == 0, "something was due"
    client1, server1 = cpu.read()
    return {
        **summary_ms(times),
        "cpu_ms_per_pass": round((client1 - client0 + server1 - server0) * 1000 / repeat, 3),
        "active_deadlines": Deadline.objects.active().count(),
        "deadline_rows": Deadline.objects.count(),
    }


def instant_with_due(count: int) -> tuple[dt.datetime, int, int]:
    """The instant at which exactly ``count`` active deadlines are due (the next ones).

    Deadlines of CASEs opened outside a 5×8 calendar's hours share their due time to the
    microsecond (09:00 + N minutes); when the ``count``-th is one of such a group, the rest
    of the group is moved one microsecond later (returned: how many) so the count is exact.
    """
    from casedesk.sla.models import Deadline

    rows = list(
        Deadline.objects.active().order_by("due_at", "id").values_list("due_at", "id")[: count + 1]
    )
    at, last_id = rows[min(count, len(rows)) - 1]
    nudged = 0
    if len(rows) > count and rows[count][0] == at:
        nudged = (
            Deadline.objects.active()
            .filter(due_at=at, id__gt=last_id)
            .update(due_at=at + dt.timedelta(microseconds=1))
        )
    return at, Deadline.objects.active().filter(due_at__lte=at).count(), nudged


def due_pass(label: str, count: int, open_cases: int, deliver: bool) -> dict:
    from django.db.models import Max

    from casedesk.cases.models import CaseEvent
    from casedesk.core import clock
    from casedesk.notify.models import Notification
    from casedesk.notify.services import deliver_due
    from casedesk.sla.models import Deadline
    from casedesk.sla.supervisor import run_pass

    at, due, nudged = instant_with_due(count)
    with clock.frozen(at):  # mail left by earlier runs out of the way: time only this pass's
        for _ in range(1000):
            if not deliver_due(limit=500).sent:
                break
    due_rows = list(
        Deadline.objects.active()
        .filter(due_at__lte=at)
        .values("id", "kind", "recipient", "case_id", "due_at")
    )
    max_n = Notification.objects.aggregate(m=Max("pk"))["m"] or 0
    max_e = CaseEvent.objects.aggregate(m=Max("pk"))["m"] or 0
    cpu = CpuClock()
    client0, server0 = cpu.read()
    started = time.perf_counter()
    result = run_pass(now=at)
    elapsed = time.perf_counter() - started
    client1, server1 = cpu.read()
    new_notes = Notification.objects.filter(pk__gt=max_n)
    new_events = Counter(CaseEvent.objects.filter(pk__gt=max_e).values_list("kind", flat=True))
    after = Deadline.objects.filter(pk__in=[r["id"] for r in due_rows])
    fired = after.filter(fired_at=at).count()
    cancelled = after.filter(cancelled_at=at).count()
    kinds = Counter(r["kind"] for r in due_rows)
    esc = Counter(r["recipient"] for r in due_rows if r["kind"] == "escalation")
    reassigned = sum(1 for line in result.lines if "action=reassigned" in line)
    figures = {
        "label": label,
        "open_cases": open_cases,
        "instant": at.isoformat(),
        "due": due,
        "ties_moved_1us": nudged,
        "cases": len({r["case_id"] for r in due_rows}),
        "fired": result.fired,
        "fired_at_instant": fired,
        "cancelled_by_earlier_firing": cancelled,
        "skipped": result.skipped,
        "seconds": round(elapsed, 3),
        "cpu_client_s": round(client1 - client0, 3),
        "cpu_server_s": round(server1 - server0, 3),
        "ms_per_deadline": round(elapsed * 1000 / max(1, result.fired), 3),
        "outbox_rows": new_notes.count(),
        "outbox_cc_rows": new_notes.filter(copy=True).count(),
        "events": dict(new_events),
        "kinds": dict(kinds.most_common()),
        "escalation_recipients": dict(esc.most_common()),
        "reassigned_by_chase": reassigned,
    }
    if deliver:
        pending = new_notes.filter(status="pending").count()
        started = time.perf_counter()
        sent = 0
        with clock.frozen(at):
            for _ in range(10_000):  # bounded
                d = deliver_due(limit=200)
                sent += d.sent
                if not d.sent and not d.failed:
                    break
        figures["mail"] = {
            "pending": pending,
            "sent": sent,
            "seconds": round(time.perf_counter() - started, 3),
        }
    return figures


def worker_latency(count: int, window: tuple[float, float], env: dict, log_dir: Path) -> dict:
    from django.db import connection, transaction

    from casedesk.cases.models import Case
    from casedesk.sla.models import Deadline

    real_now = dt.datetime.now(UTC)
    # Nothing else may fall due while we watch (T0 lies a day ahead; check anyway).
    horizon = real_now + dt.timedelta(seconds=window[1] + 600)
    stray = Deadline.objects.active().filter(due_at__lte=horizon).count()
    if stray:
        raise SystemExit(f"{stray} active deadline(s) due before {horizon}: bench data is stale")
    # One active deadline each on `count` CASEs opened before now, natural mix of kinds.
    live_cases = Case.objects.filter(created_at__lt=real_now - dt.timedelta(hours=1)).values("id")
    candidates = list(
        Deadline.objects.active()
        .filter(case_id__in=live_cases)
        .order_by("?")
        .values("id", "case_id", "kind", "recipient")[: count * 4]
    )
    chosen, seen = [], set()
    for row in candidates:
        if row["case_id"] not in seen:
            seen.add(row["case_id"])
            chosen.append(row)
        if len(chosen) == count:
            break
    log_path = log_dir / "worker.log"
    worker = [str(Path(sys.executable).parent / "casedesk"), "worker", "--no-tasks"]
    worker += ["--interval", "1"]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(worker, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        time.sleep(5)  # Django starts, the loop runs its first passes
        if proc.poll() is not None:
            raise SystemExit(f"the worker exited: see {log_path}")
        base = dt.datetime.now(UTC)
        lo, hi = window
        due_of = {}
        with transaction.atomic(), connection.cursor() as cursor:
            for i, row in enumerate(chosen):
                due = base + dt.timedelta(seconds=lo + (hi - lo) * i / max(1, len(chosen) - 1))
                due_of[row["id"]] = due
            cursor.executemany(
                "UPDATE sla_deadline SET due_at = %s WHERE id = %s",
                [(due, pk) for pk, due in due_of.items()],
            )
        seen_at: dict[int, dt.datetime] = {}
        limit = time.monotonic() + hi + 90
        ids = list(due_of)
        while len(seen_at) < len(ids) and time.monotonic() < limit:
            now = dt.datetime.now(UTC)
            for pk in Deadline.objects.filter(
                pk__in=[i for i in ids if i not in seen_at], fired_at__isnull=False
            ).values_list("pk", flat=True):
                seen_at[pk] = now
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
    fired = {
        pk: (fired_at, due_at)
        for pk, fired_at, due_at in Deadline.objects.filter(pk__in=list(due_of)).values_list(
            "pk", "fired_at", "due_at"
        )
    }
    lat = [(f - d).total_seconds() for f, d in fired.values() if f]
    seen = [(seen_at[pk] - due_of[pk]).total_seconds() for pk in seen_at]
    early = sum(1 for v in lat if v < 0)
    return {
        "deadlines": len(due_of),
        "fired": len(lat),
        "fired_early": early,
        "kinds": dict(Counter(r["kind"] for r in chosen).most_common()),
        "fired_minus_due_s": {
            "p50": round(pct(lat, 50), 3),
            "p95": round(pct(lat, 95), 3),
            "p99": round(pct(lat, 99), 3),
            "max": round(max(lat), 3) if lat else None,
        },
        "seen_committed_minus_due_s": {
            "p50": round(pct(seen, 50), 3),
            "p95": round(pct(seen, 95), 3),
            "p99": round(pct(seen, 99), 3),
            "max": round(max(seen), 3) if seen else None,
        },
        "worker_exit": proc.returncode,
        "worker_log_lines": sum(1 for _ in open(log_path)),
    }


# --- main -------------------------------------------------------------------------------------


class CpuClock:
    """CPU seconds spent by this process and by its PostgreSQL backend (same machine).

    On a shared machine wall time includes waiting for a core; CPU time does not, so the
    two together tell the work from the wait."""

    def __init__(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.pid = cursor.fetchone()[0]
        self.tick = os.sysconf("SC_CLK_TCK")

    def read(self) -> tuple[float, float]:
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            server = (int(fields[11]) + int(fields[12])) / self.tick
        except OSError:  # PostgreSQL on another machine: client side only
            server = float("nan")
        return time.process_time(), server


def recommend_cost(repeat: int = 20) -> dict:
    """What the 45-minute chase asks routing for, once per chased CASE (read only)."""
    from casedesk.cases.models import Case
    from casedesk.routing.selectors import recommend_engineers

    figures = {}
    for priority in ("P2", "P3"):
        case = Case.objects.filter(status="assigned", priority=priority).first()
        if case is None:
            continue
        recommend_engineers(case, fetched_by=None, exclude=[case.engineer_id])
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            recommend_engineers(case, fetched_by=None, exclude=[case.engineer_id])
            times.append(time.perf_counter() - started)
        figures[priority] = summary_ms(times)["p50_ms"]
    return figures


def quiet_instant() -> dt.datetime:
    """An instant at which nothing is due: just before the earliest active deadline."""
    from django.db.models import Min

    from casedesk.sla.models import Deadline

    first = Deadline.objects.active().aggregate(m=Min("due_at"))["m"]
    return first - dt.timedelta(milliseconds=1)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def measure(repeat: int, due_counts: str) -> dict:
    from casedesk.cases.models import Case

    entry: dict = {"open_cases": Case.objects.exclude(status__in=["resolved", "closed"]).count()}
    quiet = quiet_instant()
    entry["load_before"] = load_average()
    entry["empty_pass"] = empty_passes(quiet, repeat)
    entry["empty_pass"]["instant"] = quiet.isoformat()
    entry["due_query"] = due_query_plan(quiet)
    entry["chase_recommend"] = recommend_cost()
    e = entry["empty_pass"]
    out(
        f"  nothing due, {entry['open_cases']} open, {e['active_deadlines']} active of "
        f"{e['deadline_rows']} deadline rows: p50 {e['p50_ms']} ms, p95 {e['p95_ms']} ms, "
        f"max {e['max_ms']} ms over {e['n']} passes (CPU {e['cpu_ms_per_pass']} ms/pass); "
        f"{entry['due_query']['statements_per_pass']} statements; partial index used: "
        f"{entry['due_query']['uses_partial_index']} (load {entry['load_before']}); the "
        f"chase's recommend_engineers p50 ms: {entry['chase_recommend']}"
    )
    for line in entry["due_query"]["plan"]:
        out(f"    {line}")
    entry["due_passes"] = []
    for k in [int(x) for x in due_counts.split(",") if x]:
        r = due_pass(f"{k} due", k, entry["open_cases"], deliver=True)
        r["load_after"] = load_average()
        entry["due_passes"].append(r)
        out(
            f"  {r['due']} due on {r['cases']} CASEs: one pass {r['seconds']} s "
            f"({r['ms_per_deadline']} ms/deadline; CPU {r['cpu_client_s']} s here + "
            f"{r['cpu_server_s']} s PostgreSQL), fired {r['fired']}, cancelled by an earlier "
            f"firing {r['cancelled_by_earlier_firing']}, outbox {r['outbox_rows']} rows "
            f"({r['outbox_cc_rows']} CC), events {r['events']}, kinds {r['kinds']}, "
            f"escalations to {r['escalation_recipients']}, reassigned {r['reassigned_by_chase']}; "
            f"mail {r['mail']} (load {r['load_after']})"
        )
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--open", type=int, default=100_000, help="open CASEs (default 100000)")
    parser.add_argument("--small", type=int, default=10_000, help="first size measured")
    parser.add_argument("--repeat", type=int, default=300, help="empty passes per size")
    parser.add_argument("--due", default="100,1000,5000", help="due counts at --open")
    parser.add_argument("--due-small", default="1000", help="due counts at --small")
    parser.add_argument("--latency", type=int, default=1000, help="deadlines for the worker")
    parser.add_argument("--window", default="60,120", help="their due times, seconds ahead")
    parser.add_argument("--sample", type=int, default=3, help="CASEs per status×priority cell")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--at", help="bench instant T0 (ISO); default: next working day 10:30")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--reset", action="store_true", help="drop and recreate the database")
    mode.add_argument(
        "--reuse",
        action="store_true",
        help="measure the CASEs already there (a previous run's), writing none; each run "
        "moves the bench's instant on past the deadlines it fires",
    )
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument("--json", help="save the figures here")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is required")

    var_dir = Path(tempfile.mkdtemp(prefix="supervisor_bench_"))
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["CASEDESK_VAR_DIR"] = str(var_dir)
    os.environ["CASEDESK_EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    os.environ.setdefault("SECRET_KEY", "supervisor-bench")
    prepare_database(args.database_url, args.reset)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from casedesk.cases.models import Case
    from casedesk.core import clock
    from casedesk.notify.services import deliver_due

    call_command("migrate", "--no-input", verbosity=0)
    existing = Case.objects.count()
    if existing and not args.reuse:
        sys.exit("The database already has CASEs: --reset drops it, --reuse measures them.")
    if args.reuse and not existing:
        sys.exit("--reuse: the database has no CASEs yet.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(" on ")[0]
    git = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    figures: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": pg_version,
            "git": git,
        },
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "sizes": [],
    }
    zone = clock.desk_zone()

    if args.reuse:
        out(f"reusing {existing} CASEs ({figures['machine']})")
        figures["sizes"].append(measure(args.repeat, args.due))
    else:
        rng = random.Random(args.seed)
        t0 = (
            dt.datetime.fromisoformat(args.at).astimezone(UTC)
            if args.at
            else bench_instant(zone, dt.datetime.now(UTC))
        )
        figures["t0"] = t0.isoformat()
        out(f"bench instant T0 = {t0.astimezone(zone).isoformat()} ({figures['machine']})")
        started = time.monotonic()
        desk = make_desk(t0, rng)
        sample = open_sample(desk, rng, args.sample)
        figures["shape_check"] = check_shape(desk, sample)
        out(
            f"people ready, {len(sample)} CASEs opened through the product; the generator "
            f"agrees on all {figures['shape_check']['deadline_rows']} of their deadline rows "
            f"({time.monotonic() - started:.0f} s)"
        )
        with clock.frozen(t0):
            for _ in range(100):
                if not deliver_due(limit=500).sent:
                    break
        written = len(sample)
        stats_all: Counter = Counter()
        for size in [s for s in (args.small, args.open) if s]:
            out(f"writing {size - written} CASEs to reach {size} open …")
            t = time.monotonic()
            stats_all += write_cases(desk, rng, size - written)
            written = size
            analyze()
            out(f"  written and analyzed in {time.monotonic() - t:.0f} s: {dict(stats_all)}")
            counts = args.due if size == args.open else args.due_small
            figures["sizes"].append(measure(args.repeat, counts))
        figures["data"] = dict(stats_all)

    if not args.no_latency and args.latency:
        lo, hi = (float(x) for x in args.window.split(","))
        out(f"worker latency: {args.latency} deadlines due over the next {lo:.0f}–{hi:.0f} s …")
        figures["worker_latency"] = worker_latency(args.latency, (lo, hi), {**os.environ}, var_dir)
        figures["worker_latency"]["load_after"] = load_average()
        out(f"  {figures['worker_latency']}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str, ensure_ascii=False))
        out(f"figures saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
