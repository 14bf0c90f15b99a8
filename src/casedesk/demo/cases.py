"""Demo data of ``cases``: about 300 CASEs opened over the last 90 days, played through
``cases.services``.

Each CASE's life is planned first (``_script``: open, assign, call back, work, escalate,
pend, resolve, confirm, close, sometimes reopen), cut to the state it should be in now
(``_cut``), and then every CASE's steps are played in time order with the clock frozen at
the moment each happened, so its history (events, work logs, escalations, reopenings) is
the one the operation layer writes for real use.  The words come from ``content.cases``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from casedesk.accounts.models import Contact, User
from casedesk.cases import services as ops
from casedesk.cases.choices import Channel, EscalationTarget, PendingReason, WorkLogKind
from casedesk.cases.models import Case
from casedesk.core import clock
from casedesk.core.errors import DomainError
from casedesk.vendors import services as vendors
from casedesk.vendors.choices import SEVERITY_OF_PRIORITY
from casedesk.vendors.models import Vendor, VendorCase

from .content import accounts as A
from .content import cases as C
from .desk import DAYS, Box, Desk, Org

K = WorkLogKind

# Local hour weights of when problems are reported.
HOURS_GOLD = (1, 1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 9, 6, 8, 10, 10, 9, 7, 5, 4, 3, 3, 2, 1)
HOURS_SILVER = (0, 0, 0, 0, 0, 0, 0.3, 1, 6, 10, 10, 8, 4, 8, 10, 9, 7, 2, 1, 1, 0.5, 0.5, 0.3, 0)
PRIORITY_WEIGHTS = {"P1": 7, "P2": 20, "P3": 43, "P4": 30}
# The newest CASEs, so that every live state is on the board whenever the demo is loaded:
# (target state, min age h, max age h, gold organizations only, note)
FRONT: tuple[tuple[str, float, float, bool, str], ...] = (
    ("open", 0.05, 0.4, True, ""),
    ("open", 0.2, 1.5, True, ""),
    ("open", 0.5, 3.0, True, ""),
    ("assigned", 0.3, 1.0, True, ""),
    ("assigned", 0.5, 4.0, True, ""),
    ("assigned", 1.0, 9.0, True, ""),
    ("assigned", 50.0, 120.0, True, "reopen"),
    ("in_progress", 1.0, 6.0, True, ""),
    ("in_progress", 6.0, 30.0, False, ""),
    ("in_progress", 30.0, 100.0, False, "senior"),
    ("pending", 24.0, 160.0, False, "customer"),
    ("pending", 48.0, 200.0, False, "vendor"),
    ("pending", 48.0, 240.0, False, "parts"),
    ("resolved", 6.0, 40.0, False, ""),
    ("resolved", 24.0, 120.0, False, ""),
    ("resolved", 48.0, 200.0, False, ""),
)
LIVE_TARGETS = {"in_progress", "pending"}
# The share of CASEs naming a serial number the installed base does not know (a box bought
# elsewhere, a typo on the phone): they open flagged as uncovered.
UNREGISTERED = 0.06


@dataclass
class _Step:
    at: dt.datetime
    label: str  # the CASE's state after this step ("confirmed" between resolved and closed)
    fn: Callable[..., Any]
    kwargs: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Run:
    """One CASE being played: its plan and, once opened, the CASE."""

    index: int
    rng: random.Random
    org: Org
    contact: Contact
    problem: C.Problem
    priority: str
    channel: str
    lang: str
    target: str
    note: str
    created: dt.datetime
    vars: dict[str, str] = field(default_factory=dict)
    steps: list[_Step] = field(default_factory=list)
    case: Case | None = None


def _created_at(desk: Desk, r: random.Random, org: Org) -> dt.datetime:
    today = desk.local(desk.now).date()
    day = today - dt.timedelta(days=r.randint(1, DAYS - 2))
    if day.weekday() >= 5 and r.random() < 0.65:
        day -= dt.timedelta(days=day.weekday() - 4)  # most weekend trouble waits for Friday
    hours = HOURS_GOLD if org.gold else HOURS_SILVER
    hour = r.choices(range(24), weights=hours)[0]
    at = dt.datetime.combine(
        day, dt.time(hour, r.randrange(60), r.randrange(60)), tzinfo=desk.zone
    ).astimezone(dt.UTC)
    if at > desk.now - dt.timedelta(hours=2):
        at = desk.now - dt.timedelta(hours=r.uniform(2, 20))
    return at.replace(microsecond=0)


def _runs(desk: Desk, count: int) -> list[_Run]:
    front = FRONT[: max(0, min(len(FRONT), count - 1))]
    runs = []
    for i in range(count):
        r = random.Random(f"{desk.seed}:{i}")
        if i < len(front):
            target, lo, hi, gold_only, note = front[i]
        else:
            target, lo, hi, gold_only, note = "", 0.0, 0.0, False, ""
        orgs = [o for o in desk.orgs if o.gold or not gold_only]
        org = r.choices(orgs, weights=[o.spec.weight for o in orgs])[0]
        if target:
            created = (desk.now - dt.timedelta(hours=r.uniform(lo, hi))).replace(microsecond=0)
        else:
            created = _created_at(desk, r, org)
        age = (desk.now - created).total_seconds() / 86400
        if not target:
            target = _target_for(r, age)
        priority = r.choices(list(PRIORITY_WEIGHTS), weights=list(PRIORITY_WEIGHTS.values()))[0]
        problems = [
            p
            for p in C.PROBLEMS
            if priority in p.priorities
            and (note != "parts" or p.rma)
            and (note != "vendor" or p.vendor)
            and (note != "senior" or priority in ("P3", "P4"))
        ]
        if not problems:  # the front's special cases pick their own priority
            problems = [
                p
                for p in C.PROBLEMS
                if (note != "parts" or p.rma)
                and (note != "vendor" or p.vendor)
                and (note != "senior" or {"P3", "P4"} & set(p.priorities))
            ]
            problem = r.choices(problems, weights=[p.weight for p in problems])[0]
            priority = problem.priorities[-1]
        else:
            problem = r.choices(problems, weights=[p.weight for p in problems])[0]
        lang = "en" if org.spec.lang == "en" or r.random() < 0.15 else "zh"
        run = _Run(
            index=i,
            rng=r,
            org=org,
            contact=r.choice(org.contacts),
            problem=problem,
            priority=priority,
            channel=_channel(desk, r, org, priority, created, target),
            lang=lang,
            target=target,
            note=note,
            created=created,
        )
        run.vars = _variables(desk, run)
        runs.append(run)
    runs.sort(key=lambda run: (run.created, run.index))
    return runs


def _target_for(r: random.Random, age_days: float) -> str:
    weights: dict[str, float]
    if age_days < 1:
        weights = {"in_progress": 45, "pending": 5, "resolved": 20, "closed": 30}
    elif age_days < 7:
        weights = {"in_progress": 30, "pending": 15, "resolved": 17, "closed": 38}
    elif age_days < 30:
        weights = {"in_progress": 7, "pending": 7, "resolved": 4, "closed": 82}
    else:
        weights = {"pending": 1.5, "resolved": 1, "closed": 97.5}
    return r.choices(list(weights), weights=list(weights.values()))[0]


def _channel(
    desk: Desk, r: random.Random, org: Org, priority: str, created: dt.datetime, target: str
) -> str:
    if target == "open":  # nobody has looked at it yet: it came in by itself
        channel = r.choice([Channel.WEB, Channel.EMAIL, Channel.API])
    elif priority == "P1":
        channel = Channel.PHONE if r.random() < 0.9 else Channel.EMAIL
    else:
        channel = r.choices(
            [Channel.PHONE, Channel.EMAIL, Channel.WEB, Channel.API, Channel.FAX],
            weights=[50, 22, 18, 5, 5],
        )[0]
    if channel == Channel.API and org.spec.code not in ("CTBJ", "NWT"):
        channel = Channel.WEB  # only these two have their NMS connected to the desk
    if channel == Channel.FAX and org.spec.lang == "en":
        channel = Channel.EMAIL
    if (
        not org.gold
        and channel in (Channel.PHONE, Channel.FAX)
        and desk.business(created, r) != created
    ):
        channel = Channel.WEB if r.random() < 0.5 else Channel.EMAIL
    return channel


def _serial(r: random.Random, platform: C.Platform) -> str:
    return (
        f"{platform.serial_prefix}{r.randint(15, 23):02d}{r.randint(1, 52):02d}"
        f"{''.join(r.choices('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', k=4))}"
    )


def _box(desk: Desk, run: _Run, platform: C.Platform, serial: str) -> tuple[str, int | None]:
    """The serial number the CASE names and the index of its site: mostly one of the one to
    three boxes of this platform its organization has (registered in ``desk.boxes`` for the
    installed base), sometimes one nobody registered (``serial``, its site unknown)."""
    org = run.org.spec
    pick = random.Random(f"{desk.seed}:{run.index}:box")
    if pick.random() < UNREGISTERED:
        return serial, None
    owned = random.Random(f"{desk.seed}:{org.code}:{platform.name}")
    pool = [(_serial(owned, platform), owned.randrange(len(org.sites))) for _ in range(3)]
    chosen, site = pool[min(int(pick.triangular(0, 3, 0)), 2)]
    desk.boxes.setdefault(org.code, {})[chosen] = Box(
        serial=chosen, model=platform.name, vendor="Cisco", site=org.sites[site][0]
    )
    return chosen, site


def _variables(desk: Desk, run: _Run) -> dict[str, str]:
    r, p = run.rng, run.problem
    platform = r.choice(p.platforms)
    version = r.choice(platform.versions)
    site_zh, site_en = r.choice(run.org.spec.sites)
    serial, site = _box(desk, run, platform, _serial(r, platform))
    if site is not None:  # the trouble is where the box is
        site_zh, site_en = run.org.spec.sites[site]
    family = next((f for f in _IFACES if platform.name.startswith(f)), "")
    iface = r.choice(_IFACES[family]).format(r.randint(1, 48))
    hhmm = (desk.local(run.created) - dt.timedelta(minutes=r.randint(5, 50))).strftime("%H:%M")
    skill_zh, skill_en = A.SKILL_NAMES[p.skill]
    en = run.lang == "en"
    return {
        "platform": platform.name,
        "version": version,
        "sn": serial,
        "iface": iface,
        "ip": f"{r.choice(['203.0.113', '198.51.100', '192.0.2'])}.{r.randint(2, 254)}",
        "vlan": str(r.randint(100, 999)),
        "site": site_en if en else site_zh,
        "part": p.part,
        "bug": r.choice(C.BUGS),
        "fixver": C.FIXED.get(platform.name, C.DEFAULT_FIXED),
        "vref": f"TAC 6{r.randint(80000000, 99999999)}",
        "rma": f"8{r.randint(10000000, 99999999)}",
        "caller": run.contact.name,
        "hhmm": hhmm,
        "skill": skill_en if en else skill_zh,
        "contract": run.org.spec.contract,
        "sev": run.priority[1],
    }


class _Plan:
    """Writes one CASE's steps in time order, tracking its owner and state."""

    def __init__(self, desk: Desk, run: _Run):
        self.desk = desk
        self.run = run
        self.r = run.rng
        self.t = run.created
        self.owner: str | None = None
        self.level = 0
        self.priority = run.priority
        self.pend_reason = ""

    # time and words

    def wait(self, lo: float, hi: float, *, work: bool = True) -> None:
        """Let ``lo``–``hi`` minutes pass; engineers' work respects the service hours."""
        t = self.t + dt.timedelta(minutes=self.r.uniform(lo, hi))
        if work:
            if not self.run.org.gold:
                t = self.desk.business(t, self.r)
            elif self.priority in ("P3", "P4"):
                t = self.desk.waking(t, self.r)
        self.t = max(t, self.t + dt.timedelta(seconds=1)).replace(microsecond=0)

    def say(self, phrase: Any, **extra: str) -> str:
        if isinstance(phrase, list):
            phrase = self.r.choice(phrase)
        if isinstance(phrase, tuple):
            phrase = phrase[1] if self.run.lang == "en" else phrase[0]
        return phrase.format(**{**self.run.vars, **extra})

    def who(self, username: str) -> dict[str, str]:
        return {
            "eng": self.desk.name(username, self.run.lang),
            "eng_phone": self.desk.staff[username].staff.phone,
        }

    def do(self, label: str, fn: Callable[..., Any], **kwargs: Any) -> None:
        meta = {"owner": self.owner, "reason": self.pend_reason}
        self.run.steps.append(_Step(self.t, label, fn, kwargs, meta))

    def user(self, username: str) -> User:
        return self.desk.staff[username]

    # the pieces of a CASE's life

    def open(self) -> None:
        run, p = self.run, self.run.problem
        by: User | None
        if run.channel in (Channel.PHONE, Channel.FAX):
            # The call taker answers the hotline by day, the duty engineer at night.
            by = self.user("taker") if self.desk.daytime(self.t) else self.desk.duty(self.t)
        elif run.channel in (Channel.WEB, Channel.API):
            by = run.org.login
        else:
            by = None  # the mail gateway
        fields = {
            "organization": run.org.org,
            "contact": run.contact,
            "title": self.say((p.title_zh, p.title_en))[:200],
            "priority": run.priority,
            "channel": run.channel,
            "by": by,
            "description": self.say((p.desc_zh, p.desc_en)),
            "hardware_platform": run.vars["platform"],
            "software_version": run.vars["version"],
            "serial_number": run.vars["sn"],
            "contract_id": run.org.spec.contract,
        }
        self.do("open", _open, run=run, **fields)
        if run.channel in (Channel.WEB, Channel.API, Channel.EMAIL) and self.r.random() < 0.3:
            self.wait(2, 20, work=False)
            self.do(
                "open",
                ops.case_log_work,
                kind=K.NOTE,
                note=self.say(C.T["customer_note"]),
                minutes=0,
                by=run.org.login,
            )

    def assign(self) -> None:
        p = self.run.problem
        fast = {"P1": (1, 4), "P2": (1, 6), "P3": (2, 8), "P4": (2, 9)}[self.priority]
        self.wait(*fast, work=False)
        if not self.run.org.gold:
            self.t = self.desk.business(self.t, self.r)
        by = self.desk.dispatcher(self.t, self.r)
        senior = self.priority in ("P1", "P2") or self.r.random() < 0.2
        prefer = _FAVOURITE[self.run.org.spec.code][1 if senior else 0]
        eng = self.desk.engineer(self.r, p.skill, senior=senior, prefer=prefer)
        note = C.T["assign_note"][1 if eng == prefer else 0]
        if self.r.random() < 0.05:
            note = C.T["assign_note"][2]
        self.do("assigned", ops.case_assign, engineer=self.user(eng), by=by, note=self.say(note))
        self.owner = eng
        self.notify(by)

    def notify(self, by: User) -> None:
        assert self.owner
        self.wait(0.5, 3, work=False)
        self.do(
            "assigned",
            ops.case_log_work,
            kind=K.PHONE,
            note=self.say(C.T["notify"], **self.who(self.owner)),
            minutes=self.r.randint(1, 3),
            by=by,
        )

    def callback(self) -> None:
        assert self.owner
        # Minutes from the CASE's opening: the desk calls back within the 15 promised, mostly.
        lo, hi = {"P1": (4, 11), "P2": (5, 13), "P3": (6, 14), "P4": (7, 14)}[self.priority]
        if self.r.random() < 0.08:
            lo, hi = 17, 70  # late: the supervision reports have something to show
        spent = (self.t - self.run.created).total_seconds() / 60
        lo = max(0.5, lo - spent)
        self.wait(lo, max(lo + 0.5, hi - spent), work=not self.run.org.gold)
        owner = self.user(self.owner)
        if self.r.random() < 0.25:
            self.do("accepted", ops.case_accept, by=owner)  # the callback follows at once
            self.wait(1, 6, work=False)
        self.do(
            "in_progress",
            ops.case_log_work,
            kind=K.CALLBACK,
            note=self.say(C.T["callback"]),
            minutes=self.r.randint(5, 20),
            by=owner,
        )

    def work(self, step: C.WorkStep) -> None:
        assert self.owner
        gap = {"P1": (10, 40), "P2": (20, 120), "P3": (40, 420), "P4": (60, 1200)}
        self.wait(*gap[self.priority])
        minutes = self.r.randint(*step.minutes)
        self.do(
            self.state(),
            ops.case_log_work,
            kind=step.kind,
            note=self.say((step.zh, step.en)),
            minutes=minutes,
            by=self.user(self.owner),
            internal=step.internal,
        )
        self.t += dt.timedelta(minutes=minutes)

    def state(self) -> str:
        return "pending" if self.pend_reason else "in_progress"

    def log(self, kind: str, phrase: Any, lo: int, hi: int, by: str | None = None) -> None:
        self.do(
            self.state(),
            ops.case_log_work,
            kind=kind,
            note=self.say(phrase),
            minutes=self.r.randint(lo, hi),
            by=self.user(by or self.owner or "duty"),
        )

    def pend(self, reason: str, lo: float, hi: float) -> None:
        """Wait ``lo``–``hi`` hours for the customer, the vendor or parts, chasing once."""
        assert self.owner
        self.wait(5, 60)
        self.pend_reason = reason
        self.do(
            "pending",
            ops.case_pend,
            reason=reason,
            note=self.say(C.T["pend"][reason]),
            by=self.user(self.owner),
        )
        length = self.r.uniform(lo, hi) * 60
        if length > 24 * 60:
            self.wait(length / 2, length / 2)
            self.log(K.PHONE, C.T["pend_chase"][reason], 5, 15)
            self.wait(length / 2, length / 2)
        else:
            self.wait(length, length)
        self.pend_reason = ""
        self.do(
            "in_progress",
            ops.case_resume,
            note=self.say(C.T["resume"][reason]),
            by=self.user(self.owner),
        )

    def escalate_senior(self) -> None:
        """P3/P4 beyond the first line: flagged, then the duty engineer hands it to an SE."""
        assert self.owner
        p = self.run.problem
        se = self.desk.engineer(self.r, p.skill, senior=True, exclude=(self.owner,))
        self.wait(30, 240)
        duty = self.desk.duty(self.t)
        if self.r.random() < 0.6:
            self.do(
                "in_progress",
                ops.case_escalate,
                target=EscalationTarget.SENIOR,
                reason=self.say(C.T["esc_senior"]),
                by=self.user(self.owner),
            )
            self.wait(5, 40, work=False)
            duty = self.desk.duty(self.t)
            self.do(
                "assigned",
                ops.case_assign,
                engineer=self.user(se),
                by=duty,
                note=self.say(C.T["esc_assign"], **self.who(se)),
            )
        else:
            self.do(
                "assigned",
                ops.case_escalate,
                target=EscalationTarget.SENIOR,
                reason=self.say(C.T["esc_senior"]),
                engineer=self.user(se),
                by=duty,
            )
        self.level = 1
        self.owner = se
        self.notify(duty)
        self.callback()

    def escalate_vendor(self) -> None:
        assert self.owner
        self.wait(30, 180)
        # One way to the vendor: a Cisco TAC case (vendors/demo.py made the vendor), which
        # escalates the CASE; the TAC's answer is its update, late when it took long.
        self.do(
            "in_progress",
            _to_tac,
            reference=self.run.vars["vref"].removeprefix("TAC "),
            sent=self.say(C.T["esc_vendor"]),
            by=self.user(self.owner),
        )
        self.level = 2
        self.wait(2, 10, work=False)
        self.log(K.PHONE, C.T["vendor_log"], 15, 40)
        if self.r.random() < 0.7 or self.run.target == "pending":
            self.pend(PendingReason.VENDOR, 8, 96)
        else:
            self.wait(120, 600)
        self.do(
            "in_progress",
            _tac_answered,
            reference=self.run.vars["vref"].removeprefix("TAC "),
            note=self.say(C.T["vendor_back"]),
            by=self.user(self.owner),
        )
        self.log(K.REMOTE, C.T["vendor_back"], 20, 60)

    def rma(self) -> None:
        self.wait(10, 90)
        self.log(K.RMA, C.T["rma_log"], 15, 40)
        self.pend(PendingReason.PARTS, 10, 72)
        self.wait(30, 240)
        self.log(K.ONSITE, C.T["rma_swap"], 60, 180)
        self.t += dt.timedelta(minutes=90)

    def helper(self) -> None:
        assert self.owner
        p = self.run.problem
        helper = self.desk.engineer(
            self.r, p.skill, senior=self.r.random() < 0.6, exclude=(self.owner,)
        )
        self.wait(10, 60)
        self.do(
            self.state(), ops.case_add_helper, helper=self.user(helper), by=self.user(self.owner)
        )
        self.wait(20, 120)
        self.log(K.REMOTE, C.T["helper_log"], 20, 60, by=helper)

    def reassign(self) -> None:
        assert self.owner
        self.wait(10, 60)
        self.do(
            "in_progress",
            ops.case_request_reassignment,
            reason=self.say(C.T["reassign"]),
            by=self.user(self.owner),
        )
        self.wait(10, 60, work=False)
        duty = self.desk.duty(self.t)
        tier = self.user(self.owner).staff.tier
        new = self.desk.engineer(
            self.r, self.run.problem.skill, senior=tier == "senior", exclude=(self.owner,)
        )
        self.do(
            "assigned",
            ops.case_assign,
            engineer=self.user(new),
            by=duty,
            note=self.say(C.T["reassigned"], **self.who(new)),
        )
        self.owner = new
        self.notify(duty)
        self.callback()

    def set_priority(self) -> None:
        self.wait(10, 90, work=False)
        by = self.desk.dispatcher(self.t, self.r)
        if self.priority == "P3" and self.user(self.owner or "duty").staff.tier == "senior":
            new, phrase = "P2", C.T["prio_up"]
        elif self.priority in ("P2", "P3"):
            new, phrase = {"P2": "P3", "P3": "P4"}[self.priority], C.T["prio_down"]
        else:
            return
        self.do(self.state(), ops.case_set_priority, priority=new, reason=self.say(phrase), by=by)
        self.priority = new

    def resolve(self) -> None:
        assert self.owner
        p = self.run.problem
        self.wait(20, 180)
        self.do(
            "resolved",
            ops.case_resolve,
            solution=self.say((p.solution_zh, p.solution_en)),
            by=self.user(self.owner),
        )

    def confirm_and_close(self) -> None:
        run = self.run
        self.wait(30, 1440)
        if run.channel in (Channel.WEB, Channel.API) or self.r.random() < 0.3:
            self.do(
                "confirmed",
                ops.case_confirm,
                note=self.say(C.T["confirm_customer"]),
                by=run.org.login,
            )
            self.wait(10, 600, work=False)
        else:
            by = self.desk.duty(self.t)
            self.do("confirmed", ops.case_confirm, note=self.say(C.T["confirm_desk"]), by=by)
            self.wait(2, 60, work=False)
        if not run.org.gold:
            self.t = self.desk.business(self.t, self.r)
        closer = self.user("csm") if self.r.random() < 0.05 else self.desk.duty(self.t)
        self.do("closed", ops.case_close, by=closer)

    def again(self) -> None:
        """After a reopening: the same engineer calls back, works, resolves."""
        self.notify(self.desk.duty(self.t))
        self.callback()
        self.work(self.r.choice(self.run.problem.steps))
        self.resolve()


