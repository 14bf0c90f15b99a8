"""Who belongs to the desk, and who may manage its customers (organizations, contacts).

The role groups below are the desk's own people; every app's rules let in the roles they
name, so a role added for a later domain may do and see nothing until its rules are written.
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from casedesk.core import policy

from .choices import MANAGER_ROLES, Role
from .models import Contact, Organization, User


class AccountAction(StrEnum):
    MANAGE_CUSTOMERS = "manage_customers"


# Who takes calls and dispatches: may open, grade and assign any CASE, chase it with work
# logs, and record the customer's consent, close and reopen it (SPEC §1: call takers and
# duty engineers "close CASEs after the customer agrees").
DISPATCHERS = frozenset({Role.CALL_TAKER, Role.DUTY_ENGINEER, Role.ADMIN}) | MANAGER_ROLES
# Who supervises CASEs: may also act on any CASE in the owner's stead (helpers, escalation,
# pend, resume, resolve) — everything but the owner's own accept and reassignment request.
SUPERVISORS = frozenset({Role.DUTY_ENGINEER, Role.ADMIN}) | MANAGER_ROLES
# The desk's own people.  A role not named here or as CUSTOMER (one added for a later domain)
# may do nothing and see nothing until its rules are written.
STAFF_ROLES = DISPATCHERS | SUPERVISORS | frozenset({Role.ENGINEER})


def _rule(user, action: str, obj) -> bool:
    return user.role in DISPATCHERS


def _organizations(user: User, qs: QuerySet[Organization]) -> QuerySet[Organization]:
    """Staff see every organization, a customer their own, any other role none."""
    if user.role in STAFF_ROLES:
        return qs
    if user.role == Role.CUSTOMER and user.organization_id is not None:
        return qs.filter(pk=user.organization_id)
    return qs.none()


def _contacts(user: User, qs: QuerySet[Contact]) -> QuerySet[Contact]:
    """Staff see every contact, a customer their own organization's, any other role none."""
    if user.role in STAFF_ROLES:
        return qs
    if user.role == Role.CUSTOMER and user.organization_id is not None:
        return qs.filter(organization_id=user.organization_id)
    return qs.none()


def _users(user: User, qs: QuerySet[User]) -> QuerySet[User]:
    """Staff see every user, a customer only themselves, any other role none."""
    if user.role in STAFF_ROLES:
        return qs
    if user.role == Role.CUSTOMER:
        return qs.filter(pk=user.pk)
    return qs.none()


policy.register(
    "accounts",
    {AccountAction.MANAGE_CUSTOMERS: gettext_lazy("manage customers")},
    _rule,
)
policy.register_visibility(Organization, _organizations)
policy.register_visibility(Contact, _contacts)
policy.register_visibility(User, _users)
