"""Test data of the roster: shifts written through ``roster.services`` (the system plans)."""

from __future__ import annotations

import datetime as dt

from casedesk.core.models import AuditRecord
from casedesk.roster import services
from casedesk.roster.models import DutyShift, Rotation, RotationMember
from tests.factories import database_snapshot


def make_shift(user, starts_at: dt.datetime, ends_at: dt.datetime, **fields) -> DutyShift:
    return services.shift_create(user=user, starts_at=starts_at, ends_at=ends_at, by=None, **fields)


def roster_snapshot() -> dict:
    """The desk's rows (``tests.factories.database_snapshot``) with the roster's and the
    audit trail's: what a refused request must leave as it was."""
    return {
        **database_snapshot(),
        "shifts": list(DutyShift.objects.order_by("pk").values()),
        "rotations": list(Rotation.objects.order_by("pk").values()),
        "members": list(RotationMember.objects.order_by("pk").values()),
        "audit": AuditRecord.objects.count(),
    }
