"""The engineer's visit page on a phone: check in, the customer signs, check out, the PDF."""

from __future__ import annotations

import pytest

from casedesk.field.models import Visit, VisitForm
from tests.field.factories import make_visit

pytestmark = pytest.mark.django_db(transaction=True)


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
    page.locator("#pad").scroll_into_view_if_needed()
    box = page.locator("#pad").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 120)
    page.mouse.down()
    for x, y in ((80, 40), (140, 130), (220, 50), (300, 110)):
        page.mouse.move(box["x"] + x, box["y"] + y, steps=5)
    page.mouse.up()
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
