"""Which engineers suit a CASE, best first, and why (SPEC §2 assignment rules).

Hard rules leave people out: P1/P2 go to senior engineers (SE) only, and an engineer whose
live CASEs reach their capacity takes no more.  Everyone else gets points, each with a
reason the desk can read:

==============  ======================================================================
tier            P3/P4: first-line engineers first, keeping SEs free for P1/P2 (+1)
skills          each skill the CASE's platform or text calls for (+3, at most two)
load            spare capacity: +16 with no live CASEs, less by the live CASEs weighted
                by severity (P1 4 … P4 1) as a share of the most the engineer could
                carry (4 × capacity): −0.5 a unit at the usual capacity of 8
on_duty         on a shift of the roster now (+3)
project         ran the customer's original project (+4)
preferred       the customer's preferred engineer (+5)
similar         resolved similar past CASEs for good, the customer's own counting 1.5×
                (up to +4)
==============  ======================================================================

Engineers come before duty engineers and supervisors (who own CASEs only when no engineer
is free); then the most points, the lightest load, the username.

Every reason's points are zero or more, so a score is never negative.  (The load used to
cost −0.5 a unit with no floor: a busy engineer showed −8, which read as "worse than no
one".  As spare capacity it ranks engineers of the same capacity exactly as before.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from casedesk.accounts.choices import Role, Tier
from casedesk.accounts.models import Organization, Skill, User
from casedesk.accounts.selectors import assignable_staff, skills_of
from casedesk.cases.choices import Priority, Status
from casedesk.cases.models import Case
from casedesk.core import clock, policy
from casedesk.core.errors import NotFound
from casedesk.roster import selectors as roster

from . import similarity
from .policy import RoutingAction
from .skills import skills_called_for

LIVE = [Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING]
SEVERITY_WEIGHT: dict[str, int] = {Priority.P1: 4, Priority.P2: 3, Priority.P3: 2, Priority.P4: 1}

POINTS_FIRST_LINE = 1.0
POINTS_SKILL = 3.0
MAX_SKILLS_COUNTED = 2
POINTS_SPARE_CAPACITY = 16.0
POINTS_ON_DUTY = 3.0
POINTS_PROJECT = 4.0
POINTS_PREFERRED = 5.0
POINTS_SIMILAR_MAX = 4.0
SAME_CUSTOMER_WEIGHT = 1.5


@dataclass
class Reason:
    code: str
    text: str
    points: float


@dataclass
class Recommendation:
    engineer: User
    load: int
    weighted_load: int
    on_duty: bool
    skills: list[str]
    reasons: list[Reason] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(r.points for r in self.reasons), 2)

    @property
    def capacity(self) -> int:
        return self.engineer.staff.capacity


def recommendations(
    case: Case,
    *,
    fetched_by: User | None,
    exclude=(),
    limit: int = 10,
    staff: list[User] | None = None,
    now: dt.datetime | None = None,
) -> list[Recommendation]:
    """The engineers who could take ``case`` now, best first, each with points and reasons.

    For ``fetched_by``, who must be allowed to see them for this CASE (staff; NotFound for a
    CASE they may not see, Forbidden otherwise); None is the system (automatic assignment,
    the callback chase).  The similar past CASEs a reason names are those they may see.
    ``staff``: everyone who can own CASEs (:func:`assignable_staff`), when the caller already
    has them (the supervisor, once a pass); loads, roster and history are always read fresh.
    """
    policy.require(fetched_by, RoutingAction.VIEW_RECOMMENDATIONS, case)
    now = now or clock.now()
    excluded = {pk for pk in exclude if pk}
    senior_only = case.priority in (Priority.P1, Priority.P2)
    people = [
        u
        for u in (assignable_staff() if staff is None else staff)
        if u.pk not in excluded and (not senior_only or u.staff.tier == Tier.SENIOR)
    ]
    loads = live_loads_by_priority(people)
    free = [u for u in people if sum(loads.get(u.pk, {}).values()) < u.staff.capacity]
    if not free:
        return []
    ids = [u.pk for u in free]
    skills = skills_of(ids)
    wanted = skills_called_for(case, list(Skill.objects.values_list("code", "keywords")))
    on_duty = _on_shift(ids, now)
    org = Organization.objects.filter(pk=case.organization_id).values_list(
        "preferred_engineer_id", "name"
    )
    preferred_id, org_name = org.first() or (None, "")
    project = set(
        Organization.project_engineers.through.objects.filter(
            organization_id=case.organization_id, user_id__in=ids
        ).values_list("user_id", flat=True)
    )
    successes = similarity.successes_by_engineer(case, fetched_by=fetched_by)

    ranked = []
    for user in free:
        by_priority = loads.get(user.pk, {})
        rec = Recommendation(
            engineer=user,
            load=sum(by_priority.values()),
            weighted_load=sum(SEVERITY_WEIGHT.get(p, 1) * n for p, n in by_priority.items()),
            on_duty=user.pk in on_duty,
            skills=skills.get(user.pk, []),
        )
        user.load = rec.load  # type: ignore[attr-defined]  # the supervisor's view
        _tier_reason(rec, case)
        _skill_reason(rec, wanted)
        _load_reason(rec, by_priority)
        if rec.on_duty:
            rec.reasons.append(Reason("on_duty", _("On shift now"), POINTS_ON_DUTY))
        if user.pk in project:
            text = _("Ran the original project of %(customer)s") % {"customer": org_name}
            rec.reasons.append(Reason("project", text, POINTS_PROJECT))
        if user.pk == preferred_id:
            text = _("The customer's preferred engineer")
            rec.reasons.append(Reason("preferred", text, POINTS_PREFERRED))
        _similar_reason(rec, successes.get(user.pk, []))
        if user.role != Role.ENGINEER:
            text = _("%(role)s: offered when no engineer is free") % {
                "role": user.get_role_display()
            }
            rec.reasons.append(Reason("role", text, 0.0))
        ranked.append(rec)
    ranked.sort(
        key=lambda r: (
            0 if r.engineer.role == Role.ENGINEER else 1,
            -r.score,
            r.weighted_load,
            r.engineer.username,
        )
    )
    return ranked[:limit]


def case_by_number(*, number: str, fetched_by: User | None) -> Case:
    """The CASE to rank engineers for, if ``fetched_by`` may see it (NotFound otherwise);
    without the deadlines and helpers a CASE page reads."""
    case = (
        policy.visible(fetched_by, Case)
        .select_related("organization")
        .filter(number=number.upper())
        .order_by()
        .first()
    )
    if case is None:
        raise NotFound(_("No CASE %(number)s.") % {"number": number})
    return case


def recommend_engineers(
    case, *, fetched_by: User | None, exclude=(), limit: int = 10, staff: list[User] | None = None
) -> list[User]:
    """The engineers of :func:`recommendations`, best first (each with ``load`` set)."""
    ranked = recommendations(case, fetched_by=fetched_by, exclude=exclude, limit=limit, staff=staff)
    return [r.engineer for r in ranked]


def _tier_reason(rec: Recommendation, case: Case) -> None:
    senior = rec.engineer.staff.tier == Tier.SENIOR
    if case.priority in (Priority.P1, Priority.P2):
        text = _("Senior engineer: %(priority)s CASEs go to SEs") % {"priority": case.priority}
        rec.reasons.append(Reason("tier", text, 0.0))
    elif not senior:
        text = _("First-line engineer: %(priority)s CASEs go to first-line engineers first") % {
            "priority": case.priority
        }
        rec.reasons.append(Reason("tier", text, POINTS_FIRST_LINE))


def _skill_reason(rec: Recommendation, wanted: dict[str, str]) -> None:
    matched = [code for code in rec.skills if code in wanted]
    if not matched:
        return
    counted = matched[:MAX_SKILLS_COUNTED]
    text = _("Skills for this CASE: %(skills)s") % {
        "skills": ", ".join(f"{code} ({wanted[code]})" for code in matched)
    }
    rec.reasons.append(Reason("skills", text, POINTS_SKILL * len(counted)))


def _spare_points(weighted_load: int, capacity: int) -> float:
    """Points for the share of the engineer's capacity still free, weighted by severity."""
    most = max(SEVERITY_WEIGHT.values()) * max(capacity, 1)
    return round(POINTS_SPARE_CAPACITY * max(0.0, 1 - weighted_load / most), 2)