# Interface names by platform family (how the platform's name starts).
_IFACES = {
    "Catalyst 6": ("Gi3/{}", "Te5/{}", "Gi4/{}"),
    "Catalyst": ("Gi1/0/{}", "Te1/1/{}"),
    "Nexus": ("Eth1/{}", "Eth2/{}"),
    "": ("Gi0/0/{}", "Te0/1/{}"),
}

# Each customer's engineers from its original project: (first-line, senior).
_FAVOURITE = {
    "CTBJ": ("eng.li", "se.zhao"),
    "CMB": ("eng.wang", "se.zhao"),
    "NWT": ("eng.zhang", "se.zhou"),
    "RHYY": ("eng.zhang", "se.sun"),
    "YJDX": ("eng.li", "se.sun"),
    "PJWL": ("eng.wang", "se.zhou"),
}


def _open(*, case: Case | None, run: _Run, **fields: Any) -> Case:
    run.case = ops.case_open(**fields)
    return run.case


def _goodwill(*, case: Case | None, reason: str, by: User) -> None:
    """The CS manager serves an urgent CASE as goodwill when it opened uncovered by a
    contract that has ended (decided at intake: known only now, as the CASE is played)."""
    assert case is not None
    kept = case.entitlement or {}
    if kept.get("entitled") is False and kept.get("reason") == "expired":
        ops.case_approve_goodwill(case=case, reason=reason, by=by)


