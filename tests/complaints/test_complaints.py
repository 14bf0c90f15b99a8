"""Complaints K…: numbered like CASEs, their own deadlines (acknowledge within a working
day, resolve within five, on the desk's office calendar) fired through the supervisor to
the CS manager, then the general manager, exactly once; kept by the operations."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.complaints import selectors, services
from casedesk.complaints.models import Complaint
from casedesk.core import clock
from casedesk.core.audit import AuditRecord
from casedesk.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from casedesk.notify.services import deliver_due
from casedesk.sla.models import Deadline
from tests.accounts.factories import OrganizationFactory
from tests.complaints.factories import make_complaint
from tests.factories import ApiClient, make_case, make_user
from tests.sla.test_supervisor import mailed, supervise

pytestmark = pytest.mark.django_db

# Monday 2026-11-23 10:00 in Shanghai (02:00 UTC); the office is open 09:00–18:00.
MONDAY_10 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def people(db):
    return {
        "csm": make_user("cs_manager", username="csm"),
        "gm": make_user("general_manager", username="gm"),
        "desk": make_user("call_taker", username="taker"),
    }


def test_numbers_are_k_yymm_serial_restarting_monthly(people):
    with clock.frozen(MONDAY_10):
        first, second = make_complaint(by=people["desk"]), make_complaint(by=people["desk"])
    with clock.frozen(dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)):
        third = make_complaint(by=people["desk"])
    assert (first.number, second.number, third.number) == ("K2611001", "K2611002", "K2612001")


def test_deadlines_count_working_days_on_the_office_calendar(people):
    with clock.frozen(MONDAY_10):
        complaint = make_complaint(by=people["desk"])
    rows = {d.kind: d for d in Deadline.objects.filter(case__isnull=True)}
    # One working day: Tuesday 10:00; five: the next Monday 10:00 (the weekend is closed).
    assert rows["complaint_acknowledge"].due_at == MONDAY_10 + dt.timedelta(days=1)
    assert rows["complaint_resolution"].due_at == MONDAY_10 + dt.timedelta(days=7)
    assert (
        rows["complaint_acknowledge"].key == f"complaint:{complaint.number}:complaint_acknowledge"
    )


def test_the_supervisor_escalates_to_the_cs_manager_then_the_general_manager_once(people, smtp):
    with clock.frozen(MONDAY_10):
        complaint = make_complaint(by=people["desk"])
    ack_due = MONDAY_10 + dt.timedelta(days=1)
    resolve_due = MONDAY_10 + dt.timedelta(days=7)
    assert complaint.number not in supervise(ack_due - dt.timedelta(seconds=1))
    out = supervise(ack_due + dt.timedelta(seconds=1))
    assert f"complaint:{complaint.number}:complaint_acknowledge" in out
    with clock.frozen(ack_due + dt.timedelta(seconds=2)):
        deliver_due()
    [msg] = smtp.to("csm@desk.example")
    assert complaint.number in msg["Subject"]
    assert mailed(smtp) == ["csm"]
    assert supervise(ack_due + HOUR) == ""  # once
    out = supervise(resolve_due + dt.timedelta(seconds=1))
    assert "complaint_resolution" in out
    with clock.frozen(resolve_due + dt.timedelta(seconds=2)):
        deliver_due()
    assert mailed(smtp) == ["csm", "gm"]
    assert supervise(resolve_due + 24 * HOUR) == ""
    fired = Deadline.objects.filter(case__isnull=True, fired_at__isnull=False)
    assert fired.count() == 2
    assert AuditRecord.objects.filter(action="deadline.fire").count() == 2
    listed = selectors.complaint_list(fetched_by=people["csm"])
    with clock.frozen(resolve_due + HOUR):
        assert [c.overdue for c in selectors.complaint_list(fetched_by=people["csm"])] == [True]
    assert listed[0].number == complaint.number


def test_acknowledging_and_resolving_keep_the_promises(people, smtp):
    with clock.frozen(MONDAY_10):
        complaint = make_complaint(by=people["desk"])
    with clock.frozen(MONDAY_10 + HOUR):
        complaint = services.complaint_acknowledge(
            complaint=complaint, note="已联系客户", by=people["csm"]
        )
    with clock.frozen(MONDAY_10 + 2 * HOUR):
        complaint = services.complaint_resolve(
            complaint=complaint, resolution="更换工程师并道歉", by=people["csm"]
        )
    assert supervise(MONDAY_10 + dt.timedelta(days=10)) == ""
    assert mailed(smtp) == []
    kept = Deadline.objects.filter(case__isnull=True).values_list("met_at", flat=True)
    assert sorted(kept) == [MONDAY_10 + HOUR, MONDAY_10 + 2 * HOUR]
    complaint = services.complaint_close(complaint=complaint, by=people["gm"])
    assert complaint.status == "closed"
    actions = set(
        AuditRecord.objects.filter(object_id=str(complaint.pk)).values_list("action", flat=True)
    )
    assert {
        "complaint.file",
        "complaint.acknowledge",
        "complaint.resolve",
        "complaint.close",
    } <= actions
    with pytest.raises(Conflict):
        services.complaint_acknowledge(complaint=complaint, by=people["csm"])


def test_bad_input_and_refusals_write_nothing(people):
    org, other = OrganizationFactory(code="ORGX"), OrganizationFactory(code="ORGY")
    case = make_case(org=other, by=people["desk"])
    with pytest.raises(InvalidInput):
        services.complaint_file(
            organization=org, description="  ", source="phone", by=people["desk"]
        )
    with pytest.raises(InvalidInput):
        services.complaint_file(organization=org, description="x", source="fax", by=people["desk"])
    with pytest.raises(InvalidInput):
        services.complaint_file(
            organization=org, description="x", source="phone", cases=[case], by=people["desk"]
        )
    customer = make_user("customer", org=org)
    with pytest.raises((Forbidden, NotFound)):
        services.complaint_file(organization=other, description="x", source="portal", by=customer)
    complaint = make_complaint(org=org, by=people["desk"])
    with pytest.raises(Forbidden):
        services.complaint_acknowledge(complaint=complaint, by=make_user("engineer"))
    with pytest.raises(InvalidInput):
        services.complaint_resolve(complaint=complaint, resolution=" ", by=people["csm"])
    assert Complaint.objects.count() == 1
    assert Complaint.objects.get().status == "open"


def test_api_files_reads_and_steps(people):
    org = OrganizationFactory(code="ACME")
    case = make_case(org=org, by=people["desk"])
    desk = ApiClient(people["desk"])
    made = desk.post(
        "/complaints", {"organization": "ACME", "description": "回电太慢", "case": case.number}
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["number"].startswith("K") and body["cases"] == [case.number]
    assert {d["kind"] for d in body["deadlines"]} == {
        "complaint_acknowledge",
        "complaint_resolution",
    }
    number = body["number"]
    assert desk.get(f"/complaints/{number}").json()["status"] == "open"
    assert desk.post(f"/complaints/{number}/acknowledge", {}).status_code == 403
    csm = ApiClient(people["csm"])
    assert csm.post(f"/complaints/{number}/acknowledge", {"note": "收到"}).json()["status"] == (
        "acknowledged"
    )
    missing = csm.post(f"/complaints/{number}/resolve", {"resolution": ""})
    assert missing.status_code == 422 and missing.json()["detail"]
    done = csm.post(f"/complaints/{number}/resolve", {"resolution": "已道歉"}).json()
    assert done["status"] == "resolved" and done["resolved_by"] == "csm"
    assert csm.post(f"/complaints/{number}/resolve", {"resolution": "再次"}).status_code == 409
    unknown = desk.post("/complaints", {"organization": "NOPE", "description": "x"})
    assert unknown.status_code == 422 and unknown.json()["detail"]
    assert desk.get("/complaints/K9999999").status_code == 404


def test_a_customer_files_and_sees_only_their_own(people):
    org, other = OrganizationFactory(code="MINE"), OrganizationFactory(code="THEIRS")
    theirs = make_complaint(org=other, by=people["desk"])
    customer = ApiClient(make_user("customer", org=org))
    made = customer.post("/complaints", {"organization": "MINE", "description": "不满意"})
    assert made.status_code == 201
    assert customer.post(
        "/complaints", {"organization": "THEIRS", "description": "x"}
    ).status_code in (
        403,
        404,
    )
    assert customer.get(f"/complaints/{theirs.number}").status_code == 404
    assert [c["number"] for c in customer.get("/complaints").json()] == [made.json()["number"]]
