"""The partner area and the desk's partner pages, in zh-hans and en."""

from __future__ import annotations

import pytest

from casedesk.cases.models import Case, WorkLog
from casedesk.partners import services
from casedesk.partners.models import Subcontract
from tests.factories import ContactFactory, client_for, make_case, make_user, page_text
from tests.partners.factories import make_partner, make_partner_engineer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org, other_org, duty):
    keeper = make_user("supervisor", username="sup")
    ours = make_partner(by=keeper)
    theirs = make_partner(code="SZNET", name="深圳网服", by=keeper)
    mine = make_case(
        contact=ContactFactory(organization=org), by=duty, title="广州机房核心交换机宕机"
    )
    other = make_case(
        contact=ContactFactory(organization=other_org), by=duty, title="深圳机房光模块告警"
    )
    services.subcontract_open(case=mine, partner=ours, reason="广州现场", by=duty)
    services.subcontract_open(case=other, partner=theirs, by=duty)
    return {"ours": ours, "mine": mine, "other": other, "keeper": keeper}


@pytest.mark.parametrize(
    ("language", "heading"), [("zh-hans", "分包给我们的 CASE"), ("en", "CASEs subcontracted to us")]
)
def test_partner_home_lists_only_their_cases(world, language, heading):
    gz = make_partner_engineer(world["ours"], "gz.li")
    text = page_text(client_for(gz, language).get("/partner/"))
    assert heading in text
    assert world["mine"].number in text and "广州机房核心交换机宕机" in text
    assert world["other"].number not in text and "深圳机房" not in text


def test_partner_engineer_lands_in_the_partner_area_and_not_the_console(world):
    gz = make_partner_engineer(world["ours"], "gz.li")
    client = client_for(gz, "zh-hans")
    assert client.get("/").url == "/partner/"
    assert client.get("/board/").status_code == 403
    assert client.get(f"/cases/{world['mine'].number}/").status_code == 403
    assert client.get("/partners/").status_code == 403
    assert client.get(f"/partner/cases/{world['other'].number}/").status_code == 404


def test_accept_log_and_resolve_in_the_partner_area(world):
    gz = make_partner_engineer(world["ours"], "gz.li")
    client = client_for(gz, "zh-hans")
    number = world["mine"].number
    page = page_text(client.get(f"/partner/cases/{number}/"))
    assert "受理截止" in page and "受理" in page
    assert client.post(f"/partner/cases/{number}/accept/").status_code == 302
    bad = client.post(
        f"/partner/cases/{number}/log/", {"kind": "remote", "minutes": "-5", "note": ""}
    )
    assert bad.status_code == 400 and WorkLog.objects.count() == 0
    done = client.post(
        f"/partner/cases/{number}/log/",
        {"kind": "onsite", "minutes": "60", "note": "现场更换光模块"},
    )
    assert done.status_code == 302
    early = client.post(f"/partner/cases/{number}/accept/")
    assert early.status_code == 409 and "处理中" in page_text(early)
    assert (
        client.post(
            f"/partner/cases/{number}/resolve/", {"solution": "光模块故障，已更换"}
        ).status_code
        == 302
    )
    case = Case.objects.get(number=number)
    assert case.status == "resolved" and Subcontract.objects.get(case=case).resolved_at


def test_the_desk_subcontracts_from_the_case_page_and_sees_figures(world, duty, org):
    case = make_case(contact=ContactFactory(organization=org), by=duty)
    client = client_for(duty, "zh-hans")
    page = page_text(client.get(f"/cases/{case.number}/"))
    assert "subcontract-form" in page and "广州网联技术服务有限公司" in page
    answer = client.post(
        f"/cases/{case.number}/subcontract/", {"partner": "GZNET", "reason": "就近服务"}
    )
    assert answer.status_code == 302
    assert "已分包给" in page_text(client.get(f"/cases/{case.number}/"))
    refused = client.post(f"/cases/{case.number}/subcontract/", {"partner": "SZNET"})
    assert refused.status_code == 409
    back = client.post(f"/cases/{case.number}/subcontract/withdraw/", {"reason": "客户要求"})
    assert back.status_code == 302 and Case.objects.get(pk=case.pk).partner is None
    unknown = client.post(f"/cases/{case.number}/subcontract/", {"partner": "NOSUCH"})
    assert unknown.status_code == 422
    keeper = client_for(world["keeper"], "en")
    figures = page_text(keeper.get("/partners/"))
    assert "Figures per partner per month" in figures and "GZNET" in figures
    dashboard = page_text(keeper.get("/dashboard/"))
    assert "Partners this month" in dashboard
