"""The vendor-case panel in Chromium: a senior engineer opens a Cisco TAC case from the CASE
page (zh-hans), records the vendor's update, sees the next update due and, after the clock
fired, the late mark; the English page; a bad reference refused on the page, nothing written.
Screenshots into docs/screenshots/issue-16/."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from casedesk.core import clock
from casedesk.sla import supervisor
from casedesk.vendors import services
from casedesk.vendors.models import VendorCase
from tests.accounts.factories import make_user
from tests.vendors.factories import working_case

pytestmark = pytest.mark.django_db(transaction=True)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "issue-16"


def _english(role: str, username: str):
    user = make_user(role, username=username)
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def _keep(path: Path, name: str) -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, DOCS / name)


def _desk():
    sup = make_user("supervisor", username="sup.wang")
    cisco = services.vendor_create(
        code="CISCO", name="Cisco TAC", email="tac@cisco.com", update_hours=4,
        support_hours="7×24（S1/S2）", severity_hours={"S1": 1}, by=sup,
    )  # fmt: skip
    services.vendor_contact_add(
        vendor=cisco, name="TAC 热线", role="hotline", phone="400-810-8886", by=sup
    )
    services.vendor_create(code="CT-LINE", name="中国电信 专线", update_hours=8, by=sup)
    return working_case(title="ASR 1002-X 反复重启")


def _open(page, reference: str) -> None:
    form = page.locator("#vendor-case-open")
    form.locator("#vc-vendor").select_option("CISCO")
    form.locator("#vc-reference").fill(reference)
    form.locator("#vc-severity").select_option("S1")
    form.locator("#vc-sent").fill("show tech-support 与 crashinfo 已上传 TAC")
    with page.expect_navigation():
        form.get_by_role("button").click()


def test_the_vendor_case_panel_in_chinese_and_english(screens):
    case = _desk()
    engineer = case.engineer
    screen = screens(engineer)  # zh-hans
    page = screen.page
    screen.goto(f"/cases/{case.number}/")
    assert page.locator("#vendor-cases").is_visible()
    assert page.locator("#action-escalate_vendor").count() == 0

    screen.allow_console(r"status of 4\d\d")
    _open(page, "6945 12345")  # a number with a space: refused, said on the page
    assert "厂商案例号不能包含空格" in page.locator("body").inner_text()
    assert not VendorCase.objects.exists()

    _open(page, "694512345")
    panel = page.locator("#vendor-cases")
    text = panel.inner_text()
    assert "Cisco TAC" in text and "694512345" in text and "下次更新截止" in text
    assert "已向Cisco TAC开立厂商案例 694512345" in page.locator("#timeline").inner_text()

    vc = VendorCase.objects.get()
    panel.locator(f"#vc-note-{vc.pk}").fill("TAC 工程师要求收集 debug platform 输出")
    with page.expect_navigation():
        panel.get_by_role("button", name="记录更新").click()
    assert "TAC 工程师要求收集 debug platform 输出" in page.locator("#vendor-cases").inner_text()
    page.locator("#vendor-cases").scroll_into_view_if_needed()
    _keep(screen.shot("panel-zh"), "vendor-case-panel-zh.png")

    # an hour later (S1) with no word from the vendor: the clock chased the engineer
    vc.refresh_from_db()
    supervisor.run_pass(now=vc.last_update_at + dt.timedelta(hours=1, minutes=1))
    english = screens(_english("supervisor", "sup.en"))
    english.goto(f"/cases/{case.number}/")
    panel_en = english.page.locator("#vendor-cases")
    assert "late: the engineer has been chased" in panel_en.inner_text()
    panel_en.scroll_into_view_if_needed()
    _keep(english.shot("panel-en"), "vendor-case-panel-en.png")


def test_the_vendor_pages_and_report(screens):
    case = _desk()
    t0 = clock.now()
    with clock.frozen(t0 - dt.timedelta(hours=30)):
        vc = services.vendor_case_open(
            case=case, vendor=services.Vendor.objects.get(code="CISCO"), reference="694500001",
            severity="S2", by=case.engineer,
        )  # fmt: skip
    with clock.frozen(t0 - dt.timedelta(hours=2)):
        services.vendor_case_close(vendor_case=vc, by=case.engineer)
    sup = make_user("supervisor", username="sup.li")
    zh = screens(sup)
    zh.goto("/vendors/")
    assert "中国电信 专线" in zh.page.locator("#vendors").inner_text()
    _keep(zh.shot("vendors-zh"), "vendors-zh.png")
    zh.page.get_by_role("link", name="CISCO").click()
    zh.page.wait_for_url("**/vendors/*/")
    assert "400-810-8886" in zh.page.locator("#contacts").inner_text()
    _keep(zh.shot("vendor-zh"), "vendor-detail-zh.png")
    zh.goto("/vendors/report/")
    assert "Cisco TAC" in zh.page.locator("#time-at-vendor").inner_text()
    _keep(zh.shot("report-zh"), "time-at-vendor-zh.png")
    en = screens(_english("cs_manager", "csm.en"))
    en.goto("/vendors/report/")
    assert "median hours" in en.page.locator("#time-at-vendor").inner_text()
    _keep(en.shot("report-en"), "time-at-vendor-en.png")
