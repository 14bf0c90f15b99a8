"""The survey page (no login, in the language it was mailed in) and the results page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from casedesk.core import clock
from casedesk.surveys.models import Survey
from tests.factories import client_for, make_user, page_text
from tests.surveys.factories import closed_case, token_of

pytestmark = pytest.mark.django_db


def test_the_page_answers_once_and_shows_only_its_case():
    case = closed_case(title="路由器掉线")
    other = closed_case(title="别的CASE标题")
    url = f"/survey/{token_of(case)}/"
    anonymous = Client()
    page = anonymous.get(url)
    text = page_text(page)
    assert page.status_code == 200
    assert (
        case.number in text and "路由器掉线" in text and "我们做得怎么样" in text
    )  # zh: mailed in
    assert other.number not in text and "别的CASE标题" not in text
    bad = anonymous.post(url, {"score": "9", "comment": "x"})
    assert bad.status_code == 400 and Survey.objects.get(case=case).answered_at is None
    done = anonymous.post(url, {"score": "5", "comment": "很好"})
    assert done.status_code == 200 and "谢谢" in page_text(done)
    assert Survey.objects.get(case=case).score == 5
    again = anonymous.post(url, {"score": "1"})
    assert "已经回答过了" in page_text(again) and Survey.objects.get(case=case).score == 5


def test_unknown_and_expired_links():
    start = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)
    case = closed_case(at=start)
    anonymous = Client()
    assert anonymous.get("/survey/nope/").status_code == 404
    with clock.frozen(start + dt.timedelta(days=40)):
        gone = anonymous.get(f"/survey/{token_of(case)}/")
    assert gone.status_code == 410 and "已过期" in page_text(gone)


def test_the_results_page_and_the_case_page_show_the_answer():
    case = closed_case()
    Client().post(f"/survey/{token_of(case)}/", {"score": "2", "comment": "太慢"})
    csm = client_for(make_user("cs_manager"), "zh-hans")
    results = page_text(csm.get("/surveys/"))
    assert "满意率" in results and case.number in results and "太慢" in results
    assert "2/5" in page_text(csm.get(f"/cases/{case.number}/"))
    assert "满意度" in page_text(csm.get("/dashboard/"))
    customer = client_for(make_user("customer", org=case.organization), "zh-hans")
    assert customer.get("/surveys/").status_code == 403


def test_the_results_page_and_the_dashboard_show_the_teams():
    senior = make_user("engineer", tier="senior")
    first = make_user("engineer", tier="first_line")
    Client().post(f"/survey/{token_of(closed_case(engineer=senior))}/", {"score": "5"})
    Client().post(f"/survey/{token_of(closed_case(engineer=first))}/", {"score": "3"})
    csm = client_for(make_user("cs_manager"), "zh-hans")
    results = page_text(csm.get("/surveys/"))
    assert "按团队" in results and "高级工程师（SE）" in results and "一线工程师" in results
    dashboard = csm.get("/dashboard/").content.decode()
    panel = dashboard[dashboard.index('id="csat"') :]
    assert "团队" in panel and "高级工程师（SE）" in panel and "一线工程师" in panel


def test_with_no_answers_the_results_say_so_instead_of_zero_percent():
    csm = client_for(make_user("cs_manager"), "en")
    results = page_text(csm.get("/surveys/"))
    assert "No answers yet." in results and "0%" not in results
    dashboard = csm.get("/dashboard/").content.decode()
    panel = dashboard[dashboard.index('id="csat"') :]
    panel = panel[: panel.index("</section>")]
    assert "No answers yet." in panel and "0%" not in panel
    Client().post(f"/survey/{token_of(closed_case())}/", {"score": "5"})
    assert "100%" in page_text(csm.get("/surveys/"))
