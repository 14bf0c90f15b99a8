"""Demo data: a service desk with three months of real history, one module per domain.

``load()`` builds a ``Desk`` (the moment, the seed, the people) and runs ``STEPS`` in order,
in one transaction: ``accounts`` creates the customers (gold 7×24 and silver 5×8
organizations with contacts and one customer login each) and the desk's staff (call taker,
duty engineers, first-line and senior engineers with skills, managers in a chain);
``roster`` the duty roster; ``cases`` plans about 300 CASEs over the last 90 days (and the
boxes they name), then plays them once the domains that come ``BEFORE_CASES`` (the
installed base) have made what a caller finds at the desk.
Everything goes through the domains' services with the clock frozen at the moment each step
happened, so every record is the one real use writes.

The same seed gives the same desk, CASE for CASE, relative to the moment it is loaded.  The
words come from ``casedesk.demo.content``, one module per domain.

A new domain brings its step in its own folder: ``casedesk/<app>/demo.py`` with
``load(desk)`` (made through its services, drawing on a ``random.Random(f"{desk.seed}:<app>")``
of its own so the CASEs stay the same) and, if it has something to report, ``summary()``.
``steps()`` runs those after the CASEs, in ``INSTALLED_APPS`` order (an app after the apps
it uses); a module with ``BEFORE_CASES = True`` runs before them instead.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Sum

from casedesk.accounts.models import Contact, Organization, StaffProfile, User
from casedesk.cases.choices import Status
from casedesk.cases.models import Case, CaseEvent, WorkLog
from casedesk.core import clock, discovery
from casedesk.roster.models import DutyShift

from . import accounts, cases, roster
from .content import accounts as A
from .desk import DAYS, DEFAULT_CASES, DEFAULT_SEED, Desk

__all__ = ["DAYS", "DEFAULT_CASES", "DEFAULT_SEED", "PASSWORD", "STEPS", "Desk", "Step"]
__all__ += ["Summary", "load", "logins", "present", "steps"]

PASSWORD = A.PASSWORD


@dataclass(frozen=True)
class Step:
    """One domain's demo data: ``load(desk)`` makes it through the domain's services;
    ``summary()``, if given, adds lines to what ``casedesk demo`` reports."""

    domain: str
    load: Callable[[Desk], object]
    summary: Callable[[], list[str]] | None = None


# In order: a step may use what the steps before it made (``desk.staff``, ``desk.orgs``,
# ``desk.boxes``).  The CASEs are planned before they are played, so that the domains that
# must exist before the first call (``BEFORE_CASES``: the installed base) come in between.
STEPS: tuple[Step, ...] = (
    Step("accounts", accounts.load),
    Step("roster", roster.load),
    Step("plan", cases.plan),
)
PLAY = Step("cases", cases.load)


def steps() -> tuple[Step, ...]:
    """``STEPS``, the domains' own steps that come ``BEFORE_CASES``, the CASEs, then the
    other domains' (``casedesk/<app>/demo.py``), each in ``INSTALLED_APPS`` order."""
    domains = discovery.app_modules("demo")

    def step(m) -> Step:
        return Step(m.__name__.split(".")[-2], m.load, getattr(m, "summary", None))

    before = tuple(step(m) for m in domains if getattr(m, "BEFORE_CASES", False))
    after = tuple(step(m) for m in domains if not getattr(m, "BEFORE_CASES", False))
    return (*STEPS, *before, PLAY, *after)


@dataclass
class Summary:
    organizations: int
    contacts: int
    staff: int
    customers: int
    shifts: int
    cases: int
    by_status: dict[str, int]
    by_priority: dict[str, int]
    by_escalation: dict[int, int]
    reopened: int
    worklogs: int
    minutes: int
    events: int
    seconds: float
    more: list[str]  # the domains' own lines (their steps' ``summary()``)

    def lines(self) -> list[str]:
        def fmt(counts: dict[Any, int]) -> str:
            return ", ".join(f"{k} {v}" for k, v in counts.items())

        return [
            f"{self.organizations} organizations, {self.contacts} contacts, "
            f"{self.staff} staff, {self.customers} customer logins, "
            f"{self.shifts} shifts on the duty roster",
            f"{self.cases} CASEs: {fmt(self.by_status)}",
            f"priorities: {fmt(self.by_priority)}",
            f"escalation levels: {fmt(self.by_escalation)}; reopened: {self.reopened}",
            f"{self.worklogs} work logs ({self.minutes // 60} h {self.minutes % 60} min), "
            f"{self.events} history events; {self.seconds:.1f} s",
            *self.more,
        ]


def logins() -> list[tuple[str, str]]:
    """(username, what they are) for every demo login; the password is ``demo``."""
    staff = [(s.username, s.title) for s in A.STAFF]
    customers = [(o.login, f"customer contact of {o.name} ({o.level})") for o in A.ORGS]
    return staff + customers


def present() -> list[str]:
    """The demo's logins and organization codes that already exist in the database."""
    usernames = [u for u, _ in logins()]
    users = User.objects.filter(username__in=usernames).values_list("username", flat=True)
    codes = [o.code for o in A.ORGS]
    orgs = Organization.objects.filter(code__in=codes).values_list("code", flat=True)
    return sorted(users, key=usernames.index) + sorted(orgs, key=codes.index)


def _summary(seconds: float, done: tuple[Step, ...]) -> Summary:
    cases = Case.objects.all()
    by_status = Counter(cases.values_list("status", flat=True))
    by_priority = Counter(cases.values_list("priority", flat=True))
    by_level = Counter(cases.values_list("escalation_level", flat=True))
    return Summary(
        organizations=Organization.objects.count(),
        contacts=Contact.objects.count(),
        staff=StaffProfile.objects.count(),
        customers=User.objects.filter(role="customer").count(),
        shifts=DutyShift.objects.count(),
        cases=cases.count(),
        by_status={s: by_status[s] for s in Status.values if by_status[s]},
        by_priority={p: by_priority[p] for p in sorted(by_priority)},
        by_escalation={lv: by_level[lv] for lv in sorted(by_level)},
        reopened=cases.filter(reopen_count__gt=0).count(),
        worklogs=WorkLog.objects.count(),
        minutes=WorkLog.objects.aggregate(m=Sum("minutes"))["m"] or 0,
        events=CaseEvent.objects.count(),
        seconds=seconds,
        more=[line for step in done if step.summary for line in step.summary()],
    )


def load(
    *, seed: int = DEFAULT_SEED, cases: int = DEFAULT_CASES, now: dt.datetime | None = None
) -> Summary:
    """Create the demo desk in one transaction; ``DomainError`` if a service refuses a step."""
    started = time.monotonic()
    desk = Desk(seed=seed, now=now or clock.now(), cases=cases)
    played = steps()
    with transaction.atomic():
        for step in played:
            step.load(desk)
    return _summary(time.monotonic() - started, played)
