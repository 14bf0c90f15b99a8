"""The engineer's visit page on a phone: check in, the customer signs, check out, the PDF;
the same offline (kept on the phone, sent back online, what the desk refuses said and
dropped); the dispatch page's roster-filtered suggestion; the visits on the CASE's pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from casedesk.core import clock
from casedesk.field import services
from casedesk.field.models import Visit, VisitForm
from casedesk.roster.models import DutyShift
from casedesk.roster.services import shifts_add
from casedesk.sla.models import Deadline
from tests.accounts.factories import make_user
from tests.field.factories import entitled_case, make_visit, signed_visit

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = "casedesk-field-queue"


def _sign(page) -> None:
    page.locator("#pad").scroll_into_view_if_needed()
    box = page.locator("#pad").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 120)
    page.mouse.down()
    for x, y in ((80, 40), (140, 130), (220, 50), (300, 110)):
        page.mouse.move(box["x"] + x, box["y"] + y, steps=5)
    page.mouse.up()


def _kept(page) -> list:
    return json.loads(page.evaluate(f"localStorage.getItem('{QUEUE}') || '[]'"))


def _offline_ready(screen, visit) -> None:
    """The visit page loaded online, its service worker in control and the page cached."""
    page = screen.page
    screen.goto(f"/visits/{visit.pk}/")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")
    kept = """async () => {
        const cache = await caches.open(document.getElementById("visit").dataset.cache);
        return !!(await cache.match(location.pathname, { ignoreVary: true }));
    }"""
    for _ in range(100):  # (wait_for_function would take the promise itself for a yes)
        if page.evaluate(kept):
            return
        page.wait_for_timeout(100)
    pytest.fail("the visit page was never kept for offline use")


def test_check_in_sign_and_check_out_on_a_phone(screens):
    visit = make_visit()
    screen = screens(visit.engineer, phone=True)
    page = screen.page
    page.set_viewport_size({"width": 375, "height": 812})
    screen.goto(f"/visits/{visit.pk}/")
    page.get_by_role("button", name="到场签到").click()
    page.wait_for_selector("#check-out")
    assert Visit.objects.get(pk=visit.pk).status == "on_site"
    page.fill("textarea[name=work_done]", "更换光模块，端口恢复正常")
    page.fill("input[name=customer_name]", "李工")
    _sign(page)
    screen.shot("field-visit-signing")
    page.get_by_role("button", name="客户签名 · 签退").click()
    page.wait_for_selector("#report, #queued:not([hidden])")
    assert page.locator("#queued").is_hidden(), page.locator("#queued").inner_text()
    assert Visit.objects.get(pk=visit.pk).status == "done"
    form = VisitForm.objects.get(visit=visit)
    screen.shot("field-visit-done")
    response = page.request.get(screen.base_url + f"/visits/{visit.pk}/report.pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF-")
    assert form.sha256


def test_offline_the_steps_are_kept_on_the_phone_and_sent_back_online(screens):
    visit = make_visit()
    screen = screens(visit.engineer, phone=True)
    page = screen.page
    _offline_ready(screen, visit)

    # A probe, not a step: had the reload below reached the desk, it would show this.
    Visit.objects.filter(pk=visit.pk).update(tools="只在服务器上")
    screen.context.set_offline(True)
    response = page.reload()  # no network: the page comes from the service worker's cache
    assert response is not None and response.from_service_worker
    assert "光功率计" in screen.body_text() and "只在服务器上" not in screen.body_text()
    page.get_by_role("button", name="到场签到").click()
    page.wait_for_selector("#queued:not([hidden])")
    page.wait_for_selector("#check-out")  # on site: the check-out form opens at once
    assert page.locator("#check-in").is_hidden()
    assert [item["fields"]["step"] for item in _kept(page)] == ["check_in"]
    assert Visit.objects.get(pk=visit.pk).status == "scheduled"  # nothing reached the desk

    page.fill("textarea[name=work_done]", "更换电源模块，设备恢复")
    page.fill("input[name=customer_name]", "王经理")
    _sign(page)
    page.get_by_role("button", name="客户签名 · 签退").click()
    page.wait_for_function(f"JSON.parse(localStorage.getItem('{QUEUE}')).length === 2")
    assert page.locator("#check-out").is_hidden() and page.locator("#queued").is_visible()
    tapped = [dt.datetime.fromisoformat(i["fields"]["at"]) for i in _kept(page)]
    screen.shot("field-visit-offline")
    page.reload()  # still offline: still kept, still said
    page.wait_for_selector("#queued:not([hidden])")
    assert len(_kept(page)) == 2
    fresh = Visit.objects.get(pk=visit.pk)
    assert fresh.status == "scheduled" and not VisitForm.objects.filter(visit=visit).exists()

    screen.context.set_offline(False)  # the `online` event sends what was kept, in order
    page.wait_for_selector("#report", timeout=20_000)
    assert _kept(page) == []
    visit.refresh_from_db()
    assert visit.status == "done" and visit.work_done == "更换电源模块，设备恢复"
    # The times are those of the taps, not of the sending.
    assert abs(visit.checked_in_at - tapped[0]) < dt.timedelta(seconds=1)
    assert abs(visit.checked_out_at - tapped[1]) < dt.timedelta(seconds=1)
    form = VisitForm.objects.get(visit=visit)
    assert form.version == 1 and form.content["customer_name"] == "王经理"
    assert Deadline.objects.get(key=visit.deadline_key).met_at == visit.checked_in_at


def test_what_the_desk_refuses_is_said_and_dropped_not_retried(screens):
    visit = make_visit()
    screen = screens(visit.engineer, phone=True)
    screen.allow_console(r"status of 409")  # the browser's own note of the refusal
    page = screen.page
    _offline_ready(screen, visit)
    screen.context.set_offline(True)
    page.get_by_role("button", name="到场签到").click()
    page.wait_for_selector("#check-out")
    page.fill("textarea[name=work_done]", "检查链路，更换跳线")
    page.fill("input[name=customer_name]", "李工")
    _sign(page)
    page.get_by_role("button", name="客户签名 · 签退").click()
    page.wait_for_function(f"JSON.parse(localStorage.getItem('{QUEUE}')).length === 2")

    # Meanwhile the desk called the visit off.
    services.visit_cancel(visit=visit, reason="客户改约", by=make_user("duty_engineer"))
    screen.context.set_offline(False)
    page.wait_for_selector("#refused:not([hidden])", timeout=20_000)
    said = page.locator("#refused").inner_text()
    assert "签到" in said and "签退" in said and "已取消" in said
    assert "检查链路，更换跳线" in said  # what was entered is not lost from sight
    assert _kept(page) == []  # dropped: never sent again
    visit.refresh_from_db()
    assert visit.status == "cancelled" and visit.checked_in_at is None
    assert not VisitForm.objects.filter(visit=visit).exists()
    screen.shot("field-visit-refused")
    page.reload()  # said once; nothing is sent again
    page.wait_for_load_state("networkidle")
    assert page.locator("#refused").is_hidden() and _kept(page) == []


def test_the_dispatch_page_suggests_the_engineer_on_the_roster_then(screens):
    case = entitled_case(onsite_hours=4, title="核心交换机 BGP 邻居反复断开")
    on_shift = make_user(
        "engineer", username="fld.zhao", skills=("BGP",), last_name="赵", first_name="磊"
    )
    off_shift = make_user(
        "engineer", username="fld.qian", skills=("BGP",), last_name="钱", first_name="明"
    )
    now = clock.now()
    shifts_add(
        shifts=[
            DutyShift(
                user=on_shift,
                starts_at=now,
                ends_at=now + dt.timedelta(hours=8),
                duty_engineer=False,
            ),
            DutyShift(
                user=off_shift,
                starts_at=now + dt.timedelta(days=1),
                ends_at=now + dt.timedelta(days=1, hours=8),
                duty_engineer=False,
            ),
        ],
        by=None,
    )
    duty = make_user("duty_engineer")
    screen = screens(duty)
    page = screen.page
    screen.goto(f"/cases/{case.number}/")
    page.get_by_role("link", name="派工程师上门").click()
    page.wait_for_url(f"**/cases/{case.number}/visits/new/")
    suggested = page.locator("form li code").all_inner_texts()
    assert suggested and suggested[0] == "fld.zhao" and "fld.qian" not in suggested
    screen.shot("field-dispatch")
    at = (now + dt.timedelta(hours=3)).astimezone(clock.desk_zone())
    # the best suggested is filled in; choosing another from the list fills that one
    assert page.input_value("input[name=engineer]") == "fld.zhao"
    page.fill("input[name=engineer]", "")
    page.locator("form li a", has_text="fld.zhao").click()
    page.wait_for_url("**/visits/new/?engineer=fld.zhao")
    assert page.input_value("input[name=engineer]") == "fld.zhao"
    page.fill("input[name=scheduled_at]", at.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=parts]", "PWR-C1")
    page.get_by_role("button", name="派工", exact=True).click()
    page.wait_for_selector("#visit")
    visit = Visit.objects.get(case=case)
    assert visit.engineer == on_shift and visit.parts == ["PWR-C1"]
    assert visit.scheduled_at == at.replace(second=0, microsecond=0)
    deadline = Deadline.objects.get(case=case, key=visit.deadline_key)
    assert deadline.kind == "onsite_arrival" and deadline.target_minutes == 4 * 60


def test_the_visits_on_the_case_pages(screens):
    visit = signed_visit()
    case = visit.case
    make_visit(case=case)
    staff = screens(make_user("duty_engineer"))
    staff.goto(f"/cases/{case.number}/")
    assert staff.page.locator("#visits tr.visit").count() == 2
    assert staff.page.locator('#visits td.arrival[data-state="met"]').count() == 1
    staff.page.locator("#visits").scroll_into_view_if_needed()
    staff.shot("field-case-panel")

    customer = screens(make_user("customer", org=case.organization))
    customer.goto(f"/portal/cases/{case.number}/")
    assert customer.page.locator("#visits li.visit").count() == 2
    assert visit.engineer.display_name in customer.page.locator("#visits").inner_text()
    customer.shot("portal-visits")
    with customer.page.expect_download() as download:
        customer.page.locator("#visits a.report").click()
    path = download.value.path()
    assert path is not None and path.read_bytes().startswith(b"%PDF-")
