"""Where a CASE's replacement comes from: the nearest location holding a good one (the
CASE's engineer's van, a depot serving its customer, the central warehouse, any other);
backorders filled, oldest first, when good stock arrives; the courier and its number."""

from __future__ import annotations

import pytest

from casedesk.accounts.models import Organization
from casedesk.cases import services as cases
from casedesk.core import clock
from casedesk.core.errors import Conflict, InvalidInput
from casedesk.core.models import AuditRecord
from casedesk.parts import selectors, services
from casedesk.parts.models import Location, Part, PartUnit, Rma, StockMove
from casedesk.sla.models import Deadline
from tests.accounts.factories import OrganizationFactory, make_user
from tests.factories import ApiClient
from tests.parts.factories import keeper, make_location, make_part, receive
from tests.racing import race
from tests.sla.test_supervisor import Desk, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db):
    desk = Desk()
    other = OrganizationFactory(code="OTHER")
    make_location("WH-BJ")
    make_location("WH-SH")
    make_location("DP-SH", kind="depot", serves=[desk.org])
    make_location("DP-GZ", kind="depot", serves=[other])
    make_location("VAN-ENG", kind="van", keeper=desk.eng)
    make_location("VAN-SE", kind="van", keeper=desk.se)
    make_location("QT-BJ", kind="quarantine")
    make_location("CUSTOMER", kind="customer")
    return desk


def _working(desk, minute=0):
    case = desk.open("P3", minute=minute)
    desk.do(minute + 1, cases.case_assign, case=case, engineer=desk.eng, by=desk.duty)
    desk.do(minute + 2, cases.case_accept, case=case, by=desk.eng)
    case.refresh_from_db()
    return case


def _notes(case) -> list[dict]:
    """The RMA notes in the CASE's history, oldest first."""
    events = case.events.filter(kind="work_logged").order_by("pk")
    return [e.data["system"] for e in events if (e.data.get("system") or {}).get("rma")]


def _loc(code):
    return Location.objects.get(code=code)


def _order(part, case):
    return [(loc.code, n) for loc, n in selectors.sourcing_order(part=part, case=case)]


def test_the_engineers_van_then_the_serving_depot_then_central_then_the_rest(desk):
    case = _working(desk)
    part = make_part("SFP-10G-SR")
    for code, n in (
        ("VAN-SE", 9),
        ("DP-GZ", 5),
        ("WH-SH", 3),
        ("WH-BJ", 3),
        ("DP-SH", 1),
        ("VAN-ENG", 1),
        ("CUSTOMER", 50),
    ):
        receive(part, _loc(code), n)
    services.stock_move(
        part=part, kind="defective_return", quantity=4, to_location=_loc("QT-BJ"), by=keeper()
    )
    assert _order(part, case) == [
        ("VAN-ENG", 1),
        ("DP-SH", 1),
        ("WH-BJ", 3),  # a tie: by code
        ("WH-SH", 3),
        ("VAN-SE", 9),  # the others, most stock first
        ("DP-GZ", 5),
    ]
    with clock.frozen(at(5)):
        rma = services.rma_request(case=case, part=part, by=desk.eng)
    assert rma.status == "shipped" and rma.from_location.code == "VAN-ENG"
    with clock.frozen(at(6)):
        rma = services.rma_request(case=case, part=part, by=desk.eng)
    assert rma.from_location.code == "DP-SH"
    with clock.frozen(at(7)):  # given: as asked, even if nearer ones hold it
        rma = services.rma_request(case=case, part=part, from_location=_loc("DP-GZ"), by=desk.eng)
    assert rma.from_location.code == "DP-GZ"
    assert _order(part, case)[0] == ("WH-BJ", 3)


