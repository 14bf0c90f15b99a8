"""The roster's console pages and each engineer's iCal feed."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from casedesk.core import clock
from casedesk.roster import feed
from casedesk.roster.models import DutyShift, Rotation
from tests.accounts.factories import make_user
from tests.factories import client_for, page_text
from tests.roster.factories import make_shift, roster_snapshot

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 9, 28, 10, 0, tzinfo=BJ)  # a Monday; 国庆 (1–7 October) ahead


@pytest.fixture
def frozen():
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture
def people(frozen):
    return {
        "li": make_user("duty_engineer", username="li", last_name="李", first_name="工"),
        "wang": make_user("duty_engineer", username="wang", last_name="王", first_name="工"),
        "boss": make_user("supervisor", username="boss"),
        "eng": make_user("engineer", username="eng", tier="first_line"),
    }


def test_a_supervisor_plans_a_rotation_and_sees_it_with_the_holidays(people):
    boss = client_for(people["boss"], "zh-hans")
    r = boss.post(reverse("roster:rotation_new"), {
        "name": "7×24 值班", "pattern": "7x24",
        "members": [people["li"].pk, people["wang"].pk], "duty_engineer": "on",
    })  # fmt: skip
    assert r.status_code == 302, page_text(r)[-2000:]
    rotation = Rotation.objects.get()
    r = boss.post(
        reverse("roster:plan"), {"rotation": rotation.pk, "from_week": "2026-09-28", "weeks": 2}
    )
    assert r.status_code == 302 and r["Location"].endswith("?month=2026-09")
    assert DutyShift.objects.count() == 28
    text = page_text(boss.get(reverse("roster:calendar") + "?month=2026-10"))
    assert "节假日" in text and "调休" in text  # 1 October off, Saturday 10 October on
    assert "李工" in text and "王工" in text
    text = page_text(boss.get(reverse("roster:calendar")))  # this month, holes ahead
    assert 'id="roster-holes"' in text and "值班表空档" in text


def test_a_cover_is_marked_on_the_calendar(people):
    night = make_shift(people["li"], NOW.replace(hour=17, minute=30), NOW.replace(hour=23))
    boss = client_for(people["boss"], "en")
    r = boss.post(
        reverse("roster:shift_cover", args=[night.pk]),
        {"substitute": people["wang"].pk, "starts_at": "2026-09-28 20:00", "ends_at": ""},
    )
    assert r.status_code == 302, page_text(r)[-2000:]
    text = page_text(boss.get(reverse("roster:calendar")))
    assert "origin-cover" in text and "covers for 李工" in text


def test_bad_cover_and_swap_are_form_errors_and_change_nothing(people):
    mine = make_shift(people["li"], NOW.replace(hour=8, minute=30), NOW.replace(hour=17, minute=30))
    work = make_shift(people["eng"], NOW + dt.timedelta(days=1), NOW + dt.timedelta(days=1, hours=8),
                      duty_engineer=False)  # fmt: skip
    boss = client_for(people["boss"], "en")
    before = roster_snapshot()
    r = boss.post(reverse("roster:shift_cover", args=[mine.pk]), {"substitute": people["eng"].pk})
    assert r.status_code == 400 and "not a duty engineer" in page_text(r)
    r = boss.post(reverse("roster:shift_swap", args=[mine.pk]), {"other": work.pk})
    assert r.status_code == 400 and "not a duty engineer" in page_text(r)
    r = boss.post(reverse("roster:plan"), {"rotation": "", "from_week": "x", "weeks": 99})
    assert r.status_code == 400
    assert roster_snapshot() == before


def test_engineers_read_the_roster_but_do_not_plan_it(people):
    eng = client_for(people["eng"], "en")
    text = page_text(eng.get(reverse("roster:calendar")))
    assert 'id="plan-form"' not in text and 'id="feed-link"' in text
    assert eng.get(reverse("roster:rotation_new")).status_code == 403


def test_the_feed_holds_exactly_the_persons_shifts_from_30_days_back_to_90_ahead(people):
    li, wang = people["li"], people["wang"]
    day = dt.timedelta(days=1)
    kept = [
        make_shift(li, NOW - 29 * day, NOW - 29 * day + dt.timedelta(hours=9)),
        make_shift(li, NOW, NOW + dt.timedelta(hours=9)),
        make_shift(li, NOW + 89 * day, NOW + 89 * day + dt.timedelta(hours=9)),
    ]
    make_shift(li, NOW - 40 * day, NOW - 40 * day + dt.timedelta(hours=9))  # too old
    make_shift(li, NOW + 95 * day, NOW + 95 * day + dt.timedelta(hours=9))  # too far
    make_shift(wang, NOW + day, NOW + day + dt.timedelta(hours=9))  # someone else's
    page = page_text(client_for(li, "en").get(reverse("roster:calendar")))
    url = reverse("roster:feed", args=[feed.token_for(li)])
    assert url in page
    r = Client().get(url)  # no login
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(r.content)
    events = [(e.decoded("dtstart"), e.decoded("dtend")) for e in cal.walk("VEVENT")]
    assert sorted(events) == [(s.starts_at, s.ends_at) for s in kept]
    forged = f"{wang.pk}-{feed.token_for(li).split('-')[1]}"
    assert Client().get(reverse("roster:feed", args=[forged])).status_code == 404
    assert Client().get(reverse("roster:feed", args=["x"])).status_code == 404
