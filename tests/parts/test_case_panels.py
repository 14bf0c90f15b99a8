"""The RMA block on the CASE page: the console lists the CASE's RMAs with their forms and
takes the steps (each back to the CASE with what happened, a refused one writing nothing);
the portal tells the customer what they may know, and a customer of another organization
sees nothing."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from casedesk.core import clock
from casedesk.core.models import AuditRecord
from casedesk.parts import case_panels, services
from casedesk.parts.models import Location, Rma
from tests.accounts.factories import OrganizationFactory, make_user
from tests.factories import client_for, page_text
from tests.parts.factories import keeper, make_location, make_part, receive
from tests.parts.test_rma_sourcing import _working
from tests.sla.test_supervisor import Desk, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db):
    desk = Desk()
    central = make_location("WH-BJ", name="北京中心仓")
    make_location("DP-SH", kind="depot", name="上海备件库", serves=[desk.org])
    make_location("QT-BJ", kind="quarantine", name="北京隔离区")
    make_location("VD-CISCO", kind="vendor", name="思科维修中心")
    psu = make_part("PWR-C1-715WAC", serial_tracked=True)
    receive(psu, central, 1, serials=["LIT001"])
    make_part("SFP-10G-SR")
    return desk


def _case_page(user, case, language="zh-hans"):
    r = client_for(user, language).get(f"/cases/{case.number}/")
    assert r.status_code == 200
    return page_text(r)


def test_an_engineer_requests_a_replacement_and_its_courier_number_from_the_case(desk):
    case = _working(desk)
    client = client_for(desk.eng, "en")
    with clock.frozen(at(5)):
        r = client.post(
            f"/cases/{case.number}/rmas/",
            {"part_number": "PWR-C1-715WAC", "from_location": "", "advance": "1"},
            follow=True,
        )
    assert r.status_code == 200
    rma = Rma.objects.get()
    assert rma.status == "shipped" and rma.from_location.code == "WH-BJ" and rma.advance
    text = page_text(r)
    assert f"RMA {rma.number}: PWR-C1-715WAC shipped from WH-BJ." in text
    with clock.frozen(at(6)):
        r = client.post(
            f"/rmas/{rma.number}/shipping/",
            {"courier": "SF Express", "tracking_number": "SF1234567890"},
            follow=True,
        )
    assert f"RMA {rma.number}: courier number SF1234567890 saved." in page_text(r)
    with clock.frozen(at(7)):
        text = _case_page(desk.eng, case, "en")
    block = text.split("Replacement parts (RMA)", 1)[1]
    for words in (rma.number, "PWR-C1-715WAC", "WH-BJ", "LIT001", "SF Express SF1234567890"):
        assert words in block
    assert "Defective part returned" in block  # the advance replacement's deadline
    assert "Replacement shipped by SF Express, courier no. SF1234567890" in text  # history
    with clock.frozen(at(7)):
        chinese = _case_page(desk.eng, case)
    assert "备件已由 SF Express 发出，快递单号 SF1234567890" in chinese

    # The next steps, each a small form.
    steps = (
        ("defective-received", {"location": "QT-BJ", "serial_number": "LIT999"}),
        ("repair", {"vendor": "VD-CISCO"}),
        ("repaired", {"location": "DP-SH"}),
    )
    for minute, (step, body) in enumerate(steps, start=10):
        with clock.frozen(at(minute)):
            r = client.post(f"/rmas/{rma.number}/{step}/", body)
        assert r.status_code == 302 and r["Location"] == f"/cases/{case.number}/"
    assert Rma.objects.get().status == "closed"


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/cases/{case}/rmas/", {"part_number": "NOPE"}),
        ("/cases/{case}/rmas/", {"part_number": "SFP-10G-SR", "from_location": "NOWHERE"}),
        ("/cases/{case}/rmas/", {"part_number": ""}),
        ("/rmas/{rma}/shipping/", {"tracking_number": ""}),
        ("/rmas/{rma}/shipping/", {"tracking_number": "X" * 65}),
        ("/rmas/{rma}/repair/", {"vendor": "VD-CISCO"}),  # not received yet
        ("/rmas/{rma}/defective-received/", {"location": "WH-BJ"}),  # not quarantine
    ],
)
def test_a_refused_step_goes_back_to_the_case_with_why_and_writes_nothing(desk, url, body):
    case = _working(desk)
    with clock.frozen(at(5)):
        rma = services.rma_request(case=case, part=desk_part("PWR-C1-715WAC"), by=desk.eng)
    before = (AuditRecord.objects.count(), Rma.objects.count())
    r = client_for(desk.eng, "en").post(
        url.format(case=case.number, rma=rma.number), body, follow=True
    )
    assert r.status_code == 200
    assert r.redirect_chain[-1][0] == f"/cases/{case.number}/"
    assert 'class="message error"' in r.content.decode()
    assert (AuditRecord.objects.count(), Rma.objects.count()) == before
    assert Rma.objects.get().status == "shipped" and Rma.objects.get().tracking_number == ""


def desk_part(number):
    from casedesk.parts.models import Part

    return Part.objects.get(part_number=number)


def test_a_customer_may_not_post_the_rma_steps(desk):
    case = _working(desk)
    customer = make_user("customer", org=desk.org)
    r = client_for(customer, "en").post(
        f"/cases/{case.number}/rmas/", {"part_number": "PWR-C1-715WAC"}
    )
    assert r.status_code in (302, 403, 404)
    assert not Rma.objects.exists()


def test_the_customer_reads_shipped_backordered_and_received_in_the_portal(desk):
    case = _working(desk)
    with clock.frozen(at(5)):
        shipped = services.rma_request(
            case=case,
            part=desk_part("PWR-C1-715WAC"),
            courier="顺丰",
            tracking_number="SF1234",
            by=desk.eng,
        )
        waiting = services.rma_request(case=case, part=desk_part("SFP-10G-SR"), by=desk.eng)
    customer = make_user("customer", org=desk.org)
    with clock.frozen(at(6)):
        r = client_for(customer, "en").get(f"/portal/cases/{case.number}/")
    html = r.content.decode()
    block = page_text(r).split("Replacement parts", 1)[1].split("Details", 1)[0]
    section = html.split('id="rmas"', 1)[1].split("</section>", 1)[0]
    when = clock.local(at(5)).strftime("%Y-%m-%d %H:%M")
    assert (
        f"Replacement part PWR-C1-715WAC (RMA {shipped.number}) shipped on {when}. "
        "Courier 顺丰 no. SF1234." in block
    )
    assert f"Replacement part SFP-10G-SR (RMA {waiting.number}) is on backorder" in block
    for internal in ("WH-BJ", "DP-SH", "北京中心仓", "LIT001"):  # no locations, no serials
        assert internal not in section
    with clock.frozen(at(7)):
        zh = page_text(client_for(customer, "zh-hans").get(f"/portal/cases/{case.number}/"))
    assert f"替换备件 PWR-C1-715WAC（RMA {shipped.number}）已于" in zh and "快递单号 SF1234" in zh

    services.rma_defective_received(
        rma=shipped, location=Location.objects.get(code="QT-BJ"), serial_number="X9", by=desk.eng
    )
    with clock.frozen(at(8)):
        text = page_text(client_for(customer, "en").get(f"/portal/cases/{case.number}/"))
    assert "Defective part received." in text

    # Another organization's customer: nothing, even asked directly.
    stranger = make_user("customer", org=OrganizationFactory(code="ELSE"))
    request = RequestFactory().get("/")
    request.user = stranger
    assert case_panels.portal(request, case) == []
    request.user = customer
    assert len(case_panels.portal(request, case)) == 1


def test_the_console_block_for_staff_only_and_a_few_queries(desk, django_assert_max_num_queries):
    case = _working(desk)
    services.rma_request(case=case, part=desk_part("PWR-C1-715WAC"), by=desk.eng)
    services.rma_request(case=case, part=desk_part("SFP-10G-SR"), by=desk.eng)
    request = RequestFactory().get("/")
    request.user = make_user("customer", org=desk.org)
    assert case_panels.console(request, case) == []
    request.user = desk.eng
    with django_assert_max_num_queries(6):
        [html] = case_panels.console(request, case)
    assert html.count('id="rma-R') == 2
    assert keeper()  # the stock keeper exists: the request form lists locations
