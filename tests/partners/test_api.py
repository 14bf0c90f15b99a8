"""The partners API: bodies and statuses, bad input, and what a partner engineer reads."""

from __future__ import annotations

import pytest

from casedesk.cases import services as cases
from casedesk.cases.models import Case
from casedesk.partners import services
from casedesk.partners.models import Partner, Subcontract
from tests.factories import ContactFactory, database_snapshot, make_case, make_user
from tests.partners.factories import make_partner, make_partner_engineer

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    return make_user("supervisor", username="sup")


@pytest.fixture
def partner(supervisor):
    return make_partner(by=supervisor)


def test_create_partner_201_and_bad_input(api, supervisor):
    client = api(supervisor)
    answer = client.post(
        "/partners", {"code": "FS1", "name": "佛山合作伙伴", "email": "a@fs.example"}
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["code"] == "FS1" and answer.json()["is_active"] is True
    assert client.post("/partners", {"code": "FS1", "name": "x"}).status_code == 409
    bad = client.post("/partners", {"code": "FS2", "name": "x", "email": "nope"})
    assert bad.status_code == 422 and bad.json()["detail"]
    assert client.post("/partners", {"code": "FS3"}).status_code == 422  # no name, no org
    assert (
        api(make_user("engineer")).post("/partners", {"code": "FS4", "name": "x"}).status_code
        == 403
    )
    assert Partner.objects.count() == 1


def test_targets_looser_than_the_desk_are_422(api, supervisor, partner):
    client = api(supervisor)
    ok = client.post(
        "/partners/GZNET/targets",
        {"priority": "P1", "response_minutes": 5, "resolution_minutes": 60},
    )
    assert ok.status_code == 200
    assert {"priority": "P1", "response_minutes": 5, "resolution_minutes": 60} in ok.json()[
        "targets"
    ]
    loose = client.post(
        "/partners/GZNET/targets",
        {"priority": "P1", "response_minutes": 5, "resolution_minutes": 100000},
    )
    assert loose.status_code == 422 and "looser" in loose.json()["detail"]


def test_subcontract_and_withdraw(api, supervisor, partner, duty, contact):
    case = make_case(contact=contact, by=duty)
    client = api(duty)
    answer = client.post(
        f"/cases/{case.number}/subcontract", {"partner": "GZNET", "reason": "广州现场"}
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["partner"] == "GZNET" and body["status"] == "assigned"
    assert body["subcontract"]["respond_by"] and body["subcontract"]["resolve_by"]
    back = client.post(f"/cases/{case.number}/subcontract/withdraw", {"reason": "客户要求"})
    assert back.status_code == 200 and back.json()["partner"] is None
    assert back.json()["status"] == "open"


@pytest.mark.parametrize(
    ("what", "status"),
    [("unknown partner", 422), ("inactive partner", 422), ("closed CASE", 409), ("no reason", 422)],
)
def test_bad_subcontracts_are_4xx_and_change_nothing(
    api, supervisor, partner, duty, engineer, contact, what, status
):
    case = make_case(contact=contact, by=duty)
    body = {"partner": "GZNET", "reason": "x"}
    path = f"/cases/{case.number}/subcontract"
    if what == "unknown partner":
        body["partner"] = "NOSUCH"
    if what == "inactive partner":
        services.partner_set_active(partner=partner, active=False, by=supervisor)
    if what == "closed CASE":
        case = cases.case_assign(case=case, engineer=engineer, by=duty)
        case = cases.case_accept(case=case, by=engineer)
        case = cases.case_resolve(case=case, solution="ok", by=engineer)
        case = cases.case_confirm(case=case, note="电话确认", by=duty)
        case = cases.case_close(case=case, by=duty)
    if what == "no reason":  # a withdrawal needs its reason
        services.subcontract_open(case=case, partner=partner, by=duty)
        path, body = f"/cases/{case.number}/subcontract/withdraw", {"reason": ""}
    before = database_snapshot()
    answer = api(duty).post(path, body)
    assert answer.status_code == status, answer.content
    assert answer.json()["detail"]
    assert database_snapshot() == before


def test_rules_api(api, supervisor, partner, org):
    client = api(supervisor)
    made = client.post("/partners/GZNET/rules", {"customer": org.code, "region": "广州"})
    assert made.status_code == 201 and made.json()["customer"] == org.code
    assert client.post("/partners/GZNET/rules", {}).status_code == 422
    assert client.post("/partners/GZNET/rules", {"customer": "NOSUCH"}).status_code == 422
    assert client.delete(f"/partner-rules/{made.json()['id']}").status_code == 204
    assert client.delete(f"/partner-rules/{made.json()['id']}").status_code == 404


def test_a_partner_engineer_lists_reads_and_searches_only_their_cases(
    api, supervisor, partner, duty, org, other_org
):
    other = make_partner(code="SZNET", name="深圳网服", by=supervisor)
    ours = make_case(
        contact=ContactFactory(organization=org), by=duty, title="广州机房核心交换机宕机"
    )
    theirs = make_case(
        contact=ContactFactory(organization=other_org), by=duty, title="深圳机房交换机宕机"
    )
    desks = make_case(contact=ContactFactory(organization=org), by=duty, title="北京机房交换机宕机")
    services.subcontract_open(case=ours, partner=partner, by=duty)
    services.subcontract_open(case=theirs, partner=other, by=duty)
    client = api(make_partner_engineer(partner, "gz.li"))

    listed = client.get("/cases")
    assert listed.status_code == 200
    assert [c["number"] for c in listed.json()["items"]] == [ours.number]
    assert client.get(f"/cases/{ours.number}").status_code == 200
    assert client.get(f"/cases/{theirs.number}").status_code == 404
    assert client.get(f"/cases/{desks.number}").status_code == 404
    found = client.get("/cases", {"q": "交换机"})
    assert [c["number"] for c in found.json()["items"]] == [ours.number]
    assert client.get(f"/cases/{theirs.number}/subcontract").status_code == 404
    assert [p["code"] for p in client.get("/partners").json()] == ["GZNET"]
    assert client.get("/partners/SZNET").status_code == 404
    assert client.get("/reports/partners").status_code == 403
    # they work it through the CASE's own endpoints
    assert client.post(f"/cases/{ours.number}/accept", {}).status_code == 200
    logged = client.post(
        f"/cases/{ours.number}/worklogs", {"kind": "remote", "note": "远程检查", "minutes": 20}
    )
    assert logged.status_code in (200, 201), logged.content
    assert client.post(f"/cases/{ours.number}/priority", {"priority": "P1"}).status_code == 403
    assert Subcontract.objects.get(case=ours).accepted_at is not None


def test_figures_per_partner_per_month(api, supervisor, partner, duty, contact):
    case = make_case(contact=contact, by=duty)
    services.subcontract_open(case=case, partner=partner, by=duty)
    gz = make_partner_engineer(partner)
    case = cases.case_accept(case=Case.objects.get(pk=case.pk), by=gz)
    cases.case_resolve(case=case, solution="已修复", by=gz)
    rows = api(supervisor).get("/reports/partners").json()
    assert len(rows) == 1
    row = rows[0]
    assert row["partner"] == "GZNET" and row["subcontracted"] == 1
    assert row["accepted"] == 1 and row["resolved"] == 1 and row["response_breaches"] == 0
