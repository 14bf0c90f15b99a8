"""The desk a demo is played on: its moment, its seed, its people and its working hours.

Every domain's demo module (see ``casedesk.demo.STEPS``) gets the one ``Desk``: the
accounts step fills ``staff`` and ``orgs``, later steps read them and ask it the time of
day (``daytime``, ``business``) and who is at the desk (``duty``, ``engineer``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

from casedesk.accounts.models import Contact, Organization, User
from casedesk.core import clock

from .content import accounts as A

DEFAULT_SEED = 2611
DEFAULT_CASES = 300
DAYS = 90


@dataclass
class Org:
    spec: A.OrgSpec
    org: Organization
    contacts: list[Contact]
    login: User

    @property
    def gold(self) -> bool:
        return self.spec.level == "gold"


@dataclass(frozen=True)
class Box:
    """A box the CASE story names by its serial number, at one of its organization's sites."""

    serial: str
    model: str
    vendor: str
    site: str  # in Chinese, as the customer's records have it


class Desk:
    def __init__(self, *, seed: int, now: dt.datetime, cases: int = DEFAULT_CASES):
        self.seed = seed
        self.now = now.replace(microsecond=0)
        self.cases = cases  # how many CASEs the cases step plays
        self.rng = random.Random(seed)
        self.zone = clock.desk_zone()
        self.staff: dict[str, User] = {}
        self.orgs: list[Org] = []
        self.load: Counter[str] = Counter()
        # The boxes the CASEs name, by organization code and serial number, planned before
        # any CASE is opened: an installed-base domain's demo (``BEFORE_CASES``) registers
        # them, so each CASE's entitlement is decided as it would be at a real desk.
        self.boxes: dict[str, dict[str, Box]] = {}
        self.runs: list = []  # the CASEs planned (demo.cases.plan), played by demo.cases.load

    @property
    def start(self) -> dt.datetime:
        """The history's first moment, ``DAYS`` before ``now``: a domain's ``demo.py`` (which
        may not import this package) dates its oldest records from here."""
        return self.now - dt.timedelta(days=DAYS)

    def name(self, username: str, lang: str) -> str:
        if lang == "en":
            return A.EN_NAMES[username]
        return self.staff[username].display_name

    # --- time --------------------------------------------------------------------------

    def local(self, at: dt.datetime) -> dt.datetime:
        return at.astimezone(self.zone)

    def daytime(self, at: dt.datetime) -> bool:
        """Weekday office hours, when the call taker and the day duty engineer are in."""
        t = self.local(at)
        return t.weekday() < 5 and dt.time(8, 30) <= t.time() < dt.time(18, 0)

    def business(self, at: dt.datetime, r: random.Random) -> dt.datetime:
        """``at``, or the start of the next 5×8 business period (Mon–Fri 09:00–17:30)."""
        t = self.local(at)
        if t.weekday() < 5 and dt.time(9, 0) <= t.time() < dt.time(17, 30):
            return at
        day = t.date() if t.time() < dt.time(9, 0) else t.date() + dt.timedelta(days=1)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        start = dt.datetime.combine(day, dt.time(9, 0), tzinfo=self.zone)
        return (start + dt.timedelta(minutes=r.uniform(3, 40))).astimezone(dt.UTC)

    def waking(self, at: dt.datetime, r: random.Random) -> dt.datetime:
        """``at``, or the next morning if it falls in the small hours (non-urgent gold work)."""
        t = self.local(at)
        if dt.time(8, 0) <= t.time() < dt.time(22, 0):
            return at
        day = t.date() if t.time() < dt.time(8, 0) else t.date() + dt.timedelta(days=1)
        start = dt.datetime.combine(day, dt.time(8, 30), tzinfo=self.zone)
        return (start + dt.timedelta(minutes=r.uniform(0, 60))).astimezone(dt.UTC)

    # --- who ---------------------------------------------------------------------------

    def dispatcher(self, at: dt.datetime, r: random.Random) -> User:
        if self.daytime(at):
            return self.staff["duty" if r.random() < 0.75 else "taker"]
        return self.staff["duty.liu"]

    def duty(self, at: dt.datetime) -> User:
        return self.staff["duty" if self.daytime(at) else "duty.liu"]

    def engineer(
        self,
        r: random.Random,
        skill: str,
        *,
        senior: bool,
        exclude: tuple[str, ...] = (),
        prefer: str | None = None,
    ) -> str:
        specs = {s.username: s for s in A.STAFF if s.role == "engineer"}
        tier = "senior" if senior else "first_line"
        pool = [
            u for u, s in specs.items() if s.tier == tier and skill in s.skills and u not in exclude
        ] or [u for u, s in specs.items() if s.tier == tier and u not in exclude]
        if prefer in pool and r.random() < 0.5:
            choice = prefer
        else:
            choice = r.choices(pool, weights=[1 / (1 + self.load[u]) for u in pool])[0]
        self.load[choice] += 1
        return choice
