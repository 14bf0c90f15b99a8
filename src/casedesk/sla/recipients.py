"""Who a recipient role means for one CASE at one instant."""

from __future__ import annotations

import datetime as dt

from casedesk.accounts.choices import Role
from casedesk.accounts.models import User
from casedesk.accounts.selectors import users_with_role
from casedesk.roster.selectors import duty_call

from .choices import Recipient

ROLE_OF = {
    Recipient.CS_MANAGER: Role.CS_MANAGER,
    Recipient.SUPERVISOR: Role.SUPERVISOR,
    Recipient.GENERAL_MANAGER: Role.GENERAL_MANAGER,
}


def people(case, recipient: str, at: dt.datetime) -> list[User]:
    if recipient == Recipient.ENGINEER:
        return [case.engineer] if case.engineer_id and case.engineer.is_active else []
    if recipient == Recipient.DUTY_ENGINEER:
        return duty_call(at).people
    if recipient == Recipient.ENGINEER_MANAGER:
        staff = getattr(case.engineer, "staff", None) if case.engineer_id else None
        manager = staff.manager if staff is not None else None
        return [manager] if manager is not None and manager.is_active else []
    return users_with_role(ROLE_OF[recipient])


def roster_hole(roles, at: dt.datetime) -> bool:
    """Whether an alert to ``roles`` at ``at`` meant the duty engineer and found nobody on
    shift (so it went to every duty engineer and the supervisors): the alert says so."""
    return Recipient.DUTY_ENGINEER in roles and duty_call(at).hole
