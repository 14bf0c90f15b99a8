"""Test data of the roster: shifts written through ``roster.services`` (the system plans)."""

from __future__ import annotations

import datetime as dt

from casedesk.roster import services
from casedesk.roster.models import DutyShift


def make_shift(user, starts_at: dt.datetime, ends_at: dt.datetime, **fields) -> DutyShift:
    return services.shift_create(user=user, starts_at=starts_at, ends_at=ends_at, by=None, **fields)
