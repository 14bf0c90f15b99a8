"""A CASE's deadlines as its page shows them: countdowns, paused, overdue, kept, sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from casedesk.accounts.models import User
from casedesk.caselist import selectors as caselist
from casedesk.cases.models import Case
from casedesk.core import clock
from casedesk.sla.choices import DeadlineKind, Recipient

from .case_common import _label
from .templatetags.console import countdown_text


def _parse(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


# Deadlines that are alarms, not promises: once fired they are done (the people were told),
# they are never "kept" later.
ALARMS = frozenset(
    {DeadlineKind.ESCALATION, DeadlineKind.CALLBACK_CHASE, DeadlineKind.CALLBACK_REASSIGN}
)


def deadlines(case: Case, user: User) -> list[dict[str, Any]]:
    """The CASE's deadlines: the live ones nearest first, then the kept and the sent ones.

    Running: a countdown to ``due_at``; paused: no due time while the clock is stopped;
    overdue: a promise past due and not kept yet; met: kept (perhaps late); sent: an alarm
    (escalation level, callback check) that fired.
    """
    now = clock.now()
    rows = []
    for row in caselist.deadlines_of(case, user):
        due, fired, met = _parse(row["due_at"]), _parse(row["fired_at"]), _parse(row["met_at"])
        if met is not None:
            state = "met"
        elif fired is not None and row["kind"] in ALARMS:
            state = "sent"
        elif due is None and fired is None:
            state = "paused"
        elif fired is not None or due <= now:
            state = "overdue"
        else:
            state = "running"
        rows.append(
            {
                "kind": row["kind"],
                "label": _label(DeadlineKind, row["kind"]),
                "recipient": _label(Recipient, row["recipient"]) if row["recipient"] else "",
                "due_at": due,
                "fired_at": fired,
                "met_at": met,
                "state": state,
                "remaining": countdown_text((due - now).total_seconds()) if due else "",
            }
        )
    order = {"overdue": 0, "running": 1, "paused": 2, "sent": 3, "met": 3}
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    rows.sort(key=lambda r: (order[r["state"]], r["due_at"] or far))
    for row in rows:
        row["live"] = row["state"] in ("overdue", "running", "paused")
    return rows
