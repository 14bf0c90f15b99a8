"""Files in the outbox: a message names CASE attachments (never copies of their bytes) and
carries them when it is sent, to a real SMTP server; a file too large for the cap, or no
longer stored, stays out and the message still goes, saying which."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casedesk.cases import attachments
from casedesk.notify import services
from casedesk.notify.models import Notification, NotificationStatus
from tests.cases.factories import make_case
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
LOG = "交换机日志\n".encode() * 300


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def case(smtp):
    """A CASE whose caller already has its acknowledgement (every new CASE gets one)."""
    case = make_case()
    assert services.deliver_due().sent == 1 and smtp.to(case.contact.email)
    smtp.clear()
    return case


def attach(case, name: str, data: bytes, *, internal: bool = False):
    [row] = attachments.case_attach(
        case=case,
        uploads=[SimpleUploadedFile(name, data)],
        by=make_user("duty_engineer"),
        internal=internal,
    )
    return row


def mail(case, *files) -> Notification:
    row = services.queue_to_caller(
        case=case,
        template="resolved",
        context={"case": case},
        reason="files-test",
        attachments=files,
    )
    assert row is not None
    return row


def parts(message) -> list[tuple[str, str, bytes]]:
    return [
        (p.get_filename(), p.get_content_type(), p.get_content())
        for p in message.iter_attachments()
    ]


def sent_to(smtp, case):
    [message] = smtp.to(case.contact.email)
    return message


def test_a_message_carries_its_files_by_name_type_and_bytes(smtp, case):
    pdf, log = attach(case, "服务报告.pdf", PDF), attach(case, "switch.log", LOG)
    row = mail(case, pdf, log)
    assert row.attachments == [
        {"id": pdf.pk, "name": "服务报告.pdf"},
        {"id": log.pk, "name": "switch.log"},
    ]
    assert services.deliver_due().sent == 1

    message = sent_to(smtp, case)
    assert parts(message) == [
        ("服务报告.pdf", "application/pdf", PDF),
        ("switch.log", "application/octet-stream", LOG),
    ]
    assert hashlib.sha256(parts(message)[0][2]).hexdigest() == pdf.sha256
    assert "未随本邮件附上" not in message.get_body(("plain",)).get_content()
    row = Notification.objects.get(dedupe_key__startswith="files-test")
    assert row.status == NotificationStatus.SENT and row.last_error == ""


def test_files_past_the_cap_stay_out_and_the_message_says_so(smtp, case, settings):
    settings.CASEDESK_MAIL_ATTACHMENT_MAX_BYTES = len(PDF) + 100
    pdf, log = attach(case, "report.pdf", PDF), attach(case, "switch.log", LOG)
    mail(case, pdf, log)
    assert services.deliver_due().sent == 1

    message = sent_to(smtp, case)
    assert [name for name, _, _ in parts(message)] == ["report.pdf"]  # the first fits
    body = message.get_body(("plain",)).get_content()
    assert "文件过大，未随本邮件附上：switch.log" in body  # the desk's language
    assert (
        Notification.objects.get(dedupe_key__startswith="files-test").status
        == NotificationStatus.SENT
    )


def test_a_file_alone_past_the_cap_leaves_a_message_with_its_text_only(smtp, case, settings):
    settings.CASEDESK_MAIL_ATTACHMENT_MAX_BYTES = 1000
    mail(case, attach(case, "report.pdf", PDF))
    assert services.deliver_due().sent == 1
    message = sent_to(smtp, case)
    assert parts(message) == []
    assert "文件过大，未随本邮件附上：report.pdf" in message.get_content()


def test_the_note_is_in_the_recipients_language(smtp, settings, case):
    settings.CASEDESK_MAIL_ATTACHMENT_MAX_BYTES = 10
    row = services.queue_to_address(
        template="mail_reject",
        context={"subject": "x"},
        reason="en-files",
        to_email="en@example.com",
        language="en",
        case=case,
        attachments=[attach(case, "报告.pdf", PDF)],
    )
    assert services.deliver_due().sent == 1
    [message] = smtp.to(row.to_email)
    assert "Too large to attach to this e-mail: 报告.pdf" in message.get_content()


def test_a_file_deleted_before_sending_leaves_the_message_without_it(smtp, case, media):
    pdf, log = attach(case, "report.pdf", PDF), attach(case, "switch.log", LOG)
    mail(case, pdf, log)
    pdf.file.storage.delete(pdf.file.name)  # gone from the disk
    log.delete()  # and a row gone altogether
    assert services.deliver_due().sent == 1

    message = sent_to(smtp, case)
    assert parts(message) == []
    body = message.get_content()
    assert "文件已不存在，未随本邮件附上：report.pdf, switch.log" in body
    assert (
        Notification.objects.get(dedupe_key__startswith="files-test").status
        == NotificationStatus.SENT
    )


def test_files_are_read_when_the_mail_is_built_not_copied_into_the_outbox(smtp, case):
    pdf = attach(case, "report.pdf", PDF)
    mail(case, pdf)
    stored = (
        Notification.objects.filter(dedupe_key__startswith="files-test")
        .values_list("attachments", flat=True)
        .get()
    )
    assert stored == [{"id": pdf.pk, "name": "report.pdf"}]  # a reference, no bytes


def test_a_failing_server_keeps_the_files_for_the_retry(smtp, case, settings):
    from tests.conftest import free_port

    pdf = attach(case, "report.pdf", PDF)
    mail(case, pdf)
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nobody listens
    assert services.deliver_due().failed == 1
    row = Notification.objects.get(dedupe_key__startswith="files-test")
    assert row.status == NotificationStatus.PENDING and row.attempts == 1

    settings.EMAIL_PORT = port
    Notification.objects.filter(dedupe_key__startswith="files-test").update(
        next_attempt_at=row.created_at
    )
    assert services.deliver_due().sent == 1
    assert parts(sent_to(smtp, case)) == [("report.pdf", "application/pdf", PDF)]


def test_the_caller_is_never_sent_an_internal_file_or_another_cases(case):
    internal = attach(case, "notes.txt", b"internal", internal=True)
    other = attach(make_case(), "other.pdf", PDF)
    for files in ([internal], [other]):
        with pytest.raises(ValueError):
            mail(case, *files)
    assert not Notification.objects.filter(dedupe_key__startswith="files-test").exists()


def test_the_outbox_lists_the_names_of_each_messages_files(client, case):
    mail(case, attach(case, "服务报告.pdf", PDF), attach(case, "switch.log", LOG))
    client.force_login(make_user("admin", username="root"))
    changelist = client.get(reverse("admin:notify_notification_changelist"))
    assert changelist.status_code == 200
    assert "服务报告.pdf, switch.log" in changelist.content.decode()
    row = Notification.objects.get(dedupe_key__startswith="files-test")
    page = client.get(reverse("admin:notify_notification_change", args=[row.pk]))
    assert page.status_code == 200
    assert "服务报告.pdf, switch.log" in page.content.decode()
