"""Attachments: stored through the operation layer, checked before anything is written."""

import hashlib

import pytest
from django.utils import translation

from casedesk.cases import attachments as files
from casedesk.cases.choices import EventKind, Status
from casedesk.cases.models import Attachment, Case
from casedesk.core.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from tests.factories import ContactFactory, database_snapshot, make_case, make_user
from tests.portal.conftest import stored_files, upload


@pytest.fixture(autouse=True)
def _english():
    """The refusals are asserted in English; one test reads them in Chinese."""
    with translation.override("en"):
        yield


def test_a_refusal_speaks_the_users_language(customer, contact):
    case = make_case(contact=contact, by=customer)
    with translation.override("zh-hans"), pytest.raises(InvalidInput, match="不支持上传此类型"):
        files.case_attach(case=case, uploads=[upload("恶意.exe")], by=customer)


def test_a_customer_attaches_a_file_with_its_chinese_name(customer, contact, _media):
    case = make_case(contact=contact, by=customer)
    content = b"show version\nCisco IOS XE 17.9\n"
    [att] = files.case_attach(
        case=case, uploads=[upload("核心交换机 日志.log", content)], by=customer
    )
    assert att.name == "核心交换机 日志.log"
    assert att.size == len(content)
    assert att.sha256 == hashlib.sha256(content).hexdigest()
    assert att.uploaded_by == customer and not att.internal
    [path] = stored_files(_media)
    assert path.read_bytes() == content
    assert "核心" not in str(path)  # stored under a random name, the real one kept in the row
    event = case.events.get(kind=EventKind.ATTACHMENT_ADDED)
    assert event.actor == customer
    assert event.data == {"attachment": att.pk, "name": "核心交换机 日志.log", "size": len(content)}


@pytest.mark.parametrize(
    "name", ["evil.html", "x.svg", "run.exe", "a.js", "noext", "page.HTM", "script.sh"]
)
def test_a_file_type_off_the_allowlist_is_refused_and_nothing_is_stored(
    customer, contact, _media, name
):
    case = make_case(contact=contact, by=customer)
    before = database_snapshot()
    with pytest.raises(InvalidInput, match="cannot be attached"):
        files.case_attach(case=case, uploads=[upload(name)], by=customer)
    assert database_snapshot() == before
    assert not Attachment.objects.exists()
    assert stored_files(_media) == []


def test_a_file_over_the_limit_is_refused_with_the_limit_named(customer, contact, settings, _media):
    settings.CASEDESK_MAX_ATTACHMENT_MB = 1
    case = make_case(contact=contact, by=customer)
    big = upload("capture.pcap", b"\0" * (1024 * 1024 + 1))
    with pytest.raises(InvalidInput, match="the limit is 1 MB"):
        files.case_attach(case=case, uploads=[big], by=customer)
    assert stored_files(_media) == [] and not Attachment.objects.exists()
    # exactly at the limit is fine
    files.case_attach(case=case, uploads=[upload("ok.pcap", b"\1" * (1024 * 1024))], by=customer)
    assert Attachment.objects.count() == 1


def test_one_bad_file_refuses_the_whole_submission(customer, contact, _media):
    case = make_case(contact=contact, by=customer)
    before = database_snapshot()
    with pytest.raises(InvalidInput):
        files.case_add_information(
            case=case,
            note="补充信息",
            uploads=[upload("good.txt"), upload("bad.html", b"<script>")],
            by=customer,
        )
    assert database_snapshot() == before
    assert stored_files(_media) == []


def test_an_empty_file_is_refused(customer, contact):
    case = make_case(contact=contact, by=customer)
    with pytest.raises(InvalidInput, match="empty"):
        files.case_attach(case=case, uploads=[upload("a.txt", b"")], by=customer)


def test_paths_and_control_characters_leave_the_file_name():
    assert files.clean_name("../../etc/passwd.txt") == "passwd.txt"
    assert files.clean_name("C:\\Users\\张\\报告.pdf") == "报告.pdf"
    assert files.clean_name("a\x00b\nc.txt") == "abc.txt"
    long = "长" * 300 + ".log"
    assert files.clean_name(long).endswith(".log") and len(files.clean_name(long)) == 255


