"""The CASE page in Chromium: files (thumbnails, preview, upload), work logs that keep pasted
output's layout, countdowns that read as words and tick with the server's wording, and the
admin refusing a non-administrator with the desk's page instead of a redirect loop."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from casedesk.cases import attachments, services
from casedesk.cases.models import Attachment
from casedesk.core import clock
from casedesk.web.templatetags.console import countdown_text
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

EXPECTED_REFUSAL = r"status of 4(03|04|22)"

SHOW_INTERFACE = """\
Router#show interfaces GigabitEthernet0/1
GigabitEthernet0/1 is up, line protocol is down (notconnect)
  Hardware is C6k 1000Mb 802.3, address is 0012.7f5a.1b01 (bia 0012.7f5a.1b01)
  MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec,
     reliability 255/255, txload 1/255, rxload 1/255
  Input queue: 0/2000/0/0 (size/max/drops/flushes); Total output drops: 0
  5 minute input rate 0 bits/sec, 0 packets/sec
     1523 input errors, 1523 CRC, 0 frame, 0 overrun, 0 ignored"""

IP_BRIEF = """\
Interface              IP-Address      OK? Method Status                Protocol
GigabitEthernet0/0     10.10.1.1       YES NVRAM  up                    up
GigabitEthernet0/1     10.10.2.1       YES NVRAM  up                    down
Loopback0              1.1.1.1         YES NVRAM  up                    up"""

TOPOLOGY_HTML = """
<div id="diagram" style="width:480px;height:270px;background:#f8fafc;font:14px sans-serif;
  position:relative;border:1px solid #cbd2d9">
  <div style="position:absolute;left:190px;top:20px;width:100px;padding:8px;background:#1d4ed8;
    color:#fff;text-align:center;border-radius:6px">Core-SW1</div>
  <div style="position:absolute;left:40px;top:180px;width:100px;padding:8px;background:#047857;
    color:#fff;text-align:center;border-radius:6px">Access-1</div>
  <div style="position:absolute;left:340px;top:180px;width:100px;padding:8px;background:#b91c1c;
    color:#fff;text-align:center;border-radius:6px">Access-2 ✕</div>
  <svg width="480" height="270" style="position:absolute;left:0;top:0">
    <line x1="240" y1="58" x2="90" y2="180" stroke="#334155" stroke-width="3"/>
    <line x1="240" y1="58" x2="390" y2="180" stroke="#b91c1c" stroke-width="3"
      stroke-dasharray="8 6"/>
  </svg>
  <div style="position:absolute;left:300px;top:110px;color:#b91c1c">Gi0/1 CRC</div>
