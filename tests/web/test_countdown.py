"""Time left and time overdue read as people say it, in both languages, everywhere a
deadline counts down (CASE page, queues); the page's script words it the same way
(tests/e2e/test_case_page_ui.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation

from casedesk.core import clock
from casedesk.web.templatetags.console import countdown, countdown_text
from tests.cases.lifecycle import make_cast
from tests.factories import client_for, make_case
from tests.factories import page_text as text

H, M = 3600, 60


@pytest.mark.parametrize(
    ("seconds", "english", "chinese"),
    [
        (45 * M, "45 min left", "剩余 45 分"),
        (44 * M + 1, "45 min left", "剩余 45 分"),  # whole minutes up while time remains
        (30, "1 min left", "剩余 1 分"),
        (-(3 * H + 22 * M + 52), "3 h 22 min overdue", "超时 3 小时 22 分"),
        (-10, "1 min overdue", "超时 1 分"),
        (0, "1 min overdue", "超时 1 分"),  # due now: overdue, like the page's colour
        (2 * H, "2 h left", "剩余 2 小时"),
        (-(23 * H + 59 * M + 59), "23 h 59 min overdue", "超时 23 小时 59 分"),
        (2 * 24 * H + 4 * H + 10 * M, "2 d 4 h left", "剩余 2 天 4 小时"),
        (-(2 * 24 * H + 4 * H + 10 * M), "2 d 4 h overdue", "超时 2 天 4 小时"),
        (-(24 * H + 30 * M), "1 d overdue", "超时 1 天"),
    ],
)
def test_countdown_text_in_both_languages(seconds, english, chinese):
    with translation.override("en"):
        assert countdown_text(seconds) == english
    with translation.override("zh-hans"):
        assert countdown_text(seconds) == chinese


def test_no_clock_digits_and_no_minus_sign():
    for seconds in (-(3 * H + 22 * M + 52), 5 * M, -(50 * H)):
        for language in ("en", "zh-hans"):
            with translation.override(language):
                out = countdown_text(seconds)
            assert not re.search(r"\d:\d\d|-", out), out


def test_the_queue_filter_uses_the_same_words():
    now = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    with translation.override("zh-hans"):
        assert countdown(now - dt.timedelta(hours=3, minutes=22, seconds=52), now) == (
            "超时 3 小时 22 分"
        )
        assert countdown(now + dt.timedelta(minutes=45), now) == "剩余 45 分"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "left", "overdue"),
    [("en", "15 min left", "3 h 22 min overdue"), ("zh-hans", "剩余 15 分", "超时 3 小时 22 分")],
)
def test_the_case_page_and_the_board_show_the_words(language, left, overdue):
    cast = make_cast()
    case = make_case(contact=cast.contact, by=cast.call_taker, priority="P1")
    client = client_for(cast.duty, language)
    with clock.frozen(case.created_at):
        body = text(client.get(f"/cases/{case.number}/"))
    assert re.search(rf'class="countdown" data-due="[^"]+">{left}</span>', body), body
    later = case.created_at + dt.timedelta(minutes=15, hours=3, seconds=22 * 60 + 52)
    with clock.frozen(later):
        body = text(client.get(f"/cases/{case.number}/"))
        board = text(client.get("/board/"))
    assert re.search(rf'class="countdown overdue" data-due="[^"]+">{overdue}</span>', body)
    assert overdue in board
    # the live script gets the same phrases the server used
    assert 'id="countdown-formats"' in body
