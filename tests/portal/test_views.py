"""The customer portal: a customer contact's own organization's CASEs, end to end over HTTP."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from casedesk.cases import attachments as files
from casedesk.cases import services
from casedesk.cases.choices import EventKind, Status
from casedesk.cases.models import Attachment, Case
from tests.authorization import PUBLIC, Page, collect
from tests.factories import ContactFactory, database_snapshot, make_case, make_user
from tests.portal.conftest import stored_files, upload

# The pages anyone may open (the domains' matrices say so): not the staff's.
PUBLIC_PAGES = {
    name for name, page in collect({}, "PAGES", __file__).items() if page == Page(PUBLIC)
}


@pytest.fixture
def portal(client, customer):
    client.force_login(customer)
    return client


@pytest.fixture
def theirs(other_org):
    """A CASE of another organization, with a file."""
    case = make_case(contact=ContactFactory(organization=other_org), title="别人的工单")
    other = make_user("customer", org=other_org)
    files.case_attach(case=case, uploads=[upload("他们的.txt")], by=other)
    return case


def _worked(case, duty, engineer):
    services.case_assign(case=case, engineer=engineer, by=duty)
    services.case_accept(case=case, by=engineer)
    return case


def _resolved(case, duty, engineer):
    _worked(case, duty, engineer)
    services.case_resolve(case=case, solution="更换了电源模块。", by=engineer)
    return case


def test_the_list_shows_only_the_organizations_cases_and_filters_by_status(
    portal, customer, contact, theirs, duty, engineer
):
    mine = make_case(contact=contact, title="核心交换机宕机")
    done = _resolved(make_case(contact=contact, title="VPN 断开"), duty, engineer)
    page = portal.get(reverse("portal:home")).content.decode()
    assert mine.number in page and done.number in page
    assert theirs.number not in page and "别人的工单" not in page

    page = portal.get(reverse("portal:home"), {"status": "resolved"}).content.decode()
    assert done.number in page and mine.number not in page
    assert "waits for your confirmation" in page or "等待您确认" in page

    page = portal.get(reverse("portal:home"), {"q": "核心"}).content.decode()
    assert mine.number in page and done.number not in page
    # a search for another organization's number finds nothing
    page = portal.get(reverse("portal:home"), {"q": theirs.number}).content.decode()
    assert reverse("portal:case", args=[theirs.number]) not in page
    assert "别人的工单" not in page


def test_the_list_pages_25_at_a_time(portal, contact):
    numbers = [make_case(contact=contact, title=f"故障 {i}").number for i in range(27)]
    first = portal.get(reverse("portal:home")).content.decode()
    second = portal.get(reverse("portal:home"), {"page": 2}).content.decode()
    assert numbers[-1] in first and numbers[0] not in first
    assert numbers[0] in second and numbers[-1] not in second


def test_the_list_query_count_does_not_grow_with_the_page(
    portal, contact, django_assert_max_num_queries
):
    for i in range(3):
        make_case(contact=contact, title=f"故障 {i}")
    with django_assert_max_num_queries(8) as few:
        portal.get(reverse("portal:home"))
    for i in range(20):
        make_case(contact=contact, title=f"更多 {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        portal.get(reverse("portal:home"))


def test_a_customer_reports_a_problem_with_files(portal, customer, contact, _media):
    r = portal.get(reverse("portal:case_new"))
    page = r.content.decode()
    assert r.status_code == 200
    for severity in ("P1", "P2", "P3", "P4"):
        assert f'value="{severity}"' in page
    assert "csrfmiddlewaretoken" in page

    r = portal.post(
        reverse("portal:case_new"),
        {
            "title": "防火墙无法登录",
            "priority": "P2",
            "description": "从今天早上 9 点开始，所有 VPN 用户无法登录。",
            "hardware_platform": "ASA 5525-X",
            "software_version": "9.16(4)",
            "serial_number": "FCH2233V0AB",
            "files": [upload("防火墙日志.log"), upload("截图.png", b"\x89PNG\r\n")],
        },
    )
    case = Case.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("portal:case", args=[case.number])
    assert case.organization == customer.organization and case.channel == "web"
    assert case.created_by == customer and case.priority == "P2"
    assert case.serial_number == "FCH2233V0AB"
    assert sorted(a.name for a in case.attachments.all()) == ["截图.png", "防火墙日志.log"]
    assert len(stored_files(_media)) == 2
    page = portal.get(r["Location"]).content.decode()
    assert "防火墙无法登录" in page and "防火墙日志.log" in page


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"title": ""}, "This field is required"),
        ({"priority": "P9"}, "Select a valid choice"),
        ({"files": [upload("病毒.exe")]}, "cannot be attached"),
    ],
)
def test_a_refused_report_says_why_and_stores_nothing(
    portal, customer, contact, _media, bad, message
):
    customer.language = "en"  # the messages in the user's own language
    customer.save()
    data = {"title": "交换机端口闪断", "priority": "P3", "description": "端口反复 up/down。"}
    data.update(bad)
    before = database_snapshot()
    r = portal.post(reverse("portal:case_new"), data)
    assert r.status_code in (400, 422)
    assert message in r.content.decode()
    assert database_snapshot() == before and stored_files(_media) == []


def test_a_file_over_the_limit_is_refused_with_the_limit_named(portal, settings, _media):
    settings.CASEDESK_MAX_ATTACHMENT_MB = 1
    r = portal.post(
        reverse("portal:case_new"),
        {
            "title": "抓包",
            "priority": "P3",
            "description": "见附件",
            "files": [upload("big.pcap", b"\0" * (1024 * 1024 + 10))],
        },
    )
    assert r.status_code == 422
    assert "1 MB" in r.content.decode()
    assert not Case.objects.exists() and stored_files(_media) == []


def test_the_history_hides_internal_notes(portal, customer, contact, duty, engineer):
    case = _worked(make_case(contact=contact), duty, engineer)
    services.case_log_work(
        case=case, kind="callback", note="已回电客户，远程排查中", minutes=10, by=engineer
    )
    services.case_log_work(
        case=case, kind="note", note="客户设备过保，内部讨论", minutes=0, by=engineer, internal=True
    )
    services.case_request_reassignment(case=case, reason="我不熟悉防火墙", by=engineer)
    files.case_attach(case=case, uploads=[upload("内部配置.cfg")], by=engineer, internal=True)
    page = portal.get(reverse("portal:case", args=[case.number])).content.decode()
    assert "已回电客户，远程排查中" in page
    assert "客户设备过保" not in page
    assert "我不熟悉防火墙" not in page
    assert "内部配置.cfg" not in page


def test_a_customer_adds_information_with_a_file(portal, customer, contact, duty, engineer, _media):
    case = _worked(make_case(contact=contact), duty, engineer)
    r = portal.post(
        reverse("portal:case_add", args=[case.number]),
        {"note": "重启后问题依旧", "files": [upload("show tech.txt")]},
    )
    assert r.status_code == 302
    worklog = case.worklogs.get()
    assert (worklog.author, worklog.kind, worklog.minutes) == (customer, "note", 0)
    assert not worklog.internal
    assert case.attachments.get().name == "show tech.txt"
    page = portal.get(reverse("portal:case", args=[case.number])).content.decode()
    assert "重启后问题依旧" in page and "补充了信息" in page
    assert reverse("portal:attachment", args=[case.attachments.get().pk]) in page


def test_adding_nothing_is_refused(portal, contact):
    case = make_case(contact=contact)
    before = database_snapshot()
    r = portal.post(reverse("portal:case_add", args=[case.number]), {"note": "  "})
    assert r.status_code == 422
    assert database_snapshot() == before


def test_confirm_is_offered_only_when_resolved_and_confirms(
    portal, customer, contact, duty, engineer
):
    case = _worked(make_case(contact=contact), duty, engineer)
    url = reverse("portal:case", args=[case.number])
    confirm_url = reverse("portal:case_confirm", args=[case.number])
    assert confirm_url not in portal.get(url).content.decode()
    # asking anyway is refused with a message and changes nothing
    before = database_snapshot()
    r = portal.post(confirm_url, {"note": ""})
    assert r.status_code == 409 and database_snapshot() == before

    services.case_resolve(case=case, solution="更换了电源模块。", by=engineer)
    page = portal.get(url).content.decode()
    assert confirm_url in page and "更换了电源模块。" in page
    r = portal.post(confirm_url, {"note": "已恢复，谢谢"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.confirmed_by == customer and case.status == Status.RESOLVED
    assert confirm_url not in portal.get(url).content.decode()
    # the desk can now close it
    services.case_close(case=case, by=duty)


def test_not_fixed_reopens_the_case(portal, customer, contact, duty, engineer):
    case = _resolved(make_case(contact=contact), duty, engineer)
    reopen_url = reverse("portal:case_reopen", args=[case.number])
    assert reopen_url in portal.get(reverse("portal:case", args=[case.number])).content.decode()
    before = database_snapshot()
    r = portal.post(reopen_url, {"reason": ""})
    assert r.status_code == 400 and database_snapshot() == before
    r = portal.post(reopen_url, {"reason": "问题又出现了"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED and case.engineer == engineer
    assert case.events.last().kind == EventKind.REOPENED


def test_a_closed_case_offers_nothing(portal, contact, duty, engineer):
    case = _resolved(make_case(contact=contact), duty, engineer)
    services.case_confirm(case=case, note="客户电话确认", by=duty)
    services.case_close(case=case, by=duty)
    page = portal.get(reverse("portal:case", args=[case.number])).content.decode()
    for name in ("portal:case_add", "portal:case_confirm", "portal:case_reopen"):
        assert reverse(name, args=[case.number]) not in page
    before = database_snapshot()
    r = portal.post(reverse("portal:case_reopen", args=[case.number]), {"reason": "再开"})
    assert r.status_code == 403 and database_snapshot() == before


# --- files ---------------------------------------------------------------------------


def test_a_download_is_an_attachment_with_its_chinese_name(portal, customer, contact):
    case = make_case(contact=contact)
    [att] = files.case_attach(
        case=case, uploads=[upload("路由器 配置.txt", b"hostname R1\n")], by=customer
    )
    r = portal.get(reverse("portal:attachment", args=[att.pk]))
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == b"hostname R1\n"
    assert r["Content-Type"] == "application/octet-stream"
    disposition = r["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E8%B7%AF%E7%94%B1%E5%99%A8%20%E9%85%8D%E7%BD%AE.txt" in disposition
    assert r["X-Content-Type-Options"] == "nosniff"


def test_staff_download_any_file_including_internal(client, contact, customer, engineer, duty):
    case = make_case(contact=contact)
    [public] = files.case_attach(case=case, uploads=[upload("a.txt")], by=customer)
    [internal] = files.case_attach(case=case, uploads=[upload("b.txt")], by=duty, internal=True)
    client.force_login(engineer)
    for att in (public, internal):
        assert client.get(reverse("portal:attachment", args=[att.pk])).status_code == 200


def test_anonymous_download_goes_to_the_login(client, contact, customer):
    case = make_case(contact=contact)
    [att] = files.case_attach(case=case, uploads=[upload()], by=customer)
    r = client.get(reverse("portal:attachment", args=[att.pk]))
    assert r.status_code == 302 and "login" in r["Location"]


# --- security ------------------------------------------------------------------------


def test_another_organizations_case_and_file_are_404(portal, theirs):
    att = Attachment.objects.get(case=theirs)
    for url in (
        reverse("portal:case", args=[theirs.number]),
        reverse("portal:attachment", args=[att.pk]),
        reverse("portal:attachment", args=[att.pk + 1000]),
        reverse("portal:case", args=["C9912999"]),
    ):
        r = portal.get(url)
        assert r.status_code == 404, url
        assert "别人的工单" not in r.content.decode() and "他们的" not in r.content.decode()
    before = database_snapshot()
    for name, data in (
        ("portal:case_add", {"note": "x"}),
        ("portal:case_confirm", {}),
        ("portal:case_reopen", {"reason": "x"}),
    ):
        assert portal.post(reverse(name, args=[theirs.number]), data).status_code == 404
    assert database_snapshot() == before


def _staff_urls(case):
    """Every named page outside the portal (its own and each domain's) and the admin, its
    arguments filled with a CASE of the customer's own organization."""
    from django.urls import URLPattern, get_resolver

    urls = []
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        if namespace in {"portal", "admin"} or namespace.startswith("api"):
            continue  # the API answers customers itself (tests/api/test_visibility.py)
        for pattern in resolver.url_patterns:
            if not isinstance(pattern, URLPattern) or pattern.name is None:
                continue
            if namespace == "web" and pattern.name in {"home", "login", "logout", "language"}:
                continue
            if f"{namespace}:{pattern.name}" in PUBLIC_PAGES:
                continue  # anyone's (a survey's page: its token is the permission)
            kwargs = {
                name: case.pk if conv.__class__.__name__ == "IntConverter" else case.number
                for name, conv in pattern.pattern.converters.items()
            }
            url = reverse(f"{namespace}:{pattern.name}", kwargs=kwargs)
            if not url.startswith("/portal/"):  # a domain's portal page is the customer's
                urls.append(url)
    return urls


def test_a_customer_reaches_no_staff_page(portal, contact):
    case = make_case(contact=contact)  # its own organization's: still no staff page
    urls = _staff_urls(case)
    assert len(urls) >= 4, urls
    before = database_snapshot()
    for url in urls:
        r = portal.get(url)
        if r.status_code == 405:
            r = portal.post(url, {})
        assert r.status_code == 403, url
    assert database_snapshot() == before
    for url in ("/cases/", f"/cases/{case.number}/", "/cases/new/", "/dashboard/", "/board/"):
        assert portal.get(url).status_code == 403, url
    r = portal.get("/admin/")  # refused, with the way to the portal (no login loop)
    assert r.status_code == 403 and 'href="/portal/"' in r.content.decode()


def test_staff_are_sent_from_the_portal_to_their_console(client, duty, contact):
    client.force_login(duty)
    r = client.get(reverse("portal:home"))
    assert r.status_code == 302 and not r["Location"].startswith("/portal/")
    case = make_case(contact=contact)
    r = client.get(reverse("portal:case", args=[case.number]))
    assert r.status_code == 302 and r["Location"] == f"/cases/{case.number}/"


def test_anonymous_visitors_are_asked_to_log_in(client):
    r = client.get(reverse("portal:home"))
    assert r.status_code == 302 and "login" in r["Location"]


@pytest.mark.parametrize("title", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
def test_markup_in_a_case_renders_as_text(portal, customer, contact, duty, engineer, title):
    case = files.case_open_with_attachments(
        organization=contact.organization,
        contact=contact,
        uploads=[upload(f"{title}.txt")],
        by=customer,
        title=title,
        priority="P3",
        channel="web",
        description=title,
    )
    _worked(case, duty, engineer)
    services.case_log_work(case=case, kind="phone", note=title, minutes=5, by=engineer)
    services.case_resolve(case=case, solution=title, by=engineer)
    for url in (reverse("portal:home"), reverse("portal:case", args=[case.number])):
        page = portal.get(url).content.decode()
        assert title not in page, url
        assert "&lt;" in page
        assert not re.search(r"<(script|img)[^>]*alert", page), url


def test_the_admin_lists_files_and_links_the_checked_download(client, customer, contact):
    case = make_case(contact=contact)
    [att] = files.case_attach(case=case, uploads=[upload("交换机.cfg")], by=customer)
    client.force_login(make_user("admin", username="root"))
    assert "交换机.cfg" in client.get(reverse("admin:cases_attachment_changelist")).content.decode()
    page = client.get(reverse("admin:cases_attachment_change", args=[att.pk])).content.decode()
    assert reverse("portal:attachment", args=[att.pk]) in page
    assert "/media/" not in page


def test_the_case_page_query_count_does_not_grow_with_its_history(
    portal, customer, contact, duty, engineer, django_assert_max_num_queries
):
    case = _worked(make_case(contact=contact), duty, engineer)
    url = reverse("portal:case", args=[case.number])
    with django_assert_max_num_queries(20) as few:
        portal.get(url)
    for i in range(10):
        services.case_log_work(
            case=case, kind="phone", note=f"第 {i} 次电话", minutes=5, by=engineer
        )
        files.case_attach(case=case, uploads=[upload(f"日志{i}.txt")], by=customer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = portal.get(url).content.decode()
    assert "第 9 次电话" in page and "日志9.txt" in page


def test_a_customer_sets_language_and_time_zone_and_sees_times_in_it(portal, customer, contact):
    case = make_case(contact=contact)
    r = portal.post(reverse("portal:preferences"), {"language": "en", "time_zone": "Europe/London"})
    assert r.status_code == 302
    customer.refresh_from_db()
    assert (customer.language, customer.time_zone) == ("en", "Europe/London")
    page = portal.get(reverse("portal:case", args=[case.number])).content.decode()
    assert "History" in page  # English now
    london = case.created_at.astimezone(ZoneInfo("Europe/London"))
    assert london.strftime("%Y-%m-%d %H:%M") in page
    before = database_snapshot()
    r = portal.post(reverse("portal:preferences"), {"language": "en", "time_zone": "Mars/Base"})
    assert r.status_code == 422 and "Mars/Base" in r.content.decode()
    customer.refresh_from_db()
    assert customer.time_zone == "Europe/London" and database_snapshot() == before