</div>"""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png_of_a_diagram(browser) -> bytes:
    """A real PNG (a little network diagram) drawn by the same Chromium."""
    page = browser.new_page()
    try:
        page.set_content(TOPOLOGY_HTML)
        return page.locator("#diagram").screenshot()
    finally:
        page.close()


@pytest.fixture
def world(transactional_db):
    org = OrganizationFactory(code="CTBJ", name="中国电信北京分公司", service_level="gold")
    contact = ContactFactory(organization=org, name="张三", phone="13800138000")
    duty = make_user("duty_engineer", username="duty")
    senior = make_user("engineer", username="se.zhao", tier="senior")
    senior.first_name, senior.last_name = "刚", "赵"
    senior.save(update_fields=["first_name", "last_name"])
    customer = make_user("customer", username="cust", org=org)
    case = make_case(
        contact=contact,
        by=duty,
        title="核心交换机 Gi0/1 端口 CRC 错误",
        priority="P2",
        hardware_platform="Catalyst 6509-E",
        software_version="IOS 15.1(2)SY",
        description="客户反映访问业务系统时断时续。\n接入交换机 Access-2 上联口告警。",
    )
    services.case_assign(case=case, engineer=senior, by=duty)
    services.case_accept(case=case, by=senior)
    return {"duty": duty, "senior": senior, "customer": customer, "case": case}


def test_the_case_page_shows_files_and_pasted_output_as_it_was(screens, browser, world):
    case, senior, customer = world["case"], world["senior"], world["customer"]
    png = png_of_a_diagram(browser)
    [image] = attachments.case_attach(
        case=case,
        uploads=[SimpleUploadedFile("拓扑图.png", png, content_type="image/png")],
        by=customer,
    )
    services.case_log_work(
        case=case,
        kind="remote",
        note=f"远程登录核心交换机检查上联口：\n{SHOW_INTERFACE}\n\n"
        f"CRC 错误持续增长，怀疑光模块故障。\n\n{IP_BRIEF}",
        minutes=25,
        by=senior,
    )
    screen = screens(senior)
    screen.goto(f"/cases/{case.number}/")

    # 11: the pasted output keeps every space, in a monospaced block
    blocks = screen.page.locator("#timeline pre")
    assert blocks.count() == 2
    assert blocks.nth(0).inner_text() == SHOW_INTERFACE
    assert blocks.nth(1).inner_text() == IP_BRIEF
    style = blocks.nth(0).evaluate(
        "e => [getComputedStyle(e).whiteSpace, getComputedStyle(e).fontFamily]"
    )
    assert style[0] == "pre" and "monospace" in style[1]
    prose = screen.page.locator("#timeline .markup p").first.inner_text()
    assert prose == "远程登录核心交换机检查上联口："

    # 8: the customer's image is shown on the page (loaded, not broken)
    thumbs = screen.page.locator("#files .thumb img")
    assert thumbs.count() == 1
    thumbs.first.scroll_into_view_if_needed()
    screen.page.wait_for_function(
        "() => { const i = document.querySelector('#files .thumb img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    width = int.from_bytes(png[16:20], "big")  # the PNG's own width (IHDR)
    assert thumbs.first.evaluate("i => i.naturalWidth") == width
    timeline_thumb = screen.page.locator("#timeline .thumb img")
    assert timeline_thumb.count() == 1
    shot = screen.shot("case-page-with-output-and-image")
    assert shot.exists()

    # the preview opens in the browser as an image with the protective headers
    response = screen.page.request.get(
        screen.base_url + f"/cases/{case.number}/files/{image.pk}/view/"
    )
    assert response.status == 200
    headers = response.headers
    assert headers["content-type"] == "image/png"
    assert headers["content-disposition"].startswith("inline")
    assert headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in headers["content-security-policy"]
    assert response.body() == png

    viewer = screens(senior)
    viewer.goto(f"/cases/{case.number}/files/{image.pk}/view/")
    shown = viewer.page.evaluate("() => document.images.length && document.images[0].naturalWidth")
    assert shown == width


def test_an_engineer_attaches_files_from_the_case_page(screens, browser, world):
    case, senior, customer = world["case"], world["senior"], world["customer"]
    screen = screens(senior)
    screen.goto(f"/cases/{case.number}/")
    screen.page.locator("#attach > summary").click()
    screen.page.locator("#id_attach_files").set_input_files(
        [
            {"name": "show tech.txt", "mimeType": "text/plain", "buffer": SHOW_INTERFACE.encode()},
            {"name": "拓扑.png", "mimeType": "image/png", "buffer": png_of_a_diagram(browser)},
        ]
    )
    # the chosen files are listed before sending (the portal's script)
    assert "show tech.txt" in screen.page.locator("#attach .file-list").inner_text()
    with screen.page.expect_navigation():
        screen.page.locator("#attach button[type=submit]").click()
    assert re.search(r"2 (个文件|files)", screen.page.locator(".messages").inner_text())
    assert screen.page.url.endswith("#files")
    names = screen.page.locator("#files .file-name").all_inner_texts()
    assert names == ["show tech.txt", "拓扑.png"]
    assert {a.uploaded_by_id for a in Attachment.objects.all()} == {senior.pk}

    # an internal one: the desk sees it marked, the customer never sees it
    screen.page.locator("#attach > summary").click()
    screen.page.locator("#id_attach_files").set_input_files(
        [{"name": "合同.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    screen.page.locator("#id_attach_internal").check()
    with screen.page.expect_navigation():
        screen.page.locator("#attach button[type=submit]").click()
    row = screen.page.locator("#files .attachment", has_text="合同.pdf")
    assert row.locator(".badge.internal").is_visible()
    screen.shot("case-files-after-upload")

    # a refused type: the page says why, nothing stored
    screen.page.locator("#attach > summary").click()
    screen.allow_console(EXPECTED_REFUSAL)
    screen.page.locator("#id_attach_files").set_input_files(
        [{"name": "payload.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}]
    )
    assert "payload.exe" in screen.page.locator("#attach .file-list .bad").inner_text()
    with screen.page.expect_navigation():
        screen.page.locator("#attach button[type=submit]").click()
    assert "payload.exe" in screen.page.locator(".alert-error").inner_text()
    assert Attachment.objects.count() == 3

    portal = screens(customer)
    portal.goto(f"/portal/cases/{case.number}/")
    text = portal.body_text()
    assert "拓扑.png" in text and "合同.pdf" not in text


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_countdowns_read_as_words_and_the_script_words_them_like_the_server(
    screens, world, language
):
    duty = world["duty"]
    duty.language = language
    duty.save(update_fields=["language"])
    contact = world["case"].contact
    # A P1 opened 3 h 37 min ago: its 15-minute callback is 3 h 22 min overdue.
    with clock.frozen(clock.now() - dt.timedelta(hours=3, minutes=37, seconds=20)):
        late = make_case(contact=contact, by=duty, title="全网中断", priority="P1")
    fresh = make_case(contact=contact, by=duty, title="咨询配置", priority="P4")

    plain = screens(duty, javascript=False)
    live = screens(duty)
    for case in (late, fresh):
        plain.goto(f"/cases/{case.number}/")
        live.goto(f"/cases/{case.number}/")
        server = plain.page.locator(".countdown[data-due]").all_inner_texts()
        live.page.wait_for_timeout(1200)  # a tick or two of the script
        ticked = live.page.locator(".countdown[data-due]").all_inner_texts()
        assert server and ticked == server, (server, ticked)
        for text in server:
            assert not re.search(r"\d:\d\d|-\d", text), text
    # the late one, in the reader's words
    plain.goto(f"/cases/{late.number}/")
    first = plain.page.locator(".deadline-overdue .countdown").first.inner_text()
    with translation.override(language):
        expected = countdown_text(-(3 * 3600 + 22 * 60 + 20))
    assert first == expected
    assert first == ("超时 3 小时 22 分" if language == "zh-hans" else "3 h 22 min overdue")
    live.goto(f"/cases/{late.number}/")
    live.shot(f"countdowns-{language}")


def test_the_admin_refuses_a_non_administrator_with_the_desks_page(screens, world):
    senior, customer = world["senior"], world["customer"]
    screen = screens(senior)
    screen.allow_console(EXPECTED_REFUSAL)
    screen.goto("/admin/", status=403)
    assert screen.page.url.endswith("/admin/")  # no redirect, let alone a loop
    assert "管理后台仅供系统管理员使用。" in screen.body_text()
    assert screen.page.locator("link[href$='web/console.css']").count() == 1
    screen.shot("admin-refused-engineer")
    screen.page.get_by_role("link", name="返回工作台").click()
    screen.page.wait_for_url("**/mine/")

    screen.goto("/cases/C0000000/files/1/", status=404)
    assert "未找到" in screen.page.title() and "没有 CASE C0000000。" in screen.body_text()
    screen.goto("/no-such-page/", status=404)
    assert "没有这个页面。" in screen.body_text()
    screen.shot("not-found-engineer")

    shopper = screens(customer)
    shopper.allow_console(EXPECTED_REFUSAL)
    shopper.goto("/admin/", status=403)
    shopper.page.get_by_role("link", name="前往客户之家").click()
    shopper.page.wait_for_url("**/portal/")

    admin = screens(make_user("admin", username="root"))
    admin.goto("/admin/")
    assert admin.page.locator("#site-name").count() == 1
