"""Files on the console's CASE page: staff open every file of a CASE they may see (images
and PDF in the browser, everything else as a download, with the portal's headers) and
attach files through the operation layer, public or internal."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casedesk.cases import attachments as files
from casedesk.cases.choices import EventKind
from casedesk.cases.models import Attachment
from tests.cases.lifecycle import Cast, bring_to, make_cast
from tests.factories import ContactFactory, client_for, database_snapshot, make_case, make_user
from tests.factories import page_text as text

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81"
    b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


def upload(name: str, content: bytes = b"show version\n", content_type: str = "text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def file_url(case, att, view: bool = False) -> str:
    return f"/cases/{case.number}/files/{att.pk}/" + ("view/" if view else "")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- opening files -------------------------------------------------------------------------


def test_staff_see_the_customers_files_on_the_case_page_and_open_them(cast):
    case = bring_to("in_progress", cast)
    [log] = files.case_attach(
        case=case, uploads=[upload("核心交换机 日志.log", b"%LINK-3-UPDOWN\n")], by=cast.customer
    )
    [shot] = files.case_attach(
        case=case, uploads=[upload("截图.png", PNG, "image/png")], by=cast.customer
    )
    [note] = files.case_attach(case=case, uploads=[upload("内部.txt")], by=cast.duty, internal=True)
    page = text(client_for(cast.first_line).get(f"/cases/{case.number}/"))
    files_part = page[page.index('id="files"') : page.index('id="timeline"')]
    for att in (log, shot, note):
        assert att.name in files_part
        assert file_url(case, att) in files_part
    # the image shows as a thumbnail; the log is a download
    assert f'<img src="{file_url(case, shot, view=True)}"' in files_part
    assert file_url(case, log, view=True) not in page
    # the timeline links each file where it was added
    timeline = page[page.index('id="timeline"') :]
    assert f'href="{file_url(case, log)}" download>核心交换机 日志.log</a>' in timeline
    assert "internal" in files_part

    client = client_for(cast.first_line)  # any member of staff may open any of them
    r = client.get(file_url(case, log))
    assert r.status_code == 200 and body(r) == b"%LINK-3-UPDOWN\n"
    assert r["Content-Type"] == "application/octet-stream"
    assert r["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E6%A0%B8%E5%BF%83" in r["Content-Disposition"]
    assert r["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in r["Content-Security-Policy"]
    assert client.get(file_url(case, note)).status_code == 200


def test_images_and_pdf_open_inline_everything_else_downloads(cast):
    case = bring_to("in_progress", cast)
    [png, pdf, log] = files.case_attach(
        case=case,
        uploads=[
            upload("拓扑.png", PNG, "image/png"),
            upload("报告.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
            # a "log" whose content is a page: never shown, never run
            upload("evil.log", b"<script>alert(1)</script>", "text/html"),
        ],
        by=cast.customer,
    )
    client = client_for(cast.duty)
    r = client.get(file_url(case, png, view=True))
    assert r.status_code == 200 and body(r) == PNG
    assert (r["Content-Type"], r["Content-Disposition"].split(";")[0]) == ("image/png", "inline")
    assert r["X-Content-Type-Options"] == "nosniff"
    csp = r["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp

    r = client.get(file_url(case, pdf, view=True))
    assert (r["Content-Type"], r["Content-Disposition"].split(";")[0]) == (
        "application/pdf",
        "inline",
    )
    assert r["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in r["Content-Security-Policy"]
    assert "sandbox" not in r["Content-Security-Policy"]  # Chrome's PDF viewer refuses it
    assert r["Cache-Control"] == "private, no-store"

    r = client.get(file_url(case, log, view=True))  # asked inline, still a download
    assert r["Content-Type"] == "application/octet-stream"
    assert r["Content-Disposition"].startswith("attachment;")


def test_svg_is_never_stored_so_never_shown(cast):
    case = bring_to("in_progress", cast)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    r = client_for(cast.owner).post(
        f"/cases/{case.number}/files/", {"files": [upload("x.svg", svg, "image/svg+xml")]}
    )
    assert r.status_code == 422
    assert not Attachment.objects.exists()
    assert "x.svg: files of this type cannot be attached" in r.content.decode()


def test_a_file_of_another_case_or_a_missing_one_is_not_found(cast):
    case = bring_to("in_progress", cast)
    other = make_case(contact=cast.contact, by=cast.call_taker)
    [att] = files.case_attach(case=other, uploads=[upload("a.txt")], by=cast.duty)
    client = client_for(cast.duty)
    for url in (
        f"/cases/{case.number}/files/{att.pk}/",  # the file is not this CASE's
        f"/cases/{case.number}/files/{att.pk + 99}/",
        f"/cases/C9912999/files/{att.pk}/view/",
    ):
        r = client.get(url)
        assert r.status_code == 404, url
        assert "console" in r.content.decode()  # the desk's own page
    att.file.delete(save=False)  # the row is there, the stored file is gone
    assert client.get(f"/cases/{other.number}/files/{att.pk}/").status_code == 404


def test_customers_and_strangers_cannot_use_the_console_file_urls(cast, client):
    case = bring_to("in_progress", cast)
    [att] = files.case_attach(case=case, uploads=[upload("a.txt")], by=cast.customer)
    r = client.get(file_url(case, att))
    assert r.status_code == 302 and "/login/" in r["Location"]
    assert client_for(cast.customer).get(file_url(case, att)).status_code == 403
    outsider = make_user("customer", org=ContactFactory().organization)
    assert client_for(outsider).get(file_url(case, att, view=True)).status_code == 403


# --- attaching files -------------------------------------------------------------------------


def test_staff_attach_files_from_the_case_page_through_the_operation(cast):
    case = bring_to("in_progress", cast)
    client = client_for(cast.owner)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert f'action="/cases/{case.number}/files/"' in page
    assert 'enctype="multipart/form-data"' in page
    r = client.post(
        f"/cases/{case.number}/files/",
        {"files": [upload("show tech.txt"), upload("拓扑.png", PNG, "image/png")]},
    )
    assert r.status_code == 302 and r["Location"].endswith("#files")
    stored = list(Attachment.objects.filter(case=case).order_by("id"))
    assert [a.name for a in stored] == ["show tech.txt", "拓扑.png"]
    assert all(a.uploaded_by == cast.owner and not a.internal for a in stored)
    events = case.events.filter(kind=EventKind.ATTACHMENT_ADDED)
    assert events.count() == 2 and not any(e.internal for e in events)
    # the customer sees them in the portal
    portal = client_for(cast.customer).get(f"/portal/cases/{case.number}/").content.decode()
    assert "show tech.txt" in portal and "拓扑.png" in portal


def test_an_internal_file_is_hidden_from_the_customer(cast):
    case = bring_to("in_progress", cast)
    r = client_for(cast.owner).post(
        f"/cases/{case.number}/files/", {"files": [upload("合同.pdf")], "internal": "on"}
    )
    assert r.status_code == 302
    att = Attachment.objects.get(case=case)
    assert att.internal
    assert case.events.get(kind=EventKind.ATTACHMENT_ADDED).internal
    portal = client_for(cast.customer)
    assert "合同.pdf" not in portal.get(f"/portal/cases/{case.number}/").content.decode()
    assert portal.get(f"/portal/attachments/{att.pk}/").status_code == 404
    desk = client_for(cast.duty).get(f"/cases/{case.number}/").content.decode()
    assert "合同.pdf" in desk


@pytest.mark.parametrize(
    ("uploads", "message"),
    [
        ([upload("run.exe")], "run.exe: files of this type cannot be attached"),
        ([], "Choose a file to attach."),
        ([upload("empty.txt", b"")], "The submitted file is empty."),
    ],
)
def test_a_refused_upload_changes_nothing_and_says_why(cast, uploads, message):
    case = bring_to("in_progress", cast)
    before = database_snapshot()
    r = client_for(cast.owner).post(f"/cases/{case.number}/files/", {"files": uploads})
    assert r.status_code == 422
    html = r.content.decode()
    assert message in html
    assert database_snapshot() == before
    assert re.search(r'<details class="action attach" open', html)


def test_a_file_over_the_limit_is_refused(cast, settings):
    settings.CASEDESK_MAX_ATTACHMENT_MB = 1
    case = bring_to("in_progress", cast)
    r = client_for(cast.owner).post(
        f"/cases/{case.number}/files/", {"files": [upload("big.pcap", b"\0" * (1024 * 1024 + 1))]}
    )
    assert r.status_code == 422 and "the limit is 1 MB" in r.content.decode()
    assert not Attachment.objects.exists()


def test_who_may_not_log_work_gets_no_form_and_is_refused(cast):
    case = bring_to("in_progress", cast)
    stranger = cast.first_line  # staff, but neither owner, helper nor dispatcher
    page = client_for(stranger).get(f"/cases/{case.number}/").content.decode()
    assert f'action="/cases/{case.number}/files/"' not in page
    r = client_for(stranger).post(f"/cases/{case.number}/files/", {"files": [upload("a.txt")]})
    assert r.status_code == 403 and not Attachment.objects.exists()
    closed = bring_to("closed", cast)
    r = client_for(cast.duty).post(f"/cases/{closed.number}/files/", {"files": [upload("a.txt")]})
    assert r.status_code == 409 and not Attachment.objects.exists()


def test_the_page_in_chinese(cast):
    case = bring_to("in_progress", cast)
    files.case_attach(case=case, uploads=[upload("报告.pdf", b"%PDF-1.4\n")], by=cast.customer)
    page = client_for(cast.duty, "zh-hans").get(f"/cases/{case.number}/").content.decode()
    for phrase in ("附件", "预览", "下载", "上传附件"):
        assert phrase in page, phrase