def _load_reason(rec: Recommendation, by_priority: dict[str, int]) -> None:
    points = _spare_points(rec.weighted_load, rec.capacity)
    if not rec.load:
        rec.reasons.append(Reason("load", _("No live CASEs"), points))
        return
    parts = ", ".join(f"{by_priority[p]}×{p}" for p in sorted(by_priority))
    text = ngettext(
        "%(count)d live CASE (%(parts)s) of %(capacity)d, weighted load %(weighted)d",
        "%(count)d live CASEs (%(parts)s) of %(capacity)d, weighted load %(weighted)d",
        rec.load,
    ) % {
        "count": rec.load,
        "parts": parts,
        "capacity": rec.capacity,
        "weighted": rec.weighted_load,
    }
    rec.reasons.append(Reason("load", text, points))


def _similar_reason(rec: Recommendation, found: list[similarity.PastSuccess]) -> None:
    if not found:
        return
    best = found[0].score
    weight = sum(s.score / best * (SAME_CUSTOMER_WEIGHT if s.same_customer else 1) for s in found)
    numbers = ", ".join(s.number for s in found[:3]) + ("…" if len(found) > 3 else "")
    own = sum(1 for s in found if s.same_customer)
    values = {"count": len(found), "numbers": numbers, "own": own}
    if own:
        text = ngettext(
            "Resolved %(count)d similar CASE for good (%(own)d for this customer): %(numbers)s",
            "Resolved %(count)d similar CASEs for good (%(own)d for this customer): %(numbers)s",
            len(found),
        )
    else:
        text = ngettext(
            "Resolved %(count)d similar CASE for good: %(numbers)s",
            "Resolved %(count)d similar CASEs for good: %(numbers)s",
            len(found),
        )
    text %= values
    rec.reasons.append(Reason("similar", text, round(min(POINTS_SIMILAR_MAX, weight), 2)))


