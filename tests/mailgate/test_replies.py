"""Replies land on their CASE, and the desk's mail threads in the customer's client."""

from email.utils import make_msgid

import pytest

from casedesk.cases import services as cases
from casedesk.cases.models import Case, CaseEvent, WorkLog
from casedesk.mailgate import services
from casedesk.notify import services as outbox
from tests.factories import make_user

from .conftest import corpus


def _reply(*, frm: str, subject: str, body: str, in_reply_to: str = "", charset="utf-8"):
    headers = [
        f"From: {frm}",
        "To: support@casedesk.example",
        f"Subject: {subject}",
        f"Message-ID: {make_msgid(domain='client.example')}",
        "MIME-Version: 1.0",
        f"Content-Type: text/plain; charset={charset}",
        "Content-Transfer-Encoding: 8bit",
    ]
    if in_reply_to:
        headers += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
    return ("\r\n".join(headers) + "\r\n\r\n" + body + "\r\n").encode(charset)


def _resolve(case):
    duty = make_user("duty_engineer", username="duty")
    engineer = make_user("engineer", username="se1", tier="senior")
    cases.case_assign(case=case, engineer=engineer, by=duty)
    cases.case_accept(case=case, by=engineer)
    return cases.case_resolve(case=case, solution="Upgraded the WLC to 17.9.5.", by=engineer)


def test_a_reply_with_the_subject_tag_is_a_customer_note(customers):
    other = services.ingest_bytes(corpus("outlook_big5.eml")).case
    case = services.ingest_bytes(corpus("outlook_gb2312.eml")).case
    assert case.number != "C2611001" or other.number == "C2611001"
    message = services.ingest_bytes(corpus("qqmail_reply.eml", case.number))

    assert message.status == "processed" and message.case == case
    log = WorkLog.objects.get(case=case)
    assert log.kind == "note" and log.author.is_customer
    assert log.author.contact == customers["zhang"]
    # Only what the customer wrote, not the quoted history.
    assert log.note == "收到，已按要求更换光模块，目前端口稳定，会继续观察。"
    assert Case.objects.count() == 2


def test_a_reply_threads_by_in_reply_to_even_when_the_subject_lost_its_tag(customers):
    case = services.ingest_bytes(corpus("gmail_rfc2231.eml")).case
    raw = _reply(
        frm="Emily Chen <emily.chen@northwind.example.com>",
        subject="Re: the wireless problem",
        body="Attached the new logs from this morning.",
        in_reply_to=f"<{case.number}@casedesk.example>",
    )
    assert services.ingest_bytes(raw).case == case
    assert WorkLog.objects.get(case=case).note == "Attached the new logs from this morning."


def test_a_reply_to_a_reply_threads_through_the_stored_message_ids(customers):
    first = services.ingest_bytes(corpus("gmail_rfc2231.eml"))
    raw = _reply(
        frm="emily.chen@northwind.example.com",
        subject="one more thing",
        body="The controller is on 17.9.4.",
        in_reply_to=first.message_id,
    )
    assert services.ingest_bytes(raw).case == first.case


def test_not_fixed_on_a_resolved_case_reopens_it(customers):
    case = services.ingest_bytes(corpus("gmail_rfc2231.eml")).case
    _resolve(case)
    message = services.ingest_bytes(corpus("gmail_not_fixed.eml", case.number))

    case.refresh_from_db()
    assert message.status == "processed", message.reason
    assert case.status == "assigned" and case.reopen_count == 1
    event = CaseEvent.objects.filter(case=case, kind="reopened").get()
    assert event.actor.contact == customers["emily"]
    assert event.data["reason"].startswith("Hi, it is still not working")


def test_a_chinese_not_fixed_reopens_too_but_thanks_do_not(customers):
    case = services.ingest_bytes(corpus("outlook_gb2312.eml")).case
    _resolve(case)
    thanks = _reply(frm="zhang@acme.cn", subject=f"回复：[{case.number}]", body="谢谢，已经好了。")
    services.ingest_bytes(thanks)
    case.refresh_from_db()
    assert case.status == "resolved"
    again = _reply(
        frm="zhang@acme.cn",
        subject=f"回复：[{case.number}] 核心交换机",
        body="问题依旧，端口今天又开始 up/down。",
        charset="gbk",
    )
    services.ingest_bytes(again)
    case.refresh_from_db()
    assert case.status == "assigned" and case.reopen_count == 1