def _script(desk: Desk, run: _Run) -> None:
    """Write the CASE's whole life, then keep it up to the target state."""
    r, p = run.rng, run.problem
    plan = _Plan(desk, run)
    plan.open()
    if run.target != "open":
        plan.assign()
        if r.random() < 0.05:
            plan.log(K.NOTE, C.T["internal"], 0, 5, by=desk.duty(plan.t).username)
            run.steps[-1].label = "assigned"
            run.steps[-1].kwargs["internal"] = True
        plan.callback()
        if plan.priority in ("P1", "P2"):
            plan.do(plan.state(), _goodwill, reason=plan.say(C.T["goodwill"]), by=desk.staff["csm"])
        first_line = desk.staff[plan.owner or ""].staff.tier == "first_line"
        low = plan.priority in ("P3", "P4")
        vendor = p.vendor == "always" or run.note == "vendor"
        if p.vendor == "maybe" and not vendor:
            vendor = r.random() < (0.45 if not low else 0.25)
        if low and not first_line:
            # cases.services wants a P3/P4 escalated to a senior engineer before the vendor,
            # even when a senior engineer owns it from the start: such CASEs stay in house.
            vendor = False
        senior = low and first_line and (vendor or run.note == "senior" or r.random() < 0.15)
        rma = p.rma
        customer_wait = run.note == "customer" or r.random() < 0.1
        if run.target == "pending" and not (vendor or rma or customer_wait):
            customer_wait = True
        if r.random() < 0.06 and not (senior or vendor):
            plan.set_priority()
        if r.random() < 0.03 and plan.priority != "P1":
            plan.reassign()
        steps = list(p.steps)
        plan.work(steps.pop(0))
        if r.random() < (0.2 if plan.priority in ("P1", "P2") else 0.05):
            plan.helper()
        if senior or (vendor and desk.staff[plan.owner or ""].staff.tier != "senior"):
            plan.escalate_senior()
        if customer_wait:
            plan.pend(PendingReason.CUSTOMER, 4, 72)
        if vendor:
            plan.escalate_vendor()
        for step in steps:
            if step.kind == K.ONSITE and rma:
                continue
            plan.work(step)
        if rma:
            plan.rma()
        plan.resolve()
        reopen = run.note == "reopen" or (run.target == "closed" and r.random() < 0.05)
        if reopen and r.random() < 0.5:
            plan.wait(60, 1440, work=False)
            plan.do(
                "assigned",
                ops.case_reopen,
                reason=plan.say(C.T["reopen_customer"]),
                by=run.org.login,
            )
            plan.again()
            reopen = False
        plan.confirm_and_close()
        if reopen:
            plan.wait(1440, 5 * 1440, work=False)
            by = desk.staff["csm"] if r.random() < 0.4 else desk.duty(plan.t)
            plan.do("assigned", ops.case_reopen, reason=plan.say(C.T["reopen_desk"]), by=by)
            plan.again()
            plan.confirm_and_close()
    _cut(desk, run, plan)