def test_opening_with_files_is_all_or_nothing(customer, contact, _media):
    before = database_snapshot()
    with pytest.raises(InvalidInput):
        files.case_open_with_attachments(
            organization=contact.organization,
            contact=contact,
            uploads=[upload("a.txt"), upload("b.exe")],
            by=customer,
            title="防火墙无法登录",
            priority="P2",
            channel="web",
        )
    assert database_snapshot() == before and stored_files(_media) == []

    case = files.case_open_with_attachments(
        organization=contact.organization,
        contact=contact,
        uploads=[upload("a.txt"), upload("截图.png", b"\x89PNG....")],
        by=customer,
        title="防火墙无法登录",
        priority="P2",
        channel="web",
    )
    assert case.channel == "web" and case.status == Status.OPEN
    assert [a.name for a in files.attachments_for(case, customer)] == ["a.txt", "截图.png"]
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "attachment_added", "attachment_added"]


def test_a_closed_case_takes_no_more_files(customer, contact, duty):
    case = make_case(contact=contact, by=customer)
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    with pytest.raises(TransitionNotAllowed):
        files.case_attach(case=case, uploads=[upload()], by=customer)


def test_another_organizations_case_is_not_found(customer, other_org):
    theirs = make_case(contact=ContactFactory(organization=other_org))
    with pytest.raises(NotFound):
        files.case_attach(case=theirs, uploads=[upload()], by=customer)


def test_internal_files_are_staff_only(customer, contact, duty):
    case = make_case(contact=contact, by=customer)
    with pytest.raises(Forbidden):
        files.case_attach(case=case, uploads=[upload()], by=customer, internal=True)
    [internal] = files.case_attach(case=case, uploads=[upload("内部.txt")], by=duty, internal=True)
    [public] = files.case_attach(case=case, uploads=[upload("公开.txt")], by=duty)
    assert list(files.attachments_for(case, duty)) == [internal, public]
    assert list(files.attachments_for(case, customer)) == [public]
    assert files.attachment_get(pk=internal.pk, fetched_by=duty) == internal
    with pytest.raises(NotFound):
        files.attachment_get(pk=internal.pk, fetched_by=customer)
    assert case.events.get(data__attachment=internal.pk).internal


def test_a_customer_gets_only_its_organizations_files(customer, other_org):
    other_customer = make_user("customer", org=other_org)
    theirs = make_case(contact=ContactFactory(organization=other_org), by=other_customer)
    [att] = files.case_attach(case=theirs, uploads=[upload()], by=other_customer)
    with pytest.raises(NotFound):
        files.attachment_get(pk=att.pk, fetched_by=customer)
    assert files.attachment_get(pk=att.pk, fetched_by=other_customer) == att


def test_an_oversized_upload_is_dropped_while_it_arrives(settings):
    """Past the limit the rest of a file is counted, not kept: the operation then refuses
    it by its full size, and the server never held more than the limit."""
    settings.CASEDESK_MAX_ATTACHMENT_MB = 1
    assert settings.FILE_UPLOAD_HANDLERS[0] == "casedesk.cases.attachments.SizeLimitUploadHandler"
    handler = files.SizeLimitUploadHandler()
    handler.new_file("files", "抓包.pcap", "application/octet-stream", None)
    chunk = b"\0" * (64 * 1024)
    passed = [handler.receive_data_chunk(chunk, i * len(chunk)) for i in range(20)]
    assert passed[:16] == [chunk] * 16  # exactly the limit: still taken in
    assert passed[16:] == [None] * 4  # the next handlers never see the rest
    big = handler.file_complete(20 * len(chunk))
    assert (big.name, big.size, big.read()) == ("抓包.pcap", 20 * len(chunk), b"")
    with pytest.raises(InvalidInput, match=r"抓包.pcap is too large \(1.2 MB\); the limit is 1 MB"):
        files.check_upload(big)

    small = files.SizeLimitUploadHandler()
    small.new_file("files", "a.txt", "text/plain", None)
    assert small.receive_data_chunk(b"x", 0) == b"x"
    assert small.file_complete(1) is None  # the usual handlers keep it
