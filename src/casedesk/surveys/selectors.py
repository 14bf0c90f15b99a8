"""Survey answers as their readers may see them, and the results: CSAT (the share of 4 and
5), the average and the count per engineer, team, customer and month, and the low scores.

A team is the engineer's tier: the first-line engineers and the senior engineers (SE) are
the two teams a service manager runs here.  (Routing queues are not teams: they are intake
rules with no members, and a CASE does not keep the queue it matched.)  The tier is the
engineer's as the results are read; answers without an engineer form a group of their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from casedesk.accounts.choices import Tier
from casedesk.accounts.selectors import display_names
from casedesk.core import clock, policy

from .models import Survey


def answer_of_case(*, case, fetched_by) -> dict | None:
    """The CASE's last answered survey as ``{"score", "comment"}``, or None."""
    found = (
        policy.visible(fetched_by, Survey)
        .filter(case_id=case.pk, answered_at__isnull=False)
        .order_by("-answered_at", "-pk")
        .values("score", "comment")
        .first()
    )
    return dict(found) if found else None


def survey_of_case(*, case, fetched_by) -> Survey | None:
    """The CASE's latest survey (answered or not), for its page."""
    return (
        policy.visible(fetched_by, Survey)
        .filter(case_id=case.pk)
        .order_by("-sent_at", "-pk")
        .first()
    )


@dataclass
class Score:
    """Answers of one group: how many, their average and CSAT (share of 4–5)."""

    key: str
    label: str
    scores: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def average(self) -> float:
        return round(sum(self.scores) / len(self.scores), 2) if self.scores else 0.0

    @property
    def csat(self) -> float:
        """The share of 4 and 5, 0–1."""
        return round(sum(s >= 4 for s in self.scores) / len(self.scores), 3) if self.scores else 0.0


@dataclass
class Results:
    total: Score
    engineers: list[Score]
    teams: list[Score]
    customers: list[Score]
    months: list[Score]
    low: list[Survey]
    sent: int


def _team_label(tier: str, login: str | None) -> str:
    if tier in Tier.values:
        return str(Tier(tier).label)
    return _("no engineer") if not login else _("other staff")


def results(*, fetched_by, since: dt.datetime | None = None) -> Results:
    """Answers since ``since`` (default: a year back) per engineer, customer and month."""
    since = since or clock.now() - dt.timedelta(days=365)
    visible = policy.visible(fetched_by, Survey).filter(sent_at__gte=since)
    rows = list(
        visible.filter(answered_at__isnull=False).values_list(
            "score",
            "answered_at",
            "engineer__username",
            "engineer__staff__tier",
            "organization__code",
            "organization__name",
        )
    )
    total = Score("all", "")
    engineers: dict[str, Score] = {}
    teams: dict[str, Score] = {}
    customers: dict[str, Score] = {}
    months: dict[str, Score] = {}
    for score, at, login, tier, code, name in rows:
        total.scores.append(score)
        engineers.setdefault(login or "", Score(login or "", "")).scores.append(score)
        team = (tier or "") if login else ""
        teams.setdefault(team, Score(team, _team_label(team, login))).scores.append(score)
        customers.setdefault(code, Score(code, name)).scores.append(score)
        month = clock.local(at).strftime("%Y-%m")
        months.setdefault(month, Score(month, month)).scores.append(score)
    names = display_names(engineers)
    for s in engineers.values():
        s.label = names.get(s.key, s.key)
    low = list(
        visible.filter(score__lte=2)
        .select_related("case", "organization", "engineer", "complaint")
        .order_by("-answered_at")[:20]
    )

    def ranked(groups: dict[str, Score]) -> list[Score]:
        return sorted(groups.values(), key=lambda s: (-s.count, s.key))

    return Results(
        total=total,
        engineers=ranked(engineers),
        teams=ranked(teams),
        customers=ranked(customers),
        months=sorted(months.values(), key=lambda s: s.key, reverse=True),
        low=low,
        sent=visible.count(),
    )