def _cut(desk: Desk, run: _Run, plan: _Plan) -> None:
    """Keep the steps up to the target state, add the waiting, and end before now.

    A CASE whose target state would only be reached after now stops where now finds it
    (a silver CASE mailed on Friday night is still open on Saturday).  The newest CASEs
    (``FRONT``) must reach their state, so their lives are squeezed into the time there was.
    """
    r, steps = run.rng, run.steps
    limit = desk.now - dt.timedelta(minutes=2)
    at = [i for i, s in enumerate(steps) if s.label == run.target]
    if not at:
        raise RuntimeError(f"demo CASE {run.index}: no step reaches {run.target}")
    in_time = [i for i in at if steps[i].at <= limit]
    if not in_time and run.index < len(FRONT):
        # Move the whole life back by whole days (7×24) or weeks (5×8), so it keeps its
        # office hours and reaches its state before now.
        step = dt.timedelta(days=1 if run.org.gold else 7)
        late = steps[at[0]].at - limit
        shift = step * -(-late // step)
        for s in steps:
            s.at -= shift
        run.created -= shift
        in_time = [i for i in at if steps[i].at <= limit]
    if in_time:
        last = (
            in_time[-1] if run.target not in LIVE_TARGETS or r.random() < 0.5 else r.choice(in_time)
        )
    else:
        last = max(i for i, s in enumerate(steps) if s.at <= limit)
        run.target = steps[last].label
    del steps[last + 1 :]
    # A CASE still in hand is chased now and then until today.
    horizon = desk.now - dt.timedelta(hours=r.uniform(2, 30))
    owner = steps[-1].meta["owner"]
    plan.t = steps[-1].at
    chase = 0
    while run.target in LIVE_TARGETS | {"resolved"} and chase < 4:
        plan.wait(40 * 60, 100 * 60)
        if plan.t > horizon:
            break
        chase += 1
        if run.target == "resolved":
            by = desk.duty(plan.t)
            phrase = C.T["remind_confirm"]
            kind = K.NOTE
        elif run.target == "pending":
            reason = steps[-1].meta["reason"]
            by, phrase, kind = desk.staff[owner], C.T["pend_chase"][reason], K.PHONE
        else:
            by, phrase, kind = desk.staff[owner], C.T["followup"], K.PHONE
        steps.append(
            _Step(
                plan.t,
                run.target,
                ops.case_log_work,
                {"kind": kind, "note": plan.say(phrase), "minutes": r.randint(3, 15), "by": by},
                dict(steps[-1].meta),
            )
        )
    previous = None
    for s in steps:
        if previous is not None and s.at <= previous:
            s.at = previous + dt.timedelta(seconds=1)
        previous = s.at
    if steps[-1].at > limit:
        raise RuntimeError(f"demo CASE {run.index}: its life runs past now")


def _to_tac(*, case: Case, reference: str, sent: str, by: User) -> None:
    """The CASE goes to Cisco TAC: a vendor case at the severity its priority says."""
    vendors.vendor_case_open(
        case=case,
        vendor=Vendor.objects.get(code="CISCO"),
        reference=reference,
        severity=SEVERITY_OF_PRIORITY[case.priority],
        sent=sent,
        by=by,
    )


def _tac_answered(*, case: Case, reference: str, note: str, by: User) -> None:
    """TAC's answer is its update, and closes the vendor case (a CASE still waiting for
    the vendor keeps its vendor case open, its next update due)."""
    vendor_case = VendorCase.objects.get(vendor__code="CISCO", reference=reference)
    vendors.vendor_case_update(vendor_case=vendor_case, note=note, by=by)
    vendors.vendor_case_close(vendor_case=vendor_case, by=by)


def plan(desk: Desk) -> None:
    """Plan ``desk.cases`` CASEs (the boxes they name into ``desk.boxes``)."""
    desk.runs = _runs(desk, desk.cases)


def load(desk: Desk) -> None:
    """Play the planned CASEs: every step in time order; ``DomainError`` names the CASE and
    the step if a service refuses one."""
    runs = desk.runs or _runs(desk, desk.cases)
    for run in runs:
        _script(desk, run)
    steps = sorted(
        ((s.at, run.index, n, run, s) for run in runs for n, s in enumerate(run.steps)),
        key=lambda item: item[:3],
    )
    for at, _, _, run, step in steps:
        with clock.frozen(at):
            try:
                step.fn(case=run.case, **step.kwargs)
            except DomainError as exc:
                raise DomainError(
                    f"demo CASE {run.case.number if run.case else run.index}: "
                    f"{step.fn.__name__} at {clock.iso_utc(at)} refused: {exc.detail}"
                ) from exc
