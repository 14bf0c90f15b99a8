"""The staff queues: the duty board, my CASEs, and the CASE list with its filters, sorting,
pagination and saved filters; each page's query count does not grow with its rows."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casedesk.cases import services
from casedesk.core import clock
from casedesk.web.models import SavedFilter
from tests.factories import ContactFactory, make_case, make_user

T0 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing, a Monday


def section(html: str, key: str) -> str:
    """The HTML of one board section."""
    match = re.search(rf'<section class="queue" id="{key}".*?</section>', html, re.S)
    assert match, key
    return match.group(0)


def numbers(html: str) -> list[str]:
    return re.findall(r'class="case-number"[^>]*>(C\d+)<', html)


@pytest.fixture
def staff_client(client, duty):
    client.force_login(duty)
    return client


def test_the_duty_board(staff_client, contact, duty, engineer, senior):
    with clock.frozen(T0):
        fresh = make_case(contact=contact, by=duty, title="新开未分派", priority="P2")
        called = make_case(contact=contact, by=duty, title="已回呼", priority="P3")
        services.case_assign(case=called, engineer=engineer, by=duty)
        services.case_log_work(case=called, kind="callback", minutes=5, note="ok", by=engineer)
        escalated = make_case(contact=contact, by=duty, title="升级了", priority="P3")
        services.case_assign(case=escalated, engineer=engineer, by=duty)
        services.case_log_work(case=escalated, kind="callback", minutes=5, note="ok", by=engineer)
        services.case_escalate(case=escalated, target="senior", by=engineer, reason="need SE")
        done = make_case(contact=contact, by=duty, title="已解决")
        services.case_assign(case=done, engineer=senior, by=duty)
        services.case_accept(case=done, by=senior)
        services.case_resolve(case=done, solution="fixed", by=senior)
    with clock.frozen(T0 + dt.timedelta(minutes=20)):
        html = staff_client.get("/board/").content.decode()

    due = section(html, "due")
    assert fresh.number in numbers(due)  # callback was due at 02:15: overdue
    assert called.number not in numbers(due)
    assert done.number not in numbers(due)
    row = re.search(
        rf"<tr class=\"[^\"]*\">\s*<td[^>]*><a class=\"case-number\"[^>]*>{fresh.number}", due
    )
    assert row and "overdue" in row.group(0)
    assert "5 min overdue" in due or "超时 5 分" in due

    unassigned = section(html, "unassigned")
    assert numbers(unassigned) == [fresh.number]

    esc = section(html, "escalated")
    assert numbers(esc) == [escalated.number]


def test_a_deadline_an_hour_away_is_on_the_board_and_further_ones_are_not(
    staff_client, contact, duty
):
    with clock.frozen(T0):
        case = make_case(contact=contact, by=duty)  # callback due 02:15
    with clock.frozen(T0 - dt.timedelta(minutes=50)):  # 01:10: due in 65 min
        assert case.number not in numbers(
            section(staff_client.get("/board/").content.decode(), "due")
        )
    with clock.frozen(T0 - dt.timedelta(minutes=40)):  # 01:20: due in 55 min, not yet late
        due = section(staff_client.get("/board/").content.decode(), "due")
        assert case.number in numbers(due)
        assert "overdue" not in due.split("<tbody>")[1]


def test_my_cases_owner_and_helper_nearest_deadline_first(client, contact, duty, engineer, senior):
    with clock.frozen(T0):
        later = make_case(contact=contact, by=duty, priority="P4", title="P4 mine")
        services.case_assign(case=later, engineer=engineer, by=duty)
    with clock.frozen(T0 + dt.timedelta(minutes=1)):
        sooner = make_case(contact=contact, by=duty, priority="P1", title="P1 helping")
        services.case_assign(case=sooner, engineer=senior, by=duty)
        services.case_add_helper(case=sooner, helper=engineer, by=senior)
        others = make_case(contact=contact, by=duty, title="not mine")
        services.case_assign(case=others, engineer=senior, by=duty)
        resolved = make_case(contact=contact, by=duty, title="resolved")
        services.case_assign(case=resolved, engineer=engineer, by=duty)
        services.case_accept(case=resolved, by=engineer)
        services.case_resolve(case=resolved, solution="done", by=engineer)
    client.force_login(engineer)
    with clock.frozen(T0 + dt.timedelta(minutes=2)):
        html = client.get("/mine/").content.decode()
    assert numbers(html) == [later.number, sooner.number]  # 02:15 callback before 02:16


def test_the_list_filters_with_the_api_definition(staff_client, org, other_org, duty, engineer):
    acme = ContactFactory(organization=org)
    other = ContactFactory(organization=other_org)
    with clock.frozen(T0):
        a = make_case(contact=acme, by=duty, priority="P1", title="核心交换机宕机")
        b = make_case(
            contact=other, by=duty, priority="P3", title="Printer jam", serial_number="FOX123"
        )
        services.case_assign(case=b, engineer=engineer, by=duty)

    def listed(query):
        return numbers(staff_client.get(f"/cases/?{query}").content.decode())

    assert listed("") == [b.number, a.number]
    assert listed("priority=P1") == [a.number]
    assert listed("status=assigned") == [b.number]
    assert listed("engineer=eng1") == [b.number]
    assert listed("engineer=none") == [a.number]
    assert listed("organization=OTHER") == [b.number]
    assert listed("q=交换机") == [a.number]
    assert listed("q=FOX123") == [b.number]
    assert listed(f"q={a.number.lower()}") == [a.number]
    r = staff_client.get("/cases/?status=bogus")
    assert r.status_code == 422 and "bogus" in r.content.decode()


def test_the_list_sorts_only_by_whitelisted_keys(staff_client, contact, duty):
    with clock.frozen(T0):
        p3 = make_case(contact=contact, by=duty, priority="P3", title="b")
    with clock.frozen(T0 + dt.timedelta(minutes=1)):
        p1 = make_case(contact=contact, by=duty, priority="P1", title="a")
    with clock.frozen(T0 + dt.timedelta(minutes=2)):
        p2 = make_case(contact=contact, by=duty, priority="P2", title="c")

    def listed(sort):
        return numbers(staff_client.get(f"/cases/?sort={sort}").content.decode())

    assert listed("priority") == [p1.number, p2.number, p3.number]
    assert listed("-priority") == [p3.number, p2.number, p1.number]
    assert listed("created") == [p3.number, p1.number, p2.number]
    assert listed("title") == [p1.number, p3.number, p2.number]
    newest_first = [p2.number, p1.number, p3.number]
    assert listed("-created") == newest_first
    assert listed("password") == newest_first
    assert listed("engineer__password") == newest_first

    with clock.frozen(T0 + dt.timedelta(minutes=3)):
        p3_newer = make_case(contact=contact, by=duty, priority="P3", title="d")
    assert listed("-priority")[:2] == [p3_newer.number, p3.number]  # ties: newest first
    assert listed("priority")[-2:] == [p3_newer.number, p3.number]


def test_the_list_is_paginated_and_links_keep_the_filter(staff_client, contact, duty):
    with clock.frozen(T0):
        made = [make_case(contact=contact, by=duty, priority="P4") for _ in range(27)]
    html = staff_client.get("/cases/?priority=P4").content.decode()
    assert len(numbers(html)) == 25
    assert 'href="?priority=P4&amp;page=2"' in html
    page2 = staff_client.get("/cases/?priority=P4&page=2").content.decode()
    assert numbers(page2) == [made[1].number, made[0].number]
    assert len(numbers(staff_client.get("/cases/?size=50").content.decode())) == 27
    assert len(numbers(staff_client.get("/cases/?size=7").content.decode())) == 25
    assert staff_client.get("/cases/?page=999").status_code == 200


def test_saved_filters(client, duty, engineer, contact):
    with clock.frozen(T0):
        make_case(contact=contact, by=duty, priority="P1")
    client.force_login(duty)
    r = client.post("/filters/", {"name": "P1 open", "query": "priority=P1&status=open&page=3"})
    assert r.status_code == 302 and r["Location"] == "/cases/?status=open&priority=P1"
    saved = SavedFilter.objects.get(user=duty)
    assert saved.query == "status=open&priority=P1"
    html = client.get("/board/").content.decode()
    assert 'href="/cases/?status=open&amp;priority=P1">P1 open</a>' in html

    client.post("/filters/", {"name": "P1 open", "query": "priority=P2"})
    assert list(SavedFilter.objects.values_list("name", "query")) == [("P1 open", "priority=P2")]

    r = client.post("/filters/", {"name": "  ", "query": "priority=P2"}, follow=True)
    assert (
        "Give the filter a name." in r.content.decode() or "请为筛选条件命名" in r.content.decode()
    )
    r = client.post("/filters/", {"name": "nothing", "query": "page=2"}, follow=True)
    assert SavedFilter.objects.count() == 1

    client.force_login(engineer)
    assert "P1 open" not in client.get("/board/").content.decode()
    client.post(f"/filters/{saved.pk}/delete/")
    assert SavedFilter.objects.filter(pk=saved.pk).exists()

    client.force_login(duty)
    client.post(f"/filters/{saved.pk}/delete/")
    assert not SavedFilter.objects.exists()


XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def test_titles_render_as_text_on_every_queue(client, contact, duty, engineer):
    with clock.frozen(T0):
        for title in XSS:
            case = make_case(contact=contact, by=duty, title=title)
            services.case_assign(case=case, engineer=engineer, by=duty)
            services.case_escalate(case=case, target="senior", by=engineer, reason="x")
    client.force_login(engineer)
    for path in ["/board/", "/mine/", "/cases/", f"/cases/?q={XSS[0]}"]:
        html = client.get(path).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path


def _count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(path)
    assert r.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "path", ["/board/", "/mine/", "/cases/?size=50", "/cases/?size=50&sort=engineer&q=x"]
)
def test_query_counts_do_not_grow_with_rows(client, contact, duty, engineer, senior, path):
    client.force_login(engineer)
    counts = []
    for batch in (10, 40):  # 10 rows, then 50
        with clock.frozen(T0):
            for i in range(batch):
                case = make_case(contact=contact, by=duty, title=f"x {i}")
                if i % 2:
                    services.case_assign(case=case, engineer=engineer, by=duty)
                    services.case_add_helper(case=case, helper=senior, by=engineer)
                    services.case_escalate(case=case, target="senior", by=engineer, reason="n")
        with clock.frozen(T0 + dt.timedelta(minutes=30)):
            counts.append(_count_queries(client, path))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 10, counts


def test_a_word_search_pages_without_a_total(staff_client, contact, duty):
    with clock.frozen(T0):
        made = [make_case(contact=contact, by=duty, title=f"交换机 {i}") for i in range(27)]
        make_case(contact=contact, by=duty, title="路由器")
    html = staff_client.get("/cases/?q=交换机").content.decode()
    assert len(numbers(html)) == 25
    assert "?q=%E4%BA%A4%E6%8D%A2%E6%9C%BA&amp;page=2" in html  # a next page, no count
    page2 = staff_client.get("/cases/?q=交换机&page=2").content.decode()
    assert numbers(page2) == [made[1].number, made[0].number]
    assert 'rel="next"' not in page2 and 'rel="prev"' in page2


def test_chinese_names_are_written_family_name_first(staff_client, contact, duty, engineer):
    engineer.first_name, engineer.last_name = "刚", "赵"
    engineer.save(update_fields=["first_name", "last_name"])
    duty.first_name, duty.last_name = "Jing", "Chen"
    duty.save(update_fields=["first_name", "last_name"])
    with clock.frozen(T0):
        case = make_case(contact=contact, by=duty)
        services.case_assign(case=case, engineer=engineer, by=duty)
    html = staff_client.get("/cases/").content.decode()
    assert "赵刚" in html and "刚 赵" not in html
    assert "Jing Chen" in html  # the logged-in user in the nav


def test_an_urgent_new_case_sorts_first_on_the_board(staff_client, contact, duty, engineer):
    """Issue 6: a P1 just opened in the portal is at the top of the board, above CASEs of
    lower severity whose callbacks are long overdue — not last, nor cut off."""
    customer = make_user("customer", org=contact.organization)
    with clock.frozen(T0):
        stale = [
            make_case(contact=contact, by=duty, title=f"旧工单{i}", priority="P4") for i in range(3)
        ]
        services.case_assign(case=stale[0], engineer=engineer, by=duty)
    with clock.frozen(T0 + dt.timedelta(hours=3)):
        urgent = make_case(
            contact=contact, by=customer, title="全网中断", priority="P1", channel="web"
        )
        lesser = make_case(
            contact=contact, by=customer, title="端口告警", priority="P2", channel="web"
        )
        html = staff_client.get("/board/").content.decode()
    want = [urgent.number, lesser.number]
    assert numbers(section(html, "due"))[:2] == want
    assert numbers(section(html, "unassigned"))[:2] == want


def test_a_reopened_case_is_back_on_the_board(staff_client, contact, duty, engineer):
    """Reopened to its engineer, it is a fresh notification: the engineer's callback is due
    again within the hour, so the duty engineer sees it among the callbacks due."""
    customer = make_user("customer", org=contact.organization)
    with clock.frozen(T0):
        case = make_case(contact=contact, by=duty, priority="P3")
        services.case_assign(case=case, engineer=engineer, by=duty)
        services.case_log_work(case=case, kind="callback", minutes=5, note="ok", by=engineer)
        services.case_resolve(case=case, solution="重启", by=engineer)
    with clock.frozen(T0 + dt.timedelta(days=1)):
        assert case.number not in numbers(staff_client.get("/board/").content.decode())
        services.case_reopen(case=case, reason="问题依旧", by=customer)
        due = section(staff_client.get("/board/").content.decode(), "due")
    assert case.number in numbers(due)
