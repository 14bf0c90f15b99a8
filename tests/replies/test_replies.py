"""A reply written on the CASE reaches its contact over real SMTP, threaded so that the
customer's answer lands on the CASE; it is public in the portal (an internal note never
is); the gateway's loop protection holds; bad input changes nothing."""

from __future__ import annotations

import json
from email.utils import make_msgid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casedesk.cases import services as cases
from casedesk.cases.models import Attachment, WorkLog
from casedesk.core.audit import AuditRecord
from casedesk.core.errors import Forbidden, InvalidInput
from casedesk.mailgate import services as gateway
from casedesk.mailgate.models import InboundMessage
from casedesk.notify import services as outbox
from casedesk.notify.models import Notification, root_id
from casedesk.replies import services
from tests.cases.factories import make_case
from tests.factories import client_for, database_snapshot, page_text

from .conftest import DESK


@pytest.fixture(autouse=True)
def _english_reasons():
    """Refusals in English, to read them (the desk's language is Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _worked(case, staff):
    cases.case_assign(case=case, engineer=staff["eng"], by=staff["duty"])
    return cases.case_accept(case=case, by=staff["eng"])


def _mail(*, frm: str, subject: str, body: str, in_reply_to: str = "", headers=()) -> bytes:
    lines = [
        f"From: {frm}",
        f"To: {DESK}",
        f"Subject: {subject}",
        f"Message-ID: {make_msgid(domain='acme.cn')}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        *headers,
    ]
    if in_reply_to:
        lines += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


@pytest.mark.django_db
def test_a_reply_reaches_the_contact_threaded_with_its_file(smtp, zhang, zhang_login, desk_staff):
    case = _worked(
        make_case(contact=zhang, by=desk_staff["taker"], title="核心交换机掉线"), desk_staff
    )
    # The customer wrote about it by mail: the reply answers that mail.
    theirs = gateway.ingest_bytes(
        _mail(
            frm="张三 <zhang@acme.cn>",
            subject=f"Re: [{case.number}] 核心交换机掉线",
            body="日志见附件说明。",
        )
    )
    assert theirs.case == case
    outbox.deliver_due()
    smtp.clear()

    reply = services.case_reply(
        case=case,
        body="请升级到 17.9.5 后观察。",
        uploads=[SimpleUploadedFile("升级步骤.pdf", PDF, content_type="application/pdf")],
        by=desk_staff["eng"],
    )
    assert outbox.deliver_due().sent == 1

    (mail,) = smtp.to("zhang@acme.cn")
    assert mail["From"] == DESK
    assert mail["Subject"] == f"[{case.number}] 回复：核心交换机掉线"
    assert mail["Message-ID"] == reply.message.message_id
    assert mail["In-Reply-To"] == theirs.message_id
    refs = mail["References"].split()
    assert refs[0] == root_id(case.number) and theirs.message_id in refs
    text = mail.get_body(("plain",)).get_content()
    assert "张三" in text and "请升级到 17.9.5 后观察。" in text and case.number in text
    (part,) = list(mail.iter_attachments())
    assert part.get_filename() == "升级步骤.pdf"
    assert part.get_content_type() == "application/pdf"
    assert part.get_content() == PDF

    # Public in the CASE's history, with the file, and audited.
    log = reply.worklog
    assert (log.kind, log.internal, log.note) == ("reply", False, "请升级到 17.9.5 后观察。")
    assert log.case.events.filter(kind="work_logged", data__worklog=log.pk, internal=False).exists()
    (file,) = Attachment.objects.filter(case=case)
    assert (file.name, file.internal) == ("升级步骤.pdf", False)
    record = AuditRecord.objects.get(action="case.reply")
    assert record.actor_id == desk_staff["eng"].pk
    changes = json.loads(record.data)
    assert changes["after"] == {"to": "zhang@acme.cn", "message_id": reply.message.message_id}
    assert changes["attachments"] == [file.pk] and changes["worklog"] == log.pk

    # The customer answers the reply from a client that dropped the subject's tag: the
    # gateway finds the CASE by the reply's Message-ID.
    answer = gateway.ingest_bytes(
        _mail(
            frm="张三 <zhang@acme.cn>",
            subject="Re: 升级",
            body="升级完成，运行正常。",
            in_reply_to=mail["Message-ID"],
        )
    )
    assert answer.case == case and answer.status == "processed"
    assert WorkLog.objects.filter(case=case, note="升级完成，运行正常。").exists()


@pytest.mark.django_db
def test_the_portal_shows_the_reply_and_never_an_internal_note(zhang, zhang_login, desk_staff):
    case = _worked(make_case(contact=zhang, by=desk_staff["taker"]), desk_staff)
    services.case_reply(case=case, body="已为您更换光模块。", by=desk_staff["eng"])
    cases.case_log_work(
        case=case, kind="note", note="客户机房温度偏高，内部跟进", minutes=5,
        by=desk_staff["eng"], internal=True,
    )  # fmt: skip

    text = page_text(client_for(zhang_login, "zh-hans").get(f"/portal/cases/{case.number}/"))
    assert "已为您更换光模块。" in text
    assert "服务台的消息" in text  # "Message from the service desk"
    assert "内部跟进" not in text

    staff = page_text(client_for(desk_staff["eng"], "zh-hans").get(f"/cases/{case.number}/"))
    assert "已为您更换光模块。" in staff and "回复客户" in staff and "内部跟进" in staff
    assert "已邮件发送至 zhang@acme.cn。" in staff


@pytest.mark.django_db
def test_a_reply_names_the_mails_of_a_case_opened_by_phone(smtp, zhang, desk_staff):
    """No mail came in: the reply answers the acknowledgement, the CASE's root."""
    case = _worked(make_case(contact=zhang, by=desk_staff["taker"]), desk_staff)
    reply = services.case_reply(case=case, body="Please send the show tech.", by=desk_staff["eng"])
    outbox.deliver_due()
    ack, sent = smtp.to("zhang@acme.cn")
    assert ack["Message-ID"] == root_id(case.number)
    assert sent["Message-ID"] == reply.message.message_id
    assert sent["In-Reply-To"] == root_id(case.number)
    assert sent["References"] == root_id(case.number)


