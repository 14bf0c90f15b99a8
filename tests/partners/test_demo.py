"""The demo's partner: a subcontractor in 广州 with two engineers, rules, and 招商银行's live
CASEs subcontracted to it and worked by its engineers."""

import datetime as dt

import pytest

from casedesk import demo
from casedesk.accounts.models import User
from casedesk.cases.models import Case
from casedesk.core import audit, clock, policy
from casedesk.partners.models import Partner, Subcontract

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)


def test_the_demo_has_a_partner_whose_engineers_work_its_cases():
    with clock.frozen(NOW):
        summary = demo.load(seed=1, cases=120, now=NOW)
    assert any("subcontracted CASEs" in line for line in summary.more)
    partner = Partner.objects.get(organization__code="GZWL")
    assert partner.targets.count() == 4 and partner.rules.count() >= 1
    engineers = list(User.objects.filter(role="partner", organization=partner.organization))
    assert len(engineers) == 2
    subs = list(Subcontract.objects.filter(partner=partner))
    assert subs and all(s.case.partner_id == partner.organization_id for s in subs)
    assert any(s.accepted_by in engineers for s in subs)
    seen = set(policy.visible(engineers[0], Case).values_list("pk", flat=True))
    assert seen == {s.case_id for s in subs}
    assert audit.verify().ok
