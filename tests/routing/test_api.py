"""GET /api/v1/cases/{number}/recommendations: staff read the ranking, customers do not."""

from __future__ import annotations

from casedesk.accounts.models import Skill
from casedesk.api.urls import api as ninja_api
from tests.factories import ContactFactory, make_case, make_user
from tests.factories import database_snapshot as snapshot


def test_staff_read_the_ranked_engineers_with_reasons(api, duty, org, contact):
    se = make_user("engineer", username="se.zhao", tier="senior", skills=("security",))
    se.first_name, se.last_name = "刚", "赵"
    se.save()
    make_user("engineer", username="eng.li", tier="first_line")
    org.preferred_engineer = se
    org.save()
    case = make_case(
        contact=contact, title="ASA 防火墙宕机", hardware_platform="ASA 5525-X", priority="P1"
    )
    before = snapshot()
    response = api(duty).get(f"/cases/{case.number.lower()}/recommendations")
    assert response.status_code == 200
    body = response.json()
    assert [r["engineer"] for r in body] == ["se.zhao", "duty"]  # P1: senior engineers only
    top = body[0]
    assert top["name"] == "赵刚" and top["tier"] == "senior" and top["role"] == "engineer"
    assert top["skills"] == ["security"] and top["load"] == 0 and top["capacity"] == 8
    assert top["on_duty"] is False
    codes = {r["code"]: r for r in top["reasons"]}
    assert {"tier", "skills", "load", "preferred"} <= set(codes)
    assert codes["preferred"]["points"] > 0 and "preferred" in codes["preferred"]["text"]
    assert top["score"] == sum(r["points"] for r in top["reasons"])
    assert snapshot() == before  # reading changes nothing


def test_reasons_answer_in_chinese_when_asked(api, duty, contact):
    engineer = make_user("engineer", username="eng.li", tier="first_line")
    engineer.staff.skills.add(Skill.objects.get_or_create(code="security", name="安全")[0])
    case = make_case(contact=contact, title="VPN 隧道中断", hardware_platform="ASA 5525-X")
    client = api(duty)
    client.headers["Accept-Language"] = "zh-hans"
    body = client.get(f"/cases/{case.number}/recommendations").json()
    texts = {r["code"]: r["text"] for r in body[0]["reasons"]}
    assert texts["skills"].startswith("匹配此 CASE 的技能") and "security (ASA)" in texts["skills"]
    assert texts["tier"].startswith("一线工程师")


def test_the_owner_is_not_recommended_again(api, duty, engineer, contact):
    from casedesk.cases import services

    case = make_case(contact=contact, title="咨询")
    services.case_assign(case=case, engineer=engineer, by=duty)
    body = api(duty).get(f"/cases/{case.number}/recommendations").json()
    assert engineer.username not in [r["engineer"] for r in body]


def test_customers_are_refused(api, customer, contact, other_org):
    ours = make_case(contact=contact, title="咨询")
    theirs = make_case(contact=ContactFactory(organization=other_org), title="咨询")
    client = api(customer)
    response = client.get(f"/cases/{ours.number}/recommendations")
    assert response.status_code == 403 and "service desk" in response.json()["detail"]
    # another organization's CASE does not exist for this customer
    assert client.get(f"/cases/{theirs.number}/recommendations").status_code == 404


def test_an_unknown_case_is_404_and_no_token_is_401(api, duty, db):
    response = api(duty).get("/cases/C9999999/recommendations")
    assert response.status_code == 404 and response.json() == {"detail": "No CASE C9999999."}
    assert api(None).get("/cases/C9999999/recommendations").status_code == 401


def test_the_endpoint_is_in_the_openapi_schema(db):
    schema = ninja_api.get_openapi_schema(path_prefix="")
    operation = schema["paths"]["/cases/{number}/recommendations"]["get"]
    responses = {str(code): r for code, r in operation["responses"].items()}
    assert {"200", "401", "403", "404"} <= set(responses)
    ok = responses["200"]["content"]["application/json"]["schema"]
    assert ok["type"] == "array"
    item = schema["components"]["schemas"][ok["items"]["$ref"].rsplit("/", 1)[-1]]
    assert {"engineer", "name", "tier", "skills", "load", "on_duty", "score", "reasons"} <= set(
        item["properties"]
    )