def test_a_reply_from_another_customer_is_quarantined_not_added(customers):
    case = services.ingest_bytes(corpus("outlook_gb2312.eml")).case
    raw = _reply(
        frm="wanglei@cmb.example.cn", subject=f"Re: [{case.number}]", body="我也有这个问题"
    )
    message = services.ingest_bytes(raw)
    assert message.status == "quarantined" and "wanglei@cmb.example.cn" in message.reason
    assert not WorkLog.objects.filter(case=case).exists()


def test_a_reply_to_a_closed_case_opens_a_new_one(customers):
    case = services.ingest_bytes(corpus("outlook_gb2312.eml")).case
    case = _resolve(case)
    duty = case.engineer.__class__.objects.get(username="duty")
    cases.case_confirm(case=case, by=duty, note="客户电话确认")
    cases.case_close(case=case, by=duty)
    message = services.ingest_bytes(corpus("qqmail_reply.eml", case.number))
    assert message.status == "processed" and message.case != case
    assert message.case.organization.code == "ACME" and message.case.channel == "email"


@pytest.mark.django_db
def test_the_acknowledgement_and_later_mail_thread_in_the_customers_client(customers, smtp):
    received = services.ingest_bytes(corpus("gmail_rfc2231.eml"))
    case = received.case
    root = f"<{case.number}@casedesk.example>"
    outbox.deliver_due()

    (ack,) = smtp.to("emily.chen@northwind.example.com")
    assert ack["Message-ID"] == root
    assert ack["In-Reply-To"].strip() == received.message_id
    assert ack["References"].split() == [received.message_id]
    assert ack["Auto-Submitted"] == "auto-generated"
    assert ack["Subject"].startswith(f"[{case.number}] ")
    assert case.number in ack.get_content()

    # The customer answers the acknowledgement; the engineer is told of an assignment:
    # every later mail about the CASE names the root id, so clients keep one thread.
    services.ingest_bytes(corpus("gmail_not_fixed.eml", case.number))
    engineer = make_user("engineer", username="se1", tier="senior", email="se1@desk.example")
    cases.case_assign(case=case, engineer=engineer, by=make_user("duty_engineer"))
    outbox.deliver_due()
    (assigned,) = smtp.to("se1@desk.example")
    assert assigned["References"].split()[0] == root
    assert assigned["In-Reply-To"] == root
    assert assigned["Message-ID"] != root


def test_a_reply_with_a_refused_attachment_is_told_so(customers):
    case = services.ingest_bytes(corpus("gmail_rfc2231.eml")).case
    raw = (
        "From: emily.chen@northwind.example.com\r\nTo: support@casedesk.example\r\n"
        f"Subject: Re: [{case.number}] more logs\r\nMessage-ID: <refused@northwind.example.com>\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nThe tool that collects the logs is attached.\r\n"
        "--b\r\nContent-Type: application/x-msdownload\r\n"
        'Content-Disposition: attachment; filename="collect.exe"\r\n\r\nMZ\r\n--b--\r\n'
    ).encode()
    message = services.ingest_bytes(raw)
    assert message.status == "processed" and "collect.exe" in message.reason
    assert WorkLog.objects.get(case=case).note == "The tool that collects the logs is attached."
    notice = outbox.Notification.objects.get(dedupe_key__startswith="mail-refused:")
    assert notice.to_email == "emily.chen@northwind.example.com" and notice.case == case
    assert "collect.exe: files of this type cannot be attached" in notice.body
    assert notice.in_reply_to == "<refused@northwind.example.com>" and notice.language == "en"


def test_the_acknowledgement_goes_to_the_reply_to_address(customers):
    raw = corpus("gmail_rfc2231.eml").replace(
        b"\r\nTo: support@casedesk.example",
        b"\r\nReply-To: NW IT team <it-team@northwind.example.com>\r\nTo: support@casedesk.example",
        1,
    )
    message = services.ingest_bytes(raw)
    assert message.case.contact == customers["emily"]  # the sender is who wrote it
    assert outbox.Notification.objects.get(case=message.case).to_email == (
        "it-team@northwind.example.com"
    )


@pytest.mark.parametrize("tag", ["[{n}]", "[{l}]", "【{n}】", "【{l}】"])
def test_a_subject_tag_typed_by_hand_threads_too(customers, tag):
    """A customer who types the number: lower case, or in full-width brackets."""
    case = services.ingest_bytes(corpus("outlook_gb2312.eml")).case
    subject = "关于 " + tag.format(n=case.number, l=case.number.lower()) + " 的补充"
    raw = _reply(frm="zhang@acme.cn", subject=subject, body="补充：设备序列号 FOC1234X0YZ。")
    message = services.ingest_bytes(raw)
    assert message.case == case and Case.objects.count() == 1
