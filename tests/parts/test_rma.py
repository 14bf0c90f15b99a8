"""RMA on a CASE: a replacement shipped from stock (or backordered), the defective part back
into quarantine, sent for repair, back as good stock; the advance replacement's and the
repair's deadlines fire through the supervisor; bad steps are refused and write nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.cases import services as cases
from casedesk.core import clock
from casedesk.core.models import AuditRecord
from casedesk.notify.services import deliver_due
from casedesk.parts import selectors
from casedesk.parts.models import Location, Part, Rma, StockMove
from casedesk.sla.models import Deadline
from tests.factories import ApiClient
from tests.parts.factories import make_location, make_part, receive
from tests.sla.test_supervisor import Desk, at, mailed, supervise

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db):
    desk = Desk()
    make_location("WH-BJ")
    make_location("DP-SH", kind="depot")
    make_location("QT-BJ", kind="quarantine")
    make_location("VD-CISCO", kind="vendor")
    psu = make_part("PWR-C1-715WAC", serial_tracked=True)
    receive(psu, make_location("WH-BJ"), 1, serials=["LIT001"])
    make_part("SFP-10G-SR")
    return desk


def _working(desk):
    case = desk.open("P3")
    desk.do(1, cases.case_assign, case=case, engineer=desk.eng, by=desk.duty)
    desk.do(2, cases.case_accept, case=case, by=desk.eng)
    return case


def test_an_advance_replacement_goes_round_and_its_deadlines_are_kept(desk):
    case = _working(desk)
    api = ApiClient(desk.eng)
    with clock.frozen(at(3)):
        r = api.post(
            f"/cases/{case.number}/rmas",
            {
                "part_number": "PWR-C1-715WAC",
                "from_location": "WH-BJ",
                "advance": True,
                "defective_serial": "LIT999",
            },
        )
    assert r.status_code == 201, r.content
    rma = r.json()
    number = rma["number"]
    assert number.startswith("R" + clock.local(at(3)).strftime("%y%m"))
    assert rma["status"] == "shipped" and rma["replacement_serial"] == "LIT001"
    [due] = rma["deadlines"]
    assert due["kind"] == "defective_return"
    assert dt.datetime.fromisoformat(due["due_at"]) == at(3) + dt.timedelta(days=10)

    with clock.frozen(at(60)):
        r = api.post(f"/rmas/{number}/defective-received", {"location": "QT-BJ"})
    assert r.status_code == 200 and r.json()["status"] == "defective_received"
    assert r.json()["deadlines"][0]["met_at"] is not None
    with clock.frozen(at(90)):
        r = api.post(f"/rmas/{number}/repair", {"vendor": "VD-CISCO"})
    assert r.status_code == 200 and r.json()["status"] == "in_repair"
    repair = [d for d in r.json()["deadlines"] if d["kind"] == "repair_return"][0]
    assert dt.datetime.fromisoformat(repair["due_at"]) == at(90) + dt.timedelta(days=14)
    with clock.frozen(at(600)):
        r = api.post(f"/rmas/{number}/repaired", {"location": "DP-SH"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert all(d["met_at"] for d in r.json()["deadlines"])

    part = Part.objects.get(part_number="PWR-C1-715WAC")
    held = {
        (row.location.code, row.good, row.defective)
        for row in selectors.on_hand(part=part, fetched_by=desk.eng)
    }
    assert held == {("DP-SH", 1, 0)}  # the repaired part, serial LIT999, is good stock
    assert list(
        StockMove.objects.filter(case=case).values_list("kind", flat=True).order_by("pk")
    ) == ["shipment", "defective_return", "to_repair", "from_repair"]
    assert AuditRecord.objects.filter(action__startswith="rma.").count() == 4
    assert api.get(f"/rmas/{number}").json()["status"] == "closed"


def test_the_defective_return_fires_through_the_supervisor_when_late(desk, smtp):
    case = _working(desk)
    with clock.frozen(at(3)):
        r = ApiClient(desk.eng).post(
            f"/cases/{case.number}/rmas",
            {"part_number": "PWR-C1-715WAC", "from_location": "WH-BJ", "advance": True},
        )
    assert r.status_code == 201
    due = at(3) + dt.timedelta(days=10)
    mailed(smtp)
    assert "defective_return" not in supervise(due - dt.timedelta(seconds=1))
    assert "defective_return" in supervise(due + dt.timedelta(seconds=1))
    assert mailed(smtp)
    assert Deadline.objects.get(case=case, kind="defective_return").fired_at is not None


def test_no_good_part_there_is_a_backorder_and_the_managers_are_told(desk, smtp):
    case = _working(desk)
    mailed(smtp)
    with clock.frozen(at(5)):
        r = ApiClient(desk.eng).post(
            f"/cases/{case.number}/rmas", {"part_number": "SFP-10G-SR", "from_location": "DP-SH"}
        )
        assert r.status_code == 201 and r.json()["status"] == "backordered"
        deliver_due()
    assert r.json()["deadlines"] == [] and StockMove.objects.filter(case=case).count() == 0
    [message] = smtp.messages
    assert "SFP-10G-SR" in message["Subject"] and r.json()["number"] in message["Subject"]
    assert "缺货待发" in message["Subject"]
    assert mailed(smtp) == ["csm"]


@pytest.mark.parametrize(
    ("step", "body", "status"),
    [
        ("repair", {"vendor": "VD-CISCO"}, 409),  # not received yet
        ("repaired", {"location": "WH-BJ"}, 409),
        ("defective-received", {"location": "WH-BJ"}, 422),  # not quarantine
        ("defective-received", {"location": "NOWHERE"}, 422),
    ],
)
def test_steps_out_of_order_are_refused_and_write_nothing(desk, step, body, status):
    case = _working(desk)
    api = ApiClient(desk.eng)
    number = api.post(
        f"/cases/{case.number}/rmas", {"part_number": "PWR-C1-715WAC", "from_location": "WH-BJ"}
    ).json()["number"]
    before = (StockMove.objects.count(), AuditRecord.objects.count(), Deadline.objects.count())
    r = api.post(f"/rmas/{number}/{step}", body)
    assert r.status_code == status, r.content
    assert r.json()["detail"]
    assert (
        StockMove.objects.count(),
        AuditRecord.objects.count(),
        Deadline.objects.count(),
    ) == before
    assert Rma.objects.get(number=number).status == "shipped"


def test_each_step_is_in_the_cases_history_for_the_desk_and_the_customer(desk):
    from casedesk.parts import services as parts
    from tests.factories import client_for, make_user, page_text

    case = _working(desk)
    psu = Part.objects.get(part_number="PWR-C1-715WAC")
    with clock.frozen(at(3)):
        rma = parts.rma_request(
            case=case,
            part=psu,
            from_location=Location.objects.get(code="WH-BJ"),
            advance=True,
            by=desk.eng,
        )
    with clock.frozen(at(60)):
        parts.rma_defective_received(
            rma=rma,
            location=Location.objects.get(code="QT-BJ"),
            serial_number="LIT999",
            by=desk.eng,
        )
    with clock.frozen(at(61)):
        english = page_text(client_for(desk.eng, "en").get(f"/cases/{case.number}/"))
        chinese = page_text(client_for(desk.eng, "zh-hans").get(f"/cases/{case.number}/"))
        customer = make_user("customer", org=case.organization)
        portal = page_text(client_for(customer, "zh-hans").get(f"/portal/cases/{case.number}/"))
    assert f"Replacement part PWR-C1-715WAC shipped (RMA {rma.number})" in english
    assert "Serial number LIT001" in english and "due back within 10 days" in english
    assert f"Defective part PWR-C1-715WAC received (RMA {rma.number})" in english
    assert f"已发出替换件 PWR-C1-715WAC（RMA {rma.number}）" in chinese
    assert f"已发出替换件 PWR-C1-715WAC（RMA {rma.number}）" in portal

    # Weeks later, the CASE closed: the repair goes on, its steps in the RMA's own record.
    desk.do(100, cases.case_resolve, case=case, solution="换电源", by=desk.eng)
    desk.do(101, cases.case_confirm, case=case, note="确认", by=desk.duty)
    desk.do(102, cases.case_close, case=case, by=desk.duty)
    with clock.frozen(at(60 * 24 * 3)):
        rma = parts.rma_repair(rma=rma, vendor=Location.objects.get(code="VD-CISCO"), by=desk.eng)
    assert rma.status == "in_repair"
