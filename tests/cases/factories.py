"""Test data of ``cases``: CASEs opened through ``cases.services``, as the desk opens them."""

from __future__ import annotations

from casedesk.accounts.models import Contact, Organization, User
from casedesk.cases import services
from casedesk.cases.models import Case
from tests.accounts.factories import ContactFactory


def make_case(
    *,
    org: Organization | None = None,
    contact: Contact | None = None,
    by: User | None = None,
    **fields,
) -> Case:
    """An open CASE, opened by ``by`` (the system when None)."""
    if contact is None:
        contact = ContactFactory(organization=org) if org else ContactFactory()
    org = contact.organization
    defaults = {"title": "核心交换机故障", "priority": "P3", "channel": "phone"}
    defaults.update(fields)
    return services.case_open(organization=org, contact=contact, by=by, **defaults)
