"""Which engineers suit a CASE: tier by severity, free capacity, then the lightest load."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count

from casedesk.accounts.choices import Role, Tier
from casedesk.accounts.models import User
from casedesk.accounts.selectors import assignable_staff
from casedesk.cases.choices import Priority, Status

LIVE = [Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING]


def recommend_engineers(
    case, *, exclude=(), limit: int = 10, staff: list[User] | None = None
) -> list[User]:
    """Engineers who could take ``case`` now, best first.

    P1/P2 go to senior engineers (SE); P3/P4 to anyone.  Engineers at capacity are left
    out; engineers come before duty engineers and supervisors, then the lightest load.
    ``staff``: everyone who can own CASEs (:func:`assignable_staff`), when the caller
    already has them (the supervisor, once a pass); loads are always read fresh.
    """
    excluded = {pk for pk in exclude if pk}
    senior_only = case.priority in (Priority.P1, Priority.P2)
    people = [
        u
        for u in (assignable_staff() if staff is None else staff)
        if u.pk not in excluded and (not senior_only or u.staff.tier == Tier.SENIOR)
    ]
    loads = live_loads(people)
    free = []
    for user in people:
        user.load = loads.get(user.pk, 0)
        if user.load < user.staff.capacity:
            free.append(user)
    # Engineers first; duty engineers and supervisors only when no engineer is free.
    free.sort(key=lambda u: (0 if u.role == Role.ENGINEER else 1, u.load, u.username))
    return free[:limit]


def live_loads(people: list[User]) -> dict[int, int]:
    """The live CASEs each of ``people`` (with ``staff``) owns, counted up to capacity.

    Up to the capacity is all a recommendation needs (at capacity is full, whatever the
    excess), so on PostgreSQL each count stops there: its cost follows the number of
    engineers, not the number of open CASEs (a chase on a desk with 100,000 open CASEs reads
    about a thousand index entries instead of all of them).  SQLite counts them all.
    """
    ids = [u.pk for u in people]
    if not ids:
        return {}
    if connection.vendor == "postgresql":
        from casedesk.cases.models import Case

        cap = max(u.staff.capacity for u in people)
        cases = connection.ops.quote_name(Case._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT u, (SELECT count(*) FROM (SELECT 1 FROM {cases} c"
                f" WHERE c.engineer_id = u AND c.status = ANY(%s) LIMIT %s) AS live)"
                f" FROM unnest(%s::bigint[]) AS u",
                [[str(s) for s in LIVE], cap, ids],
            )
            return dict(cursor.fetchall())
    rows = (
        User.objects.filter(pk__in=ids, owned_cases__status__in=LIVE)
        .values("pk")
        .annotate(n=Count("owned_cases"))
    )
    return {row["pk"]: row["n"] for row in rows}
