"""Who may read the manager dashboard: the policy's answer for every role."""

import pytest

from casedesk.accounts.choices import Role
from casedesk.core import policy
from casedesk.reports.policy import ReportAction
from tests.factories import OrganizationFactory, make_user

READERS = {Role.CS_MANAGER, Role.SUPERVISOR, Role.GENERAL_MANAGER, Role.ADMIN}


@pytest.mark.parametrize("role", list(Role))
def test_only_managers_and_admins_view_the_dashboard(db, role):
    org = OrganizationFactory() if role in (Role.CUSTOMER, Role.PARTNER) else None
    user = make_user(role, org=org)
    assert policy.can(user, ReportAction.VIEW_DASHBOARD) == (role in READERS)
    user.is_active = False
    assert not policy.can(user, ReportAction.VIEW_DASHBOARD)


def test_a_refusal_is_forbidden(db):
    from casedesk.core.errors import Forbidden

    with pytest.raises(Forbidden):
        policy.require(make_user(Role.ENGINEER), ReportAction.VIEW_DASHBOARD)
