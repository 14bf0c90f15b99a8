"""The signed on-site service form is mailed to the CASE's caller with its PDF attached (that
version's, as stored on the CASE) and its portal link, sent to a real SMTP server; a
correction mails version 2; a form too large for mail goes with its link only."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from casedesk.field import services
from casedesk.field.models import VisitForm
from casedesk.notify import services as outbox
from casedesk.notify.models import Notification, NotificationStatus
from tests.field.factories import data_url, signed_visit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def caller(case) -> str:
    return case.caller_email or case.contact.email


def pdfs(message) -> list[tuple[str, bytes]]:
    return [
        (part.get_filename(), part.get_content())
        for part in message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]


def stored(form: VisitForm) -> bytes:
    with form.attachment.file.open("rb") as f:
        return f.read()


def test_the_customer_gets_the_signed_pdf_and_its_link(smtp):
    visit = signed_visit()
    form = VisitForm.objects.get(visit=visit)
    outbox.deliver_due()

    [message] = smtp.answers(caller(visit.case))
    [(name, data)] = pdfs(message)
    assert name == f"{visit.case.number}-visit-{visit.pk}-v1.pdf" == form.attachment.name
    assert data == stored(form)
    assert hashlib.sha256(data).hexdigest() == form.attachment.sha256
    body = message.get_body(("plain",)).get_content()
    assert reverse("portal:attachment", args=[form.attachment_id]) in body
    assert form.sha256 in body  # the content's hash, printed on the form too


def test_a_correction_mails_version_2(smtp):
    visit = signed_visit()
    outbox.deliver_due()
    second = services.visit_form_correct(
        visit=visit,
        work_done="更换光模块及跳线",
        customer_name="李工",
        signature=data_url(),
        reason="漏记跳线",
        by=visit.engineer,
    )
    outbox.deliver_due()

    first_mail, second_mail = smtp.answers(caller(visit.case))
    [(name, data)] = pdfs(second_mail)
    assert name == f"{visit.case.number}-visit-{visit.pk}-v2.pdf"
    assert data == stored(second)
    assert hashlib.sha256(data).hexdigest() == second.attachment.sha256
    assert pdfs(first_mail)[0][1] != data  # each mail has its own version


def test_a_form_past_the_mail_cap_goes_with_its_link_only(smtp, settings):
    settings.CASEDESK_MAIL_ATTACHMENT_MAX_BYTES = 1024  # a signed form is larger
    visit = signed_visit()
    form = VisitForm.objects.get(visit=visit)
    outbox.deliver_due()

    [message] = smtp.answers(caller(visit.case))
    assert list(message.iter_attachments()) == []
    body = message.get_content()
    assert reverse("portal:attachment", args=[form.attachment_id]) in body
    assert form.attachment.name in body  # named as left out
    row = Notification.objects.get(dedupe_key__startswith="visit_form:")
    assert row.status == NotificationStatus.SENT


def test_a_form_whose_file_is_gone_still_sends_the_mail(smtp):
    visit = signed_visit()
    form = VisitForm.objects.get(visit=visit)
    form.attachment.file.storage.delete(form.attachment.file.name)
    outbox.deliver_due()

    [message] = smtp.answers(caller(visit.case))
    assert pdfs(message) == []
    assert reverse("portal:attachment", args=[form.attachment_id]) in message.get_content()