def _on_shift(ids: list[int], at: dt.datetime) -> set[int]:
    wanted = set(ids)
    return {p.user.pk for p in roster.on_duty(at) if p.user.pk in wanted}


def live_loads_by_priority(people: list[User]) -> dict[int, dict[str, int]]:
    """Per person (with ``staff``), their live CASEs by priority, up to the largest capacity.

    Up to the capacity is all a recommendation needs (at capacity is full, whatever the
    excess), so on PostgreSQL each person's CASEs are read up to there: the cost follows the
    number of engineers, not the number of open CASEs.  SQLite counts them all.
    """
    ids = [u.pk for u in people]
    if not ids:
        return {}
    out: dict[int, dict[str, int]] = {}
    if connection.vendor == "postgresql":
        cap = max(u.staff.capacity for u in people)
        cases = connection.ops.quote_name(Case._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT u, live.priority FROM unnest(%s::bigint[]) AS u"
                f" CROSS JOIN LATERAL (SELECT c.priority FROM {cases} c"
                f" WHERE c.engineer_id = u AND c.status = ANY(%s) LIMIT %s) AS live",
                [ids, [str(s) for s in LIVE], cap],
            )
            for user_id, priority in cursor.fetchall():
                counts = out.setdefault(user_id, {})
                counts[priority] = counts.get(priority, 0) + 1
        return out
    rows = (
        Case.objects.filter(engineer_id__in=ids, status__in=LIVE)
        .values("engineer_id", "priority")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        out.setdefault(row["engineer_id"], {})[row["priority"]] = row["n"]
    return out


def live_loads(people: list[User]) -> dict[int, int]:
    """The live CASEs each of ``people`` owns, counted up to capacity."""
    return {pk: sum(n.values()) for pk, n in live_loads_by_priority(people).items()}