def test_none_held_is_a_backorder_at_the_serving_depot_else_central(desk):
    case = _working(desk)
    part = make_part("SFP-10G-LR")
    with clock.frozen(at(5)):
        rma = services.rma_request(case=case, part=part, by=desk.eng)
    assert rma.status == "backordered" and rma.from_location.code == "DP-SH"
    Location.serves.through.objects.filter(location__code="DP-SH").delete()
    with clock.frozen(at(6)):
        rma = services.rma_request(case=case, part=part, by=desk.eng)
    assert rma.from_location.code == "WH-BJ"


def test_a_receipt_fills_the_oldest_backorder_first_and_only_as_many_as_it_brings(desk):
    case = _working(desk)
    psu = make_part("PWR-C1-715WAC", serial_tracked=True)
    with clock.frozen(at(5)):
        older = services.rma_request(case=case, part=psu, advance=True, by=desk.eng)
    with clock.frozen(at(6)):
        newer = services.rma_request(case=case, part=psu, by=desk.eng)
    assert older.status == newer.status == "backordered"
    assert not Deadline.objects.filter(kind="defective_return").exists()

    with clock.frozen(at(60)):
        receive(psu, _loc("WH-SH"), 1, serials=["LIT777"])
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.status == "shipped" and older.from_location.code == "WH-SH"
    assert older.replacement_serial == "LIT777" and older.shipped_at == at(60)
    assert newer.status == "backordered"
    assert selectors.balance(part=psu, location=_loc("WH-SH"), condition="good") == 0
    assert PartUnit.objects.get(serial_number="LIT777").location is None
    # The advance replacement's defective part is due ten days from the shipment.
    due = Deadline.objects.get(kind="defective_return", key=f"rma:{older.number}:defective_return")
    assert due.anchor_at == at(60)
    record = AuditRecord.objects.filter(action="rma.shipped", object_id=str(older.pk)).get()
    assert record.changes["before"] == {"status": "backordered"}
    assert record.actor == keeper().username
    notes = _notes(case)
    assert [n["code"] for n in notes] == ["rma_backordered", "rma_backordered", "rma_shipped"]
    assert notes[-1]["rma"] == older.number and notes[-1]["serial"] == "LIT777"

    # A correction up, a transfer, a part back from repair fill the next one the same way.
    part = make_part("NXA-FAN")
    with clock.frozen(at(70)):
        waiting = [services.rma_request(case=case, part=part, by=desk.eng) for _ in range(3)]
    with clock.frozen(at(80)):
        services.stock_move(
            part=part,
            kind="correction",
            quantity=1,
            to_location=_loc("DP-GZ"),
            reason="盘点多出",
            by=keeper(),
        )
        receive(part, _loc("QT-BJ"), 1, condition="defective")  # not good, not ours: no fill
        receive(part, _loc("CUSTOMER"), 1)  # not ours: no fill
    states = [Rma.objects.get(pk=r.pk).status for r in waiting]
    assert states == ["shipped", "backordered", "backordered"]


def test_a_backorder_filled_after_a_repair_comes_back(desk):
    case = _working(desk)
    part = make_part("C9300-NM-8X")
    vendor = make_location("VD-CISCO", kind="vendor")
    with clock.frozen(at(5)):
        first = services.rma_request(case=case, part=part, by=desk.eng)
        services.rma_defective_received(rma=first, location=_loc("QT-BJ"), by=desk.eng)
        first = services.rma_repair(rma=first, vendor=vendor, by=desk.eng)
        second = services.rma_request(case=case, part=part, by=desk.eng)
    with clock.frozen(at(90)):
        services.rma_repaired(rma=first, location=_loc("WH-BJ"), by=desk.eng)
    second.refresh_from_db()
    assert second.status == "shipped" and second.from_location.code == "WH-BJ"
    assert Rma.objects.get(pk=first.pk).status == "closed"


