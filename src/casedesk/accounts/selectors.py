"""Reads of people and organizations."""

from __future__ import annotations

import datetime as dt

from casedesk.errors import InvalidInput

from .choices import ASSIGNABLE_ROLES, Role
from .models import Contact, DutyShift, Organization, User


def organization_by_code(code: str) -> Organization:
    org = Organization.objects.filter(code=code).first()
    if org is None:
        raise InvalidInput(f"Unknown organization {code!r}.")
    return org


def contact_by_id(contact_id: int) -> Contact:
    contact = Contact.objects.select_related("organization").filter(pk=contact_id).first()
    if contact is None:
        raise InvalidInput(f"Unknown contact {contact_id}.")
    return contact


def engineer_by_username(username: str) -> User:
    """A user who can own a CASE (engineer, duty engineer or supervisor with a staff profile)."""
    user = (
        User.objects.select_related("staff")
        .filter(username=username, is_active=True, role__in=ASSIGNABLE_ROLES, staff__isnull=False)
        .first()
    )
    if user is None:
        raise InvalidInput(f"Unknown engineer {username!r}.")
    return user


def user_by_username(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise InvalidInput(f"Unknown user {username!r}.")
    return user


def duty_engineers_at(at: dt.datetime) -> list[User]:
    """The duty engineers on shift at ``at``; with no roster entry, every duty engineer."""
    on_shift = list(
        User.objects.filter(
            is_active=True,
            pk__in=DutyShift.objects.filter(starts_at__lte=at, ends_at__gt=at).values("user_id"),
        ).order_by("username")
    )
    if on_shift:
        return on_shift
    return list(User.objects.filter(is_active=True, role=Role.DUTY_ENGINEER).order_by("username"))


def users_with_role(role: str) -> list[User]:
    return list(User.objects.filter(is_active=True, role=role).order_by("username"))