# --- loop protection -----------------------------------------------------------------------


@pytest.mark.django_db
def test_no_reply_to_the_desks_own_address(acme, desk_staff):
    from tests.accounts.factories import ContactFactory

    own = ContactFactory(organization=acme, name="Loop", email=DESK.upper())
    case = _worked(make_case(contact=own, by=desk_staff["taker"]), desk_staff)
    assert not Notification.objects.filter(case=case).exclude(recipient__isnull=False).exists()
    before = database_snapshot()
    with pytest.raises(InvalidInput, match="own address"):
        services.case_reply(case=case, body="hello", by=desk_staff["eng"])
    assert database_snapshot() == before


@pytest.mark.django_db
def test_no_reply_to_an_auto_responder_that_wrote_last(zhang, desk_staff):
    case = _worked(make_case(contact=zhang, by=desk_staff["taker"]), desk_staff)
    auto = gateway.ingest_bytes(
        _mail(
            frm="zhang@acme.cn",
            subject="自动回复: 休假中",
            body="我正在休假。",
            headers=["Auto-Submitted: auto-replied"],
        )
    )
    assert auto.status == "ignored"
    before = database_snapshot()
    with pytest.raises(InvalidInput, match="auto-responder"):
        services.case_reply(case=case, body="hello", by=desk_staff["eng"])
    assert database_snapshot() == before
    # Once the person writes again, replies go to them again.
    gateway.ingest_bytes(
        _mail(frm="zhang@acme.cn", subject=f"[{case.number}] 我回来了", body="问题还在。")
    )
    services.case_reply(case=case, body="Welcome back.", by=desk_staff["eng"])


@pytest.mark.django_db
def test_no_reply_to_a_mailer_daemon(acme, desk_staff):
    from tests.accounts.factories import ContactFactory

    daemon = ContactFactory(organization=acme, name="NR", email="noreply@acme.cn")
    case = _worked(make_case(contact=daemon, by=desk_staff["taker"]), desk_staff)
    with pytest.raises(InvalidInput, match="no person reads"):
        services.case_reply(case=case, body="hello", by=desk_staff["eng"])


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "why"),
    [("", "empty"), ("   \n ", "empty"), ("x" * 20001, "too long")],
)
def test_an_empty_or_overlong_reply_changes_nothing(settings, zhang, desk_staff, body, why):
    settings.CASEDESK_TEXT_MAX = 20000
    case = _worked(make_case(contact=zhang, by=desk_staff["taker"]), desk_staff)
    before = database_snapshot()
    with pytest.raises(InvalidInput, match=why):
        services.case_reply(case=case, body=body, by=desk_staff["eng"])
    assert database_snapshot() == before


@pytest.mark.django_db
def test_a_case_without_an_email_gets_no_reply(acme, desk_staff):
    from tests.accounts.factories import ContactFactory

    silent = ContactFactory(organization=acme, name="李四", email="")
    case = _worked(make_case(contact=silent, by=desk_staff["taker"]), desk_staff)
    before = database_snapshot()
    with pytest.raises(InvalidInput, match="no contact e-mail address"):
        services.case_reply(case=case, body="hello", by=desk_staff["eng"])
    assert database_snapshot() == before


@pytest.mark.django_db
def test_a_refused_file_sends_nothing(zhang, desk_staff):
    case = _worked(make_case(contact=zhang, by=desk_staff["taker"]), desk_staff)
    before = database_snapshot()
    with pytest.raises(InvalidInput, match="cannot be attached"):
        services.case_reply(
            case=case,
            body="see file",
            uploads=[SimpleUploadedFile("run.exe", b"MZ", content_type="application/x-msdownload")],
            by=desk_staff["eng"],
        )
    assert database_snapshot() == before


@pytest.mark.django_db
def test_who_may_reply_and_when(zhang, zhang_login, desk_staff):
    case = make_case(contact=zhang, by=desk_staff["taker"])
    with pytest.raises(Forbidden):
        services.case_reply(case=case, body="hi", by=zhang_login)
    with pytest.raises(InvalidInput):  # the system writes no replies
        services.case_reply(case=case, body="hi", by=None)
    _worked(case, desk_staff)
    cases.case_resolve(case=case, solution="done", by=desk_staff["eng"])
    cases.case_confirm(case=case, by=zhang_login)
    cases.case_close(case=case, by=desk_staff["taker"])
    with pytest.raises(Forbidden):  # a closed CASE is worked no more (its policy says so)
        services.case_reply(case=case, body="hi", by=desk_staff["eng"])


@pytest.mark.django_db
def test_a_reply_work_log_is_written_only_by_the_reply(zhang, desk_staff):
    case = _worked(make_case(contact=zhang, by=desk_staff["taker"]), desk_staff)
    with pytest.raises(InvalidInput, match="sent with the reply"):
        cases.case_log_work(case=case, kind="reply", note="x", minutes=0, by=desk_staff["eng"])
    assert not InboundMessage.objects.exists()
