"""The reply composer in the browser: a reply to the customer and an internal note look
nothing alike, a template fills the reply in for the CASE, a file goes with it, and the
reply lands in the timeline and in the outbox."""

from __future__ import annotations

from casedesk.cases import services as cases
from casedesk.notify.models import Notification
from tests.accounts.factories import ContactFactory, OrganizationFactory, make_user
from tests.cases.factories import make_case
from tests.replies.factories import make_template


def test_an_engineer_replies_to_the_customer_from_the_case(screens, transactional_db, tmp_path):
    org = OrganizationFactory(code="ACME", name="中国电信北京分公司", service_level="gold")
    zhang = ContactFactory(organization=org, name="张三", email="zhang@acme.cn")
    duty = make_user("duty_engineer", username="duty")
    eng = make_user("engineer", username="eng1", tier="senior", first_name="建国", last_name="王")
    case = make_case(contact=zhang, by=duty, title="核心交换机掉线")
    cases.case_assign(case=case, engineer=eng, by=duty)
    cases.case_accept(case=case, by=eng)
    make_template(name="请提供日志", body="{contact}，您好：请提供 {number} 的设备日志。")

    screen = screens(eng)
    screen.goto(f"/cases/{case.number}/")
    page = screen.page
    reply_frame, note_frame = page.locator(".reply-frame"), page.locator(".note-frame")
    assert reply_frame.is_visible() and not note_frame.is_visible()
    send = page.get_by_role("button", name="发送至 zhang@acme.cn")
    assert send.is_visible()
    assert "张三" in page.locator(".reply-to").inner_text()

    page.get_by_label("从模板开始").select_option(label="请提供日志 (zh-hans)")
    body = page.locator("#id_reply_body")
    assert body.input_value() == f"张三，您好：请提供 {case.number} 的设备日志。"
    body.fill(body.input_value() + "\n谢谢。")
    log = tmp_path / "show-tech.txt"
    log.write_text("show tech-support\n")
    page.locator("#id_reply_files").set_input_files(str(log))
    screen.shot("case-reply-composer")

    # The other mode: a dashed grey frame that says it stays inside.
    page.locator("label.mode-note").click()
    assert note_frame.is_visible() and not reply_frame.is_visible()
    assert "客户永远看不到" in note_frame.inner_text()
    colours = page.evaluate(
        """() => [getComputedStyle(document.querySelector('.reply-frame')).borderTopStyle,
                  getComputedStyle(document.querySelector('.note-frame')).borderTopStyle]"""
    )
    assert colours == ["solid", "dashed"]
    screen.shot("case-note-composer")

    page.locator("label.mode-reply").click()
    send.click()
    page.wait_for_url(f"**/cases/{case.number}/#timeline")
    assert "回复已邮件发送至 zhang@acme.cn。" in page.locator(".messages").inner_text()
    timeline = page.locator("#timeline").inner_text()
    assert "谢谢。" in timeline and "已邮件发送至 zhang@acme.cn。" in timeline
    message = Notification.objects.get(dedupe_key__startswith="reply:")
    assert [a["name"] for a in message.attachments] == ["show-tech.txt"]
    assert "谢谢。" in message.body
