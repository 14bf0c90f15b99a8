"""The roster's panel on the manager dashboard: the holes (spans with no duty engineer on
shift) in the coming two weeks, for those who plan the roster."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from casedesk.core import clock, policy

from . import selectors
from .policy import RosterAction


def panels(request) -> list[SafeString]:
    user = request.user
    if not policy.can(user, RosterAction.PLAN):
        return []
    holes = selectors.holes(fetched_by=user, since=clock.now())
    return [render_to_string("roster/dashboard_holes.html", {"holes": holes}, request=request)]