def test_the_courier_number_is_set_on_a_shipped_rma_and_in_the_history(desk):
    case = _working(desk)
    part = make_part("SFP-10G-SR")
    receive(part, _loc("WH-BJ"), 2)
    with clock.frozen(at(5)):
        rma = services.rma_request(
            case=case, part=part, courier="顺丰", tracking_number="SF100", by=desk.eng
        )
    assert (rma.courier, rma.tracking_number) == ("顺丰", "SF100")
    with clock.frozen(at(6)):
        rma = services.rma_set_shipping(
            rma=rma, courier=" SF Express ", tracking_number=" SF1234567890 ", by=desk.eng
        )
    rma.refresh_from_db()
    assert (rma.courier, rma.tracking_number) == ("SF Express", "SF1234567890")
    record = AuditRecord.objects.get(action="rma.shipping")
    assert record.changes["before"] == {"courier": "顺丰", "tracking_number": "SF100"}
    note = _notes(case)[-1]
    assert note["code"] == "rma_shipping" and note["tracking_number"] == "SF1234567890"


@pytest.mark.parametrize(
    ("courier", "number"), [("SF", ""), ("SF", "   "), ("SF", "9" * 65), ("S" * 65, "SF1")]
)
def test_bad_courier_input_is_refused_and_changes_nothing(desk, courier, number):
    case = _working(desk)
    part = make_part("SFP-10G-SR")
    receive(part, _loc("WH-BJ"), 1)
    rma = services.rma_request(case=case, part=part, by=desk.eng)
    before = AuditRecord.objects.count()
    with pytest.raises(InvalidInput):
        services.rma_set_shipping(rma=rma, courier=courier, tracking_number=number, by=desk.eng)
    assert AuditRecord.objects.count() == before
    assert Rma.objects.get(pk=rma.pk).tracking_number == ""


def test_a_backordered_rma_has_no_courier_number(desk):
    case = _working(desk)
    part = make_part("SFP-10G-SR")
    rma = services.rma_request(case=case, part=part, by=desk.eng)
    with pytest.raises(Conflict):
        services.rma_set_shipping(rma=rma, tracking_number="SF1", by=desk.eng)
    with pytest.raises(Conflict):
        services.rma_request(case=case, part=part, tracking_number="SF2", by=desk.eng)
    assert Rma.objects.count() == 1 and Rma.objects.get().tracking_number == ""


