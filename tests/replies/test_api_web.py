"""The reply through the API (POST /cases/{number}/replies) and the console's composer:
two modes that cannot be mistaken, templates filled in for the CASE, refusals that keep
what was written and change nothing."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casedesk.cases import services as cases
from casedesk.cases.models import WorkLog
from casedesk.notify.models import Notification
from tests.accounts.factories import ContactFactory
from tests.cases.factories import make_case
from tests.factories import client_for, database_snapshot, page_text
from tests.replies.factories import make_template


def _worked(case, staff):
    cases.case_assign(case=case, engineer=staff["eng"], by=staff["duty"])
    return cases.case_accept(case=case, by=staff["eng"])


@pytest.mark.django_db
def test_the_api_mails_a_reply_and_answers_201(api, zhang, desk_staff):
    case = _worked(make_case(contact=zhang, by=desk_staff["taker"]), desk_staff)
    response = api(desk_staff["eng"]).post(f"/cases/{case.number}/replies", {"body": "已处理。"})
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["case"] == case.number and out["to"] == "zhang@acme.cn"
    assert out["body"] == "已处理。" and out["author"] == "eng1"
    message = Notification.objects.get(message_id=out["message_id"])
    assert message.to_email == "zhang@acme.cn" and "已处理。" in message.body
    assert WorkLog.objects.get(pk=out["id"]).kind == "reply"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status"),
    [({"body": ""}, 422), ({"body": "  "}, 422), ({}, 422), ({"body": 5}, 422),
     ({"body": "x", "to": "evil@example.com"}, 422)],
)  # fmt: skip
def test_the_api_refuses_bad_bodies_and_writes_nothing(api, zhang, desk_staff, body, status):
    case = _worked(make_case(contact=zhang, by=desk_staff["taker"]), desk_staff)
    before = database_snapshot()
    response = api(desk_staff["eng"]).post(f"/cases/{case.number}/replies", body)
    assert response.status_code == status and response.json()["detail"]
    assert database_snapshot() == before


@pytest.mark.django_db
def test_the_api_says_why_a_case_gets_no_reply(api, acme, zhang, zhang_login, desk_staff):
    silent = make_case(contact=ContactFactory(organization=acme, email=""), by=desk_staff["taker"])
    client = api(desk_staff["duty"])
    response = client.post(f"/cases/{silent.number}/replies", {"body": "hi"})
    assert response.status_code == 422 and "e-mail" in response.json()["detail"]
    case = make_case(contact=zhang, by=desk_staff["taker"])
    assert api(zhang_login).post(f"/cases/{case.number}/replies", {"body": "hi"}).status_code == 403
    assert client.post("/cases/C9999999/replies", {"body": "hi"}).status_code == 404


@pytest.mark.django_db
def test_the_composer_shows_two_modes_and_the_recipient(zhang, desk_staff):
    case = _worked(make_case(contact=zhang, by=desk_staff["taker"], title="链路抖动"), desk_staff)
    make_template(name="已收到")
    make_template(name="Received", language="en", body="Dear {contact}, {number} ({title}) {x}")
    response = client_for(desk_staff["eng"], "zh-hans").get(f"/cases/{case.number}/")
    html = response.content.decode()
    assert (
        'class="composer"' in html
        and 'class="reply-frame"' in html
        and 'class="note-frame"' in html
    )
    text = page_text(response)
    assert "回复客户" in text and "内部备注" in text
    assert "发送至 zhang@acme.cn" in text  # the button names the address
    assert "内部备注只有服务台员工可见" in text
    # Templates filled in for this CASE (the caller's language first), unknown placeholders
    # left as written.
    data = re.search(r'<script id="reply-templates" type="application/json">(.*?)</script>', html)
    offered = [(t["name"], t["text"]) for t in json.loads(data.group(1))]
    assert offered == [
        ("已收到", f"您好，张三：我们已收到 {case.number}（链路抖动），工程师 王建国 正在处理。"),
        ("Received", f"Dear 张三, {case.number} (链路抖动) {{x}}"),
    ]


@pytest.mark.django_db
def test_no_composer_for_a_case_that_cannot_be_worked_or_a_customer(zhang, zhang_login, desk_staff):
    case = _worked(make_case(contact=zhang, by=desk_staff["taker"]), desk_staff)
    cases.case_resolve(case=case, solution="ok", by=desk_staff["eng"])
    cases.case_confirm(case=case, by=zhang_login)
    cases.case_close(case=case, by=desk_staff["taker"])
    html = client_for(desk_staff["eng"]).get(f"/cases/{case.number}/").content.decode()
    assert 'class="composer"' not in html
    portal = client_for(zhang_login).get(f"/portal/cases/{case.number}/").content.decode()
    assert 'class="composer"' not in portal


@pytest.mark.django_db
def test_sending_from_the_console(zhang, desk_staff):
    case = _worked(make_case(contact=zhang, by=desk_staff["taker"]), desk_staff)
    client = client_for(desk_staff["eng"], "zh-hans")
    response = client.post(
        f"/cases/{case.number}/reply/",
        {"body": "请查收附件。", "files": [SimpleUploadedFile("show-tech.txt", b"show tech\n")]},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.number}/#timeline"
    message = Notification.objects.get(dedupe_key__startswith="reply:")
    assert [a["name"] for a in message.attachments] == ["show-tech.txt"]
    page = page_text(client.get(f"/cases/{case.number}/"))
    assert "回复已邮件发送至 zhang@acme.cn。" in page and "请查收附件。" in page


@pytest.mark.django_db
def test_a_refused_reply_keeps_the_text_and_changes_nothing(acme, zhang, desk_staff):
    case = _worked(make_case(contact=zhang, by=desk_staff["taker"]), desk_staff)
    client = client_for(desk_staff["eng"], "zh-hans")
    before = database_snapshot()
    response = client.post(
        f"/cases/{case.number}/reply/",
        {"body": "附件如下", "files": [SimpleUploadedFile("x.exe", b"MZ")]},
    )
    assert response.status_code == 422
    text = page_text(response)
    assert "未发送任何内容。" in text and "请重新选择文件。" in text
    assert "附件如下" in response.content.decode()
    response = client.post(f"/cases/{case.number}/reply/", {"body": "  "})
    assert response.status_code == 422 and "请填写回复：内容为空。" in page_text(response)
    assert database_snapshot() == before

    silent = _worked(
        make_case(contact=ContactFactory(organization=acme, email=""), by=desk_staff["taker"]),
        desk_staff,
    )
    html = client.get(f"/cases/{silent.number}/").content.decode()
    assert "此 CASE 的联系人没有电子邮件地址。" in html
    assert 'class="primary send-reply" name="do" value="reply" disabled' in html


@pytest.mark.django_db
def test_the_internal_note_mode_writes_an_internal_work_log(zhang, zhang_login, desk_staff):
    case = _worked(make_case(contact=zhang, by=desk_staff["taker"]), desk_staff)
    client = client_for(desk_staff["eng"], "zh-hans")
    response = client.post(
        f"/cases/{case.number}/do/log_work/",
        {"kind": "note", "internal": "on", "note": "只给同事看", "minutes": "0", "do": "log_work"},
    )
    assert response.status_code == 302
    log = WorkLog.objects.get(case=case, note="只给同事看")
    assert log.internal and log.kind == "note"
    assert not Notification.objects.filter(case=case, dedupe_key__startswith="reply:").exists()
    assert "只给同事看" not in page_text(
        client_for(zhang_login).get(f"/portal/cases/{case.number}/")
    )


@pytest.mark.django_db
def test_an_administrator_keeps_the_templates_in_the_admin_audited(client):
    from casedesk.core.audit import AuditRecord
    from casedesk.replies.models import ReplyTemplate
    from tests.accounts.factories import make_user

    client.force_login(make_user("admin", username="root"))
    response = client.post(
        "/admin/replies/replytemplate/add/",
        {"name": "已解决", "language": "zh-hans", "body": "{number} 已解决。", "active": "on"},
    )
    assert response.status_code == 302
    template = ReplyTemplate.objects.get(name="已解决")
    (record,) = AuditRecord.objects.filter(object_type="replies.replytemplate")
    assert record.actor == "root" and record.object_id == str(template.pk)
    assert json.loads(record.data)["after"]["body"] == "{number} 已解决。"
