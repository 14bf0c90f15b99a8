"""Test data of complaints, filed through ``complaints.services``."""

from __future__ import annotations

from casedesk.complaints import services
from tests.accounts.factories import OrganizationFactory
from tests.factories import make_user


def make_complaint(*, org=None, description="工程师未按时回电", source="phone", cases=(), by=None):
    org = org or OrganizationFactory()
    by = by or make_user("call_taker")
    return services.complaint_file(
        organization=org, description=description, source=source, cases=cases, by=by
    )
