"""The vendor pages and the CASE page's vendor-case panel, in zh-hans and en; the portal says
the CASE is with the vendor and nothing more."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.core import clock
from casedesk.vendors import services
from casedesk.vendors.models import VendorCase, VendorContact
from tests.accounts.factories import make_user
from tests.factories import client_for, page_text
from tests.vendors.factories import make_vendor, make_vendor_case, working_case

pytestmark = pytest.mark.django_db


def test_the_panel_opens_records_and_closes_a_vendor_case():
    case = working_case()
    make_vendor(code="CISCO", name="Cisco TAC")
    client = client_for(case.engineer, "zh-hans")
    page = page_text(client.get(f"/cases/{case.number}/"))
    assert "开立厂商案例" in page and 'id="action-escalate_vendor"' not in page
    r = client.post(f"/cases/{case.number}/vendor-cases/",
                    {"vendor": "CISCO", "reference": "694512345", "severity": "S1", "sent": "show tech"})  # fmt: skip
    assert r.status_code == 302 and r["Location"].endswith("#vendor-cases")
    vc = VendorCase.objects.get(reference="694512345")
    page = page_text(client.get(f"/cases/{case.number}/"))
    assert "下次更新截止" in page and "694512345" in page
    assert "已向Cisco TAC开立厂商案例 694512345，严重级别 S1" in page  # the history, in Chinese
    r = client.post(f"/vendor-cases/{vc.pk}/updates/", {"note": "TAC 要求 debug 输出"})
    assert r.status_code == 302
    page = page_text(client.get(f"/cases/{case.number}/"))
    assert "TAC 要求 debug 输出" in page
    r = client.post(f"/vendor-cases/{vc.pk}/close/", {"note": ""})
    page = page_text(client.get(r["Location"].split("#")[0]))
    assert "已关闭" in page
    # closed: an update is refused with the reason, nothing written
    r = client.post(f"/vendor-cases/{vc.pk}/updates/", {"note": "迟到"}, follow=True)
    assert "已关闭，不能再记录更新" in page_text(r)
    assert vc.updates.count() == 1


def test_bad_input_on_the_panel_says_why_and_writes_nothing():
    case = working_case()
    make_vendor(code="CISCO")
    client = client_for(case.engineer, "en")
    r = client.post(f"/cases/{case.number}/vendor-cases/",
                    {"vendor": "NOPE", "reference": "1", "severity": "S1"}, follow=True)  # fmt: skip
    assert "Unknown vendor" in page_text(r)
    r = client.post(f"/cases/{case.number}/vendor-cases/",
                    {"vendor": "CISCO", "reference": "1", "severity": "S9"}, follow=True)  # fmt: skip
    assert "severity" in page_text(r)
    assert not VendorCase.objects.exists()


def test_a_late_update_is_shown_late():
    t0 = clock.now()
    with clock.frozen(t0):
        vc = make_vendor_case()
    from casedesk.sla import supervisor

    supervisor.run_pass(now=t0 + dt.timedelta(hours=4, minutes=1))
    page = page_text(client_for(vc.case.engineer, "en").get(f"/cases/{vc.case.number}/"))
    assert "late: the engineer has been chased" in page


def test_the_customer_sees_the_vendor_but_not_its_case_number_or_notes():
    case = working_case()
    vc = make_vendor_case(case=case, vendor=make_vendor(code="CISCO", name="Cisco TAC"),
                          reference="694599999")  # fmt: skip
    services.vendor_case_update(vendor_case=vc, note="内部：TAC 怀疑 IOS 缺陷", by=case.engineer)
    customer = make_user("customer", org=case.organization)
    page = page_text(client_for(customer, "zh-hans").get(f"/portal/cases/{case.number}/"))
    assert "我们正与Cisco TAC协同处理此问题" in page
    assert "694599999" not in page and "IOS 缺陷" not in page


def test_vendor_pages_list_detail_contacts_and_edit():
    sup = make_user("supervisor")
    client = client_for(sup, "zh-hans")
    r = client.post("/vendors/", {"code": "huawei", "name": "华为 TAC", "update_hours": "8",
                                  "s1": "2", "active": "on"})  # fmt: skip
    assert r.status_code == 302
    page = page_text(client.get(r["Location"]))
    assert "华为 TAC" in page and "S1: 2 h" in page
    pk = int(r["Location"].rstrip("/").split("/")[-1])
    r = client.post(f"/vendors/{pk}/", {"form": "contact", "name": "张工", "role": "hotline",
                                        "phone": "400-822-9999"})  # fmt: skip
    assert r.status_code == 302 and VendorContact.objects.filter(vendor_id=pk).count() == 1
    r = client.post(f"/vendors/{pk}/", {"form": "contact", "name": "李工", "role": "hotline"})
    assert r.status_code == 400 and "联系人需要电话或电子邮件地址" in page_text(r)
    r = client.post(f"/vendors/{pk}/", {"form": "vendor", "code": "HUAWEI", "name": "华为技术支持",
                                        "update_hours": "12"})  # fmt: skip
    assert r.status_code == 302
    page = page_text(client.get(f"/vendors/{pk}/"))
    assert "华为技术支持" in page and "已停用" in page  # (active unticked)
    # an engineer reads, but the forms are not theirs
    page = page_text(client_for(make_user("engineer"), "en").get(f"/vendors/{pk}/"))
    assert "400-822-9999" in page and "Edit the vendor" not in page
    assert client_for(make_user("engineer"), "en").post(f"/vendors/{pk}/", {}).status_code == 403


def test_the_report_and_its_csv():
    t0 = clock.now()
    with clock.frozen(t0):
        vc = make_vendor_case(vendor=make_vendor(code="CISCO", name="Cisco TAC"))
    with clock.frozen(t0 + dt.timedelta(hours=10)):
        services.vendor_case_close(vendor_case=vc, by=vc.case.engineer)
    month = clock.now().strftime("%Y-%m")
    client = client_for(make_user("cs_manager"), "en")
    page = page_text(client.get(f"/vendors/report/?month={month}"))
    assert "Cisco TAC" in page and "10.0" in page
    r = client.get(f"/vendors/report/?month={month}&format=csv")
    body = r.content.decode("utf-8-sig")
    assert r["Content-Type"].startswith("text/csv")
    assert "CISCO Cisco TAC,1,10.0,10.0,0,0,0" in body
    assert client_for(make_user("engineer"), "en").get("/vendors/report/").status_code == 403


def test_the_report_is_linked_from_the_vendor_list_for_who_may_read_it():
    manager = make_user("cs_manager")
    page = client_for(manager, "en").get("/vendors/").content.decode()
    assert 'href="/vendors/report/"' in page
    engineer_page = client_for(make_user("engineer"), "en").get("/vendors/").content.decode()
    assert 'href="/vendors/report/"' not in engineer_page
