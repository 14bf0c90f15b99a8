"""Big, deep and broken messages: decoded, or quarantined with the reason; never lost."""

import base64
import os

import pytest

from casedesk.cases.models import Attachment, Case
from casedesk.mailgate import services
from casedesk.mailgate.models import InboundMessage
from casedesk.notify.models import Notification
from tests.factories import make_user

MB = 1024 * 1024


def _with_attachment(name: str, data: bytes, *, mid: str) -> bytes:
    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    return (
        b"From: zhang@acme.cn\r\nTo: support@casedesk.example\r\n"
        b"Subject: capture of the crash\r\n"
        + f"Message-ID: <{mid}@acme.cn>\r\n".encode()
        + b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee the capture\r\n"
        b"--b1\r\nContent-Type: application/vnd.tcpdump.pcap\r\n"
        + f'Content-Disposition: attachment; filename="{name}"\r\n'.encode()
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + encoded
        + b"\r\n--b1--\r\n"
    )


def test_a_25_mb_attachment_is_stored_whole(customers):
    data = os.urandom(25 * MB)
    message = services.ingest_bytes(_with_attachment("core.pcap", data, mid="big25"))
    assert message.status == "processed", message.reason
    attachment = Attachment.objects.get(case=message.case)
    assert (attachment.name, attachment.size) == ("core.pcap", 25 * MB)
    with attachment.file.open("rb") as f:
        assert f.read() == data
    assert message.size > 25 * MB  # the raw message, base64 and all, kept beside it


def test_an_attachment_over_the_limit_is_refused_with_a_clear_message(customers):
    message = services.ingest_bytes(_with_attachment("core.pcap", b"x" * (26 * MB), mid="big26"))
    assert message.status == "processed"
    assert not Attachment.objects.exists()
    assert "core.pcap is too large (26.0 MB); the limit is 25 MB per file." in message.reason
    assert "core.pcap is too large" in Notification.objects.get().body


def test_a_message_over_the_mail_limit_is_kept_unread(customers, settings):
    settings.CASEDESK_MAIL_MAX_MB = 1
    raw = _with_attachment("core.pcap", b"x" * (2 * MB), mid="huge")
    message = services.ingest_bytes(raw)
    assert message.status == "quarantined" and "over 1 MB" in message.reason
    assert services.raw_bytes(message) == raw and not Case.objects.exists()


def _nested(depth: int) -> bytes:
    head = b"From: zhang@acme.cn\r\nSubject: nested\r\nMessage-ID: <bomb%d@x>\r\n" % depth
    body = b"Content-Type: text/plain\r\n\r\ninnermost\r\n"
    for level in range(depth):
        b = b"n%d" % level
        body = (
            b'Content-Type: multipart/mixed; boundary="'
            + b
            + b'"\r\n\r\n--'
            + b
            + b"\r\n"
            + body
            + b"\r\n--"
            + b
            + b"--\r\n"
        )
    return head + b"MIME-Version: 1.0\r\n" + body


@pytest.mark.parametrize("depth", [40, 3000])
def test_a_bomb_of_nested_parts_is_quarantined(customers, depth):
    message = services.ingest_bytes(_nested(depth))
    assert message.status == "quarantined"
    assert message.reason.startswith(("Too complex to read", "RecursionError"))
    assert not Case.objects.exists()


def test_a_bomb_of_many_parts_is_quarantined(customers):
    parts = b"".join(b"--w\r\nContent-Type: text/plain\r\n\r\npart\r\n" for _ in range(5000))
    raw = (
        b"From: zhang@acme.cn\r\nSubject: wide\r\nMessage-ID: <wide@x>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="w"\r\n\r\n'
        + parts
        + b"--w--\r\n"
    )
    message = services.ingest_bytes(raw)
    assert message.status == "quarantined" and "MIME parts" in message.reason


def test_a_message_with_no_sender_is_quarantined(customers):
    message = services.ingest_bytes(b"Subject: who am I\r\n\r\nno From header at all\r\n")
    assert message.status == "quarantined" and "sender" in message.reason


def test_staff_rerun_a_quarantined_message_once_the_cause_is_fixed(customers):
    from casedesk.accounts.models import Contact

    raw = (
        "From: 新同事 <new.colleague@acme.cn>\r\nSubject: Re: [C2611001]\r\n"
        "Message-ID: <rerun@acme.cn>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n补充日志\r\n"
    ).encode()
    case = services.ingest_bytes(
        (
            "From: zhang@acme.cn\r\nSubject: 故障\r\nMessage-ID: <first@acme.cn>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n端口故障\r\n"
        ).encode()
    ).case
    raw = raw.replace(b"C2611001", case.number.encode())
    message = services.ingest_bytes(raw)
    assert message.status == "quarantined"  # unknown sender writing to a customer's CASE

    taker = make_user("call_taker", username="taker")
    Contact.objects.create(
        organization=case.organization,
        name="新同事",
        email="new.colleague@acme.cn",
        created_at=case.created_at,
    )
    message = services.reprocess(message=message, by=taker)
    assert message.status == "processed" and message.attempts == 2
    assert case.worklogs.get().note == "补充日志"


def test_an_engineer_may_not_rerun_mail(customers):
    from casedesk.core.errors import Forbidden

    message = services.ingest_bytes(b"Subject: x\r\n\r\nno sender\r\n")
    with pytest.raises(Forbidden):
        services.reprocess(message=message, by=make_user("engineer"))
    assert InboundMessage.objects.get().status == "quarantined"


def test_mail_stored_by_a_process_that_died_is_processed_later(customers):
    """The pipe stores, then processes; killed in between, ``mailgate --pending`` finishes."""
    import io

    from django.core.management import call_command

    from .conftest import corpus

    message, created = services.store(io.BytesIO(corpus("gmail_rfc2231.eml")))
    assert created and message.status == "stored" and not Case.objects.exists()
    out = io.StringIO()
    call_command("mailgate", "--pending", stdout=out)
    message.refresh_from_db()
    assert message.status == "processed" and message.case.channel == "email"
    assert out.getvalue().split() == [message.message_id, "processed"]
