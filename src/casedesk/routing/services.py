"""Auto-assignment: the supervisor gives new CASEs of auto-assign queues to their top
recommended engineer, through ``cases.services.case_assign`` like any dispatcher.

Run from the supervisor's pass (every second in the worker, and by ``casedesk supervise``)
rather than from ``case_open``: a sweep needs no hook in the operation layer, a CASE opened
while nobody was free is assigned as soon as someone is, and a crashed worker loses
nothing (the CASE is still open and unassigned at the next pass).
"""

from __future__ import annotations

import logging
import time

from django.db import connection, transaction

from casedesk.accounts.choices import Tier
from casedesk.accounts.models import Skill
from casedesk.accounts.selectors import assignable_staff
from casedesk.cases import services as cases
from casedesk.cases.choices import Priority, Status
from casedesk.cases.models import Case
from casedesk.cases.selectors import missed_callback_by
from casedesk.core import clock
from casedesk.core.errors import DomainError

from .models import RoutingQueue
from .selectors import live_loads, recommendations
from .skills import skills_called_for

log = logging.getLogger(__name__)
BATCH = 200  # unassigned CASEs looked at per pass, oldest first
# Seconds of assigning per pass: a backlog (a queue switched on over hundreds of waiting
# CASEs) is worked off over several passes instead of holding up the deadlines.
BUDGET = 1.0


def queue_for(case: Case, queues: list[RoutingQueue], skills=None) -> RoutingQueue | None:
    """The first of ``queues`` (active, in position order) whose every condition holds."""
    called_for = None
    for queue in queues:
        if queue.organization_id and queue.organization_id != case.organization_id:
            continue
        if queue.service_level and queue.service_level != case.organization.service_level:
            continue
        if queue.channel and queue.channel != case.channel:
            continue
        if queue.priority and queue.priority != case.priority:
            continue
        if queue.skill is not None:
            if called_for is None:
                called_for = skills_called_for(case, skills)
            if queue.skill.code not in called_for:
                continue
        return queue
    return None


def auto_assign_pass() -> list[str]:
    """Assign open, unassigned CASEs whose queue auto-assigns, oldest first, for up to
    ``BUDGET`` seconds (at least one CASE); one line per CASE.

    Who has free capacity is read once a pass: a CASE for which nobody of the needed tier is
    free is left for the next pass without ranking anyone.  Each CASE is re-read under its
    lock (skipped if an operation or another worker holds it) and assigned only if it is
    still open with no engineer, so a dispatcher who got there first is never overruled.
    """
    queues = list(
        RoutingQueue.objects.filter(is_active=True)
        .select_related("skill")
        .order_by("position", "id")
    )
    if not any(q.auto_assign for q in queues):
        return []
    waiting = list(
        Case.objects.filter(status=Status.OPEN, engineer__isnull=True)
        .select_related("organization")
        .order_by("created_at", "id")[:BATCH]
    )
    if not waiting:
        return []
    staff = assignable_staff()
    loads = live_loads(staff)
    room = {u.pk: u.staff.capacity - loads.get(u.pk, 0) for u in staff}
    seniors = {u.pk for u in staff if u.staff.tier == Tier.SENIOR}
    skills = list(Skill.objects.values_list("code", "keywords"))
    lines: list[str] = []
    until = time.monotonic() + BUDGET
    for case in waiting:
        if lines and time.monotonic() > until:
            break  # the rest next pass
        free = {pk for pk, n in room.items() if n > 0}
        if not free:
            break
        if case.priority in (Priority.P1, Priority.P2) and not free & seniors:
            continue
        queue = queue_for(case, queues, skills)
        if queue is None or not queue.auto_assign:
            continue
        try:
            assigned = _assign_top(case, queue, staff)
        except DomainError as exc:  # the CASE changed under us: the next pass looks again
            log.warning("auto-assign of %s refused: %s", case.number, exc.detail)
            continue
        if assigned is not None:
            engineer, line = assigned
            room[engineer.pk] = room.get(engineer.pk, 0) - 1
            lines.append(line)
    return lines


def _assign_top(case: Case, queue: RoutingQueue, staff):
    """Assign the locked CASE to its top recommendation: ``(engineer, line)``, or None."""
    with transaction.atomic():
        locked = Case.objects.filter(pk=case.pk, status=Status.OPEN, engineer__isnull=True)
        if connection.features.has_select_for_update:
            # The CASE's row only: its organization's row is not ours to hold, and with
            # SKIP LOCKED another worker holding it would make this CASE look busy.
            of: tuple[str, ...] = ("self",) if connection.features.has_select_for_update_of else ()
            locked = locked.select_for_update(
                skip_locked=connection.features.has_select_for_update_skip_locked, of=of
            )
        current = locked.select_related("organization").first()
        if current is None:
            return None
        # Never to an engineer who let this CASE's callback run out before.
        missed = missed_callback_by(current)
        exclude = [u.pk for u in staff if u.username in missed] if missed else []
        ranked = recommendations(
            current, fetched_by=None, exclude=exclude, limit=1, staff=staff, now=clock.now()
        )
        if not ranked:
            return None
        best = ranked[0]
        system = {"code": "routing_assigned", "queue": queue.name}
        cases.case_assign(case=current, engineer=best.engineer, by=None, system=system)
    line = f"{current.number} auto-assigned to {best.engineer.username} (queue {queue.name})"
    return best.engineer, line
