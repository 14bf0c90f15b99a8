"""POST /cases/{number}/assign and the tier rule: a P1/P2 CASE to a first-line engineer is
409 with a clear ``detail`` unless ``override_reason`` says why; the events show it."""

from __future__ import annotations

from tests.factories import database_snapshot, make_case


def test_assign_p1_to_first_line_needs_an_override_reason(api, contact, duty, engineer, senior):
    case = make_case(contact=contact, by=duty, priority="P1")
    desk = api(duty)
    before = database_snapshot()

    r = desk.post(f"/cases/{case.number}/assign", {"engineer": "eng1"})
    assert r.status_code == 409
    detail = r.json()["detail"]
    assert "P1 and P2 CASEs go to a senior engineer" in detail and "eng1" in detail
    assert database_snapshot() == before

    r = desk.post(
        f"/cases/{case.number}/assign",
        {"engineer": "eng1", "note": "已通知", "override_reason": "客户指定原项目工程师"},
    )
    assert r.status_code == 200, r.content
    assert (r.json()["engineer"], r.json()["status"]) == ("eng1", "assigned")
    events = desk.get(f"/cases/{case.number}/events").json()
    assigned = [e for e in events if e["kind"] == "assigned"]
    assert len(assigned) == 1 and assigned[0]["actor"] == "duty"
    assert assigned[0]["data"]["override"] == "tier"
    assert assigned[0]["data"]["override_reason"] == "客户指定原项目工程师"


def test_assign_p2_to_a_senior_needs_no_reason(api, contact, duty, senior):
    case = make_case(contact=contact, by=duty, priority="P2")
    r = api(duty).post(f"/cases/{case.number}/assign", {"engineer": "se1"})
    assert r.status_code == 200 and r.json()["engineer"] == "se1"


def test_override_reason_is_bounded_text(api, contact, duty, engineer, settings):
    case = make_case(contact=contact, by=duty, priority="P1")
    before = database_snapshot()
    long = "x" * (settings.CASEDESK_TEXT_MAX + 1)
    r = api(duty).post(
        f"/cases/{case.number}/assign", {"engineer": "eng1", "override_reason": long}
    )
    assert r.status_code in (400, 422) and r.json()["detail"]
    r = api(duty).post(f"/cases/{case.number}/assign", {"engineer": "eng1", "override_reason": 5})
    assert r.status_code in (400, 422) and r.json()["detail"]
    assert database_snapshot() == before


def test_the_openapi_schema_documents_override_reason(api, duty):
    schema = api(duty).get("/openapi.json").json()
    fields = schema["components"]["schemas"]["AssignIn"]["properties"]
    assert "override_reason" in fields and "first-line" in fields["override_reason"]["description"]
