"""The complaint pages: the list (open first, overdue marked), one complaint and its steps,
the monthly counts, the console's form, and the portal's "Make a complaint"."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.complaints.models import Complaint
from casedesk.core import clock
from tests.accounts.factories import OrganizationFactory
from tests.complaints.factories import make_complaint
from tests.factories import client_for, make_case, make_user, page_text

pytestmark = pytest.mark.django_db


def test_the_list_puts_open_first_and_marks_the_overdue():
    org = OrganizationFactory(code="ACME", name="艾克米")
    old = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)
    with clock.frozen(old):
        late = make_complaint(org=org, description="迟迟没人理")
    done = make_complaint(org=org, description="已经处理")
    csm = make_user("cs_manager")
    from casedesk.complaints import services

    services.complaint_resolve(complaint=done, resolution="已道歉", by=csm)
    fresh = make_complaint(org=org, description="刚提出")
    response = client_for(csm, "zh-hans").get("/complaints/")
    text = page_text(response)
    assert response.status_code == 200
    assert text.index(fresh.number) < text.index(late.number) < text.index(done.number)
    assert "已超时" in text
    en = page_text(client_for(csm, "en").get("/complaints/"))
    assert "overdue" in en and "Complaints" in en


def test_a_complaint_page_takes_its_steps():
    complaint = make_complaint(description="工程师态度不好")
    csm = make_user("cs_manager")
    client = client_for(csm, "zh-hans")
    url = f"/complaints/{complaint.number}/"
    assert "工程师态度不好" in page_text(client.get(url))
    refused = client.post(url + "resolve/", {"text": ""})
    assert refused.status_code == 400 and "请说明投诉是如何解决的" in page_text(refused)
    assert client.post(url + "acknowledge/", {"text": "收到"}).status_code == 302
    assert client.post(url + "resolve/", {"text": "已道歉"}).status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).status == "resolved"
    engineer = client_for(make_user("engineer"), "zh-hans")
    assert engineer.post(url + "close/", {}).status_code == 403
    assert client.get("/complaints/K0000000/").status_code == 404


def test_the_console_form_and_the_monthly_counts():
    org = OrganizationFactory(code="ACME", name="艾克米")
    desk = make_user("call_taker")
    case = make_case(org=org, by=desk)
    client = client_for(desk, "zh-hans")
    bad = client.post(
        "/complaints/new/", {"organization": "ACME", "description": "", "source": "phone"}
    )
    assert bad.status_code == 400 and not Complaint.objects.exists()
    made = client.post(
        "/complaints/new/",
        {"organization": "ACME", "description": "回电太慢", "case": case.number, "source": "phone"},
    )
    assert made.status_code == 302
    complaint = Complaint.objects.get()
    assert list(complaint.cases.all()) == [case]
    report = page_text(client.get("/complaints/report/"))
    assert "艾克米" in report and clock.local(clock.now()).strftime("%Y-%m") in report


def test_a_customer_makes_a_complaint_in_the_portal():
    org = OrganizationFactory(code="MINE")
    customer = make_user("customer", org=org)
    client = client_for(customer, "zh-hans")
    page = client.get("/portal/complaint/")
    assert page.status_code == 200 and "我要投诉" in page_text(page)
    done = client.post("/portal/complaint/", {"description": "备件一周才到"})
    assert done.status_code == 200 and "已提交" in page_text(done)
    complaint = Complaint.objects.get()
    assert complaint.organization == org and complaint.source == "portal"
    other = OrganizationFactory(code="THEIRS")
    theirs = make_complaint(org=other, description="别人的投诉")
    assert "别人的投诉" not in page_text(client.get("/portal/complaint/"))
    assert theirs.number not in page_text(client.get("/portal/complaint/"))


def test_a_complaint_by_phone_for_any_organization_named_by_its_case():
    org = OrganizationFactory(code="PHONE1", name="电话客户")
    other = OrganizationFactory(code="PHONE2", name="另一家")
    desk = make_user("call_taker")
    case = make_case(org=org, by=desk)
    client = client_for(desk, "zh-hans")
    form = page_text(client.get("/complaints/new/"))
    assert "电话" in form and "CASE 编号" in form
    # Neither an organization nor a CASE: the form says what it needs.
    bad = client.post("/complaints/new/", {"description": "态度差", "source": "phone"})
    assert bad.status_code == 400 and "请选择客户单位，或填写 CASE 编号" in page_text(bad)
    # Another organization's CASE: refused, nothing filed.
    bad = client.post(
        "/complaints/new/",
        {"organization": "PHONE2", "description": "态度差", "case": case.number, "source": "phone"},
    )
    assert bad.status_code == 400 and case.number in page_text(bad)
    unknown = client.post(
        "/complaints/new/", {"description": "态度差", "case": "C9999999", "source": "phone"}
    )
    assert unknown.status_code == 400 and "C9999999" in page_text(unknown)
    assert not Complaint.objects.exists()
    # The CASE alone names the organization.
    made = client.post(
        "/complaints/new/",
        {"description": "回电太慢", "case": case.number.lower(), "source": "phone"},
    )
    assert made.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.organization == org and complaint.source == "phone"
    assert list(complaint.cases.all()) == [case] and complaint.created_by == desk
    assert other.pk != complaint.organization_id


def test_the_portal_menu_offers_a_complaint_to_customers():
    customer = make_user("customer", org=OrganizationFactory(code="MENU1"))
    home = client_for(customer, "zh-hans").get("/portal/")
    html = home.content.decode()
    assert 'href="/portal/complaint/"' in html and "我要投诉" in html