def test_the_api_picks_the_nearest_and_takes_the_courier_number(desk):
    case = _working(desk)
    receive(make_part("SFP-10G-SR"), _loc("DP-SH"), 1)
    api = ApiClient(desk.eng)
    r = api.post(
        f"/cases/{case.number}/rmas",
        {"part_number": "SFP-10G-SR", "courier": "顺丰", "tracking_number": "SF1"},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["from_location"] == "DP-SH" and body["status"] == "shipped"
    assert body["courier"] == "顺丰" and body["tracking_number"] == "SF1" and body["shipped_at"]
    number = body["number"]
    r = api.post(f"/rmas/{number}/shipping", {"courier": "SF Express", "tracking_number": "SF2"})
    assert r.status_code == 200 and r.json()["tracking_number"] == "SF2"
    assert api.get(f"/rmas/{number}").json()["courier"] == "SF Express"
    for body, status in (
        ({"tracking_number": ""}, 422),
        ({"tracking_number": "   "}, 422),
        ({"tracking_number": "X" * 65}, 422),
        ({"courier": "SF"}, 422),
        ({"tracking_number": 123}, 422),
    ):
        r = api.post(f"/rmas/{number}/shipping", body)
        assert r.status_code == status, (body, r.content)
        assert r.json()["detail"]
    assert Rma.objects.get(number=number).tracking_number == "SF2"
    r = api.post(f"/cases/{case.number}/rmas", {"part_number": "SFP-10G-SR"})
    assert r.status_code == 201 and r.json()["status"] == "backordered"
    assert r.json()["from_location"] == "DP-SH"
    r = api.post(f"/rmas/{r.json()['number']}/shipping", {"tracking_number": "SF3"})
    assert r.status_code == 409 and r.json()["detail"]
    customer = ApiClient(make_user("customer", org=desk.org))
    r = customer.post(f"/rmas/{number}/shipping", {"tracking_number": "SF9"})
    assert r.status_code in (403, 404)
    assert Rma.objects.get(number=number).tracking_number == "SF2"


def test_locations_with_keeper_and_serves_by_the_api(desk):
    api = ApiClient(desk.csm)
    r = api.post(
        "/locations",
        {"code": "VAN-X", "name": "车", "kind": "van", "keeper": desk.eng.username},
    )
    assert r.status_code == 201 and r.json()["keeper"] == desk.eng.username
    r = api.post(
        "/locations",
        {"code": "DP-X", "name": "库", "kind": "depot", "serves": ["ACME", "OTHER"]},
    )
    assert r.status_code == 201 and r.json()["serves"] == ["ACME", "OTHER"]
    for body in (
        {"code": "DP-Y", "name": "库", "kind": "depot", "serves": ["NOPE"]},
        {"code": "DP-Y", "name": "库", "kind": "depot", "keeper": "nobody"},
        {"code": "DP-Y", "name": "库", "kind": "depot", "keeper": desk.eng.username},
        {"code": "DP-Y", "name": "库", "kind": "central", "serves": ["ACME"]},
    ):
        r = api.post("/locations", body)
        assert r.status_code == 422, (body, r.content)
    assert not Location.objects.filter(code="DP-Y").exists()
    assert set(_loc("DP-X").serves.values_list("code", flat=True)) == {"ACME", "OTHER"}
    assert Organization.objects.filter(code="OTHER").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_receipts_racing_never_ship_one_rma_twice():
    desk = Desk()
    central = make_location("WH-BJ")
    depot = make_location("DP-SH", kind="depot")
    case = _working(desk)
    part = make_part("RACE-1")
    waiting = [services.rma_request(case=case, part=part, by=desk.eng) for _ in range(3)]
    by = keeper()

    def receipt(location):
        return lambda: services.stock_move(
            part=part, kind="receipt", quantity=1, to_location=location, by=by
        )

    results, errors = race([receipt(central), receipt(depot)], hold=StockMove)
    assert errors == [] and len(results) == 2
    states = [Rma.objects.get(pk=r.pk).status for r in waiting]
    assert states == ["shipped", "shipped", "backordered"]
    assert StockMove.objects.filter(kind="shipment").count() == 2
    assert {m.reason for m in StockMove.objects.filter(kind="shipment")} == {
        waiting[0].number,
        waiting[1].number,
    }
    assert selectors.balance_totals(part=part) == {}
    assert selectors.ledger_totals(part=part) == {}
    assert Part.objects.get(pk=part.pk).below_safety_alerted is False


def test_the_rma_command_requests_from_the_nearest_and_sets_the_courier_number(desk, capsys):
    from django.core.management import CommandError, call_command

    case = _working(desk)
    receive(make_part("SFP-10G-SR"), _loc("VAN-ENG"), 1)
    with clock.frozen(at(5)):
        call_command("rma", "request", case.number, "SFP-10G-SR", "--by", desk.eng.username)
    rma = Rma.objects.get()
    assert f"{rma.number} shipped SFP-10G-SR from VAN-ENG" in capsys.readouterr().out
    call_command(
        "rma",
        "shipping",
        rma.number,
        "--courier",
        "顺丰",
        "--tracking-number",
        "SF77",
        "--by",
        desk.eng.username,
    )
    assert "courier 顺丰 SF77" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command(
            "rma", "shipping", rma.number, "--tracking-number", " ", "--by", desk.eng.username
        )
    with pytest.raises(CommandError):
        call_command("rma", "request", case.number, "NOPE", "--by", desk.eng.username)
    assert Rma.objects.count() == 1 and Rma.objects.get().tracking_number == "SF77"
