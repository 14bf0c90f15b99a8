"""Which engineers suit a CASE: tier by severity, free capacity, then the lightest load."""

from __future__ import annotations

from django.db.models import Case, Count, F, Q, Value, When

from casedesk.accounts.choices import ASSIGNABLE_ROLES, Role, Tier
from casedesk.accounts.models import User
from casedesk.cases.choices import Priority, Status

LIVE = [Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING]


def recommend_engineers(case, *, exclude=(), limit: int = 10) -> list[User]:
    """Engineers who could take ``case`` now, best first.

    P1/P2 go to senior engineers (SE); P3/P4 to anyone.  Engineers at capacity are left
    out; engineers come before duty engineers and supervisors, then the lightest load.
    """
    qs = User.objects.filter(is_active=True, role__in=ASSIGNABLE_ROLES, staff__isnull=False)
    qs = qs.exclude(pk__in=[pk for pk in exclude if pk])
    if case.priority in (Priority.P1, Priority.P2):
        qs = qs.filter(staff__tier=Tier.SENIOR)
    qs = qs.annotate(load=Count("owned_cases", filter=Q(owned_cases__status__in=LIVE)))
    qs = qs.filter(load__lt=F("staff__capacity")).select_related("staff")
    # Engineers first; duty engineers and supervisors only when no engineer is free.
    desk_role = Case(When(role=Role.ENGINEER, then=Value(0)), default=Value(1))
    return list(qs.order_by(desk_role, "load", "username")[:limit])
