"""The console's quarantine page and fax upload; the admin's re-run."""

from django.core.files.uploadedfile import SimpleUploadedFile

from casedesk.cases.models import Attachment, Case
from casedesk.mailgate import services
from casedesk.mailgate.models import InboundMessage
from tests.factories import client_for, make_user, page_text

from .conftest import corpus

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_the_quarantine_lists_what_waits_and_re_runs_it(customers):
    broken = services.ingest_bytes(
        b"From: boss@acme.cn\r\nSubject: Re: [C2611999] urgent\r\nMessage-ID: <q1@acme.cn>\r\n"
        b"\r\nno such CASE, no such contact\r\n"
    )
    assert broken.status == "processed"  # an unknown sender: an unverified CASE for triage
    quarantined = services.ingest_bytes(b"Subject: nobody\r\nMessage-ID: <q2@x>\r\n\r\nhello\r\n")
    taker = client_for(make_user("call_taker"), "en")

    page = taker.get("/mail/")
    assert page.status_code == 200
    text = page_text(page)
    assert "The message has no sender address." in text and "nobody" in text
    assert "urgent" not in text  # processed mail is under its own status
    assert "urgent" in page_text(taker.get("/mail/?status=processed"))

    raw = taker.get(f"/mail/{quarantined.pk}/raw/")
    assert raw.status_code == 200 and b"".join(raw.streaming_content) == services.raw_bytes(
        quarantined
    )
    assert raw["Content-Disposition"].startswith("attachment")

    done = taker.post(f"/mail/{quarantined.pk}/rerun/", follow=True)
    assert "Still quarantined" in page_text(done)
    assert InboundMessage.objects.get(pk=quarantined.pk).attempts == 2


def test_engineers_and_customers_do_not_see_the_quarantine(customers, org=None):
    message = services.ingest_bytes(b"Subject: nobody\r\n\r\nhello\r\n")
    engineer = client_for(make_user("engineer"), "en")
    assert engineer.get("/mail/").status_code == 403
    assert engineer.get(f"/mail/{message.pk}/raw/").status_code == 403
    assert engineer.post(f"/mail/{message.pk}/rerun/").status_code == 403
    assert InboundMessage.objects.get().attempts == 1
    customer = client_for(make_user("customer", org=customers["zhang"].organization), "en")
    assert customer.get("/mail/").status_code == 403


def test_a_faxed_report_becomes_a_case_with_its_scan(customers):
    taker = client_for(make_user("call_taker"), "zh-hans")
    zhang = customers["zhang"]
    response = taker.post(
        "/fax/new/",
        {
            "organization": zhang.organization.pk,
            "contact": zhang.pk,
            "title": "传真报障：机房空调告警",
            "priority": "P2",
            "description": "客户传真，见扫描件",
            "scan": SimpleUploadedFile("fax-0923.pdf", PDF, content_type="application/pdf"),
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert (case.channel, case.priority, case.contact) == ("fax", "P2", zhang)
    attachment = Attachment.objects.get(case=case)
    assert attachment.name == "fax-0923.pdf" and attachment.file.read() == PDF


def test_a_fax_must_be_a_pdf_or_tiff_scan(customers):
    taker = client_for(make_user("call_taker"), "en")
    zhang = customers["zhang"]
    response = taker.post(
        "/fax/new/",
        {
            "organization": zhang.organization.pk,
            "title": "fax",
            "priority": "P3",
            "scan": SimpleUploadedFile("fax.docx", b"PK\x03\x04", content_type="application/zip"),
        },
    )
    assert response.status_code == 422
    assert "a fax is uploaded as its scan, a PDF or TIFF file" in page_text(response)
    assert not Case.objects.exists()


def test_the_admin_re_runs_quarantined_mail(customers, client):
    from casedesk.accounts.models import Contact

    services.ingest_bytes(corpus("gmail_rfc2231.eml"))
    message = services.ingest_bytes(
        corpus("gmail_not_fixed.eml", Case.objects.get().number).replace(
            b"emily.chen@", b"ops.team@"
        )
    )
    assert message.status == "quarantined"
    Contact.objects.create(
        organization=customers["emily"].organization,
        name="Ops",
        email="ops.team@northwind.example.com",
        created_at=message.received_at,
    )
    client.force_login(make_user("admin"))
    response = client.post(
        "/admin/mailgate/inboundmessage/",
        {"action": "rerun", "_selected_action": [message.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert InboundMessage.objects.get(pk=message.pk).status == "processed"


def _fax_api(user, data):
    from django.test import Client

    from casedesk.accounts.services import token_create

    _, token = token_create(user=user)
    return Client().post("/api/v1/intake/fax", data, headers={"Authorization": f"Bearer {token}"})


def test_the_api_takes_a_fax_scan(customers):
    zhang = customers["zhang"]
    response = _fax_api(
        make_user("call_taker"),
        {
            "organization": "ACME",
            "contact": zhang.pk,
            "title": "Fax: UPS alarm in the machine room",
            "priority": "P2",
            "scan": SimpleUploadedFile("fax.tiff", b"II*\x00\x08\x00\x00\x00", "image/tiff"),
        },
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get(number=response.json()["number"])
    assert (case.channel, case.priority, case.contact) == ("fax", "P2", zhang)
    assert Attachment.objects.get(case=case).name == "fax.tiff"


def test_the_api_refuses_a_fax_that_is_no_scan_or_from_a_customer(customers):
    scan = SimpleUploadedFile("fax.exe", b"MZ", "application/octet-stream")
    refused = _fax_api(
        make_user("call_taker"), {"organization": "ACME", "title": "x", "scan": scan}
    )
    assert refused.status_code == 422 and "PDF or TIFF" in refused.json()["detail"]
    customer = make_user("customer", org=customers["zhang"].organization)
    pdf = SimpleUploadedFile("fax.pdf", PDF, "application/pdf")
    forbidden = _fax_api(customer, {"organization": "ACME", "title": "x", "scan": pdf})
    assert forbidden.status_code == 403
    assert not Case.objects.exists()
