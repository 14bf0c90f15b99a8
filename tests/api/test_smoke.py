"""The story of issue 2 through the HTTP API: open, assign, call back, resolve, confirm, close."""


def test_full_lifecycle_is_recorded_in_history(api, call_taker, duty, engineer, customer, contact):
    taker, desk, eng, cust = api(call_taker), api(duty), api(engineer), api(customer)

    r = taker.post(
        "/cases",
        {
            "organization": "ACME",
            "contact": contact.pk,
            "title": "防火墙故障",
            "description": "ASA 断线",
            "priority": "P2",
            "channel": "phone",
        },
    )
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    assert r.json()["status"] == "open"

    # a P2 goes to a senior engineer: eng1 (first-line) takes it with a reason
    r = desk.post(f"/cases/{number}/assign", {"engineer": "eng1", "override_reason": "客户指定"})
    assert r.json()["status"] == "assigned"
    r = eng.post(
        f"/cases/{number}/worklogs", {"kind": "callback", "note": "回呼客户", "minutes": 10}
    )
    assert r.status_code == 201
    assert eng.get(f"/cases/{number}").json()["status"] == "in_progress"
    assert (
        eng.post(f"/cases/{number}/resolve", {"solution": "更换光模块"}).json()["status"]
        == "resolved"
    )
    assert desk.post(f"/cases/{number}/close").status_code == 409
    assert cust.post(f"/cases/{number}/confirm", {"note": "好了"}).status_code == 200
    r = desk.post(f"/cases/{number}/close")
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["closed_at"]

    events = desk.get(f"/cases/{number}/events").json()
    assert [(e["kind"], e["actor"]) for e in events] == [
        ("opened", "taker"),
        ("assigned", "duty"),
        ("work_logged", "eng1"),
        ("resolved", "eng1"),
        ("confirmed", "cust"),
        ("closed", "duty"),
    ]
