"""Assigning from the ranked engineers, and recording that the engineer was phoned."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from casedesk.cases import services
from casedesk.cases.models import Case, WorkLog
from casedesk.roster.models import DutyShift
from tests.factories import client_for, database_snapshot, make_case, make_user
from tests.factories import page_text as text


def ranked_usernames(response) -> list[str]:
    return re.findall(
        r'<input type="hidden" name="engineer" value="([^"]+)">', response.content.decode()
    )


@pytest.fixture
def desk(db, duty):
    """Two senior engineers and two first-line engineers; se.busy already carries CASEs."""
    people = {
        "se.free": make_user(
            "engineer", username="se.free", tier="senior", skills=("routing", "security")
        ),
        "se.busy": make_user("engineer", username="se.busy", tier="senior", skills=("wireless",)),
        "eng.a": make_user("engineer", username="eng.a", tier="first_line", skills=("switching",)),
        "eng.b": make_user("engineer", username="eng.b", tier="first_line"),
    }
    for _ in range(3):
        services.case_assign(case=make_case(), engineer=people["se.busy"], by=duty)
    return people


def test_the_ranked_list_shows_tier_skills_load_and_duty(call_taker, duty, desk, contact):
    case = make_case(contact=contact, by=call_taker, priority="P3")
    from casedesk.core import clock

    now = clock.now()
    DutyShift.objects.create(
        user=desk["eng.b"],
        starts_at=now - dt.timedelta(hours=4),
        ends_at=now + dt.timedelta(hours=4),
    )
    response = client_for(duty).get(f"/cases/{case.number}/assign/")
    assert response.status_code == 200
    ranked = ranked_usernames(response)
    # engineers before duty engineers, lightest load first; se.busy (3 CASEs) after the free
    assert ranked.index("se.busy") > max(ranked.index(u) for u in ("se.free", "eng.a", "eng.b"))
    body = text(response)
    assert "Senior engineer (SE)" in body and "First-line engineer" in body
    assert "routing, security" in body and "switching" in body
    assert "3/8" in body
    row = body[body.index("eng.b") : body.index("eng.b") + 400]
    assert "on duty" in row


def test_p1_and_p2_are_offered_senior_engineers_only(call_taker, duty, desk, contact):
    case = make_case(contact=contact, by=call_taker, priority="P1")
    ranked = ranked_usernames(client_for(duty).get(f"/cases/{case.number}/assign/"))
    assert ranked[:2] == ["se.free", "se.busy"]  # engineers first, the lightest load first
    assert "eng.a" not in ranked and "eng.b" not in ranked  # first-line: not for P1


def test_one_click_assigns_and_leads_to_the_phone_call(call_taker, duty, desk, contact):
    case = make_case(contact=contact, by=call_taker, priority="P2")
    client = client_for(duty)
    response = client.post(f"/cases/{case.number}/assign/", {"engineer": "se.free"})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/#phoned"
    case.refresh_from_db()
    assert (case.status, case.engineer.username) == ("assigned", "se.free")
    page = text(client.get(f"/cases/{case.number}/"))
    assert f"{case.number} assigned to se.free" in page
    assert 'id="phoned"' in page

    response = client.post(f"/cases/{case.number}/phoned/", {"minutes": "2", "note": "已确认接单"})
    assert response.status_code == 302
    log = WorkLog.objects.get(case=case)
    assert (log.author, log.kind, log.minutes, log.internal) == (duty, "phone", 2, True)
    # The person's note is stored as written; the call itself is data, worded when read.
    assert log.note == "已确认接单"
    event = case.events.get(kind="work_logged")
    assert event.data["system"] == {"code": "phoned_engineer", "engineer": "se.free", "phone": ""}
    page = text(client.get(f"/cases/{case.number}/"))
    assert "Phoned engineer se.free" in page


def test_assign_to_someone_not_ranked(call_taker, duty, desk, contact):
    case = make_case(contact=contact, by=call_taker, priority="P3")
    client = client_for(duty)
    page = client.get(f"/cases/{case.number}/assign/").content.decode()
    assert '<option value="se.busy">' in page
    assert 'id="tier-warning"' not in page and "override_reason" not in page  # P3: no rule
    client.post(f"/cases/{case.number}/assign/", {"engineer": "se.busy", "note": "原项目工程师"})
    case.refresh_from_db()
    assert case.engineer.username == "se.busy"


def test_a_p1_goes_to_a_first_line_engineer_only_with_a_stated_reason(
    call_taker, duty, desk, contact
):
    case = make_case(contact=contact, by=call_taker, priority="P1")
    # a first-line engineer is not ranked for P1, but the customer asked for them
    client = client_for(duty)
    page = client.get(f"/cases/{case.number}/assign/")
    assert '<option value="eng.a">' in page.content.decode()
    assert "P1 and P2 CASEs go to a senior engineer" in text(page)  # said before choosing
    assert 'name="override_reason"' in page.content.decode()

    before = database_snapshot()
    response = client.post(
        f"/cases/{case.number}/assign/", {"engineer": "eng.a", "note": "客户要求"}
    )
    assert response.status_code == 409
    body = text(response)
    assert "Nothing was changed." in body and "eng.a is a first-line engineer" in body
    assert "give a reason for overriding the rule" in body
    html = response.content.decode()
    assert '<option value="eng.a" selected>' in html  # the choice is kept, the reason asked
    assert re.search(r'name="override_reason"[^>]*required autofocus', html)
    assert 'value="客户要求"' in html
    assert database_snapshot() == before

    response = client.post(
        f"/cases/{case.number}/assign/",
        {"engineer": "eng.a", "note": "客户要求", "override_reason": "客户点名要求，原项目工程师"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.engineer.username == "eng.a"
    event = case.events.filter(kind="assigned").get()
    assert event.data["override"] == "tier"
    assert event.data["override_reason"] == "客户点名要求，原项目工程师"
    page = text(client.get(f"/cases/{case.number}/"))
    assert (
        "Tier rule overridden (P1/P2 go to a senior engineer): 客户点名要求，原项目工程师" in page
    )


def test_assigning_to_the_owner_again_is_refused_and_changes_nothing(duty, desk, contact):
    case = make_case(contact=contact, priority="P3")
    services.case_assign(case=case, engineer=desk["eng.a"], by=duty)
    before = database_snapshot()
    response = client_for(duty).post(f"/cases/{case.number}/assign/", {"engineer": "eng.a"})
    assert response.status_code == 409 and "already assigned" in text(response)
    response = client_for(duty).post(f"/cases/{case.number}/assign/", {"engineer": "nobody"})
    assert response.status_code == 422 and "Unknown engineer" in text(response)
    assert database_snapshot() == before


def test_an_engineer_cannot_assign(desk, contact):
    case = make_case(contact=contact, priority="P3")
    client = client_for(desk["eng.a"])
    assert client.get(f"/cases/{case.number}/assign/").status_code == 403
    before = database_snapshot()
    assert client.post(f"/cases/{case.number}/assign/", {"engineer": "eng.a"}).status_code == 403
    assert database_snapshot() == before
    assert Case.objects.get(pk=case.pk).engineer is None


def test_a_customer_cannot_reach_the_assign_screen(customer, contact):
    case = make_case(contact=contact, priority="P3")
    assert client_for(customer).get(f"/cases/{case.number}/assign/").status_code == 403


def test_engineer_phoned_is_offered_only_with_an_engineer(call_taker, duty, desk, contact):
    case = make_case(contact=contact, by=call_taker, priority="P3")
    client = client_for(call_taker)
    assert 'id="phoned"' not in client.get(f"/cases/{case.number}/").content.decode()
    before = database_snapshot()
    response = client.post(f"/cases/{case.number}/phoned/", {"minutes": "1"})
    assert response.status_code == 409 and "no engineer" in text(response)
    assert database_snapshot() == before


def test_a_closed_case_cannot_be_assigned(call_taker, duty, desk, contact):
    case = make_case(contact=contact, by=call_taker, priority="P3")
    services.case_assign(case=case, engineer=desk["eng.a"], by=duty)
    services.case_accept(case=case, by=desk["eng.a"])
    services.case_resolve(case=case, solution="重启", by=desk["eng.a"])
    response = client_for(duty).get(f"/cases/{case.number}/assign/")
    assert response.status_code == 409 and "cannot be assigned now" in text(response)
    assert "/assign/" not in client_for(duty).get(f"/cases/{case.number}/").content.decode()
    before = database_snapshot()
    response = client_for(duty).post(f"/cases/{case.number}/assign/", {"engineer": "eng.b"})
    assert response.status_code == 409
    assert database_snapshot() == before
