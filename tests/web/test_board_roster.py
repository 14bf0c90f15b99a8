"""The duty board says who is on duty now, from the roster."""

import datetime as dt

import pytest

from casedesk.core import clock
from casedesk.roster.models import DutyShift
from tests.factories import client_for, make_user, page_text

pytestmark = pytest.mark.django_db


def _shift(user, hours_ago: float, hours_ahead: float, **flags) -> None:
    now = clock.now()
    DutyShift.objects.create(
        user=user,
        starts_at=now - dt.timedelta(hours=hours_ago),
        ends_at=now + dt.timedelta(hours=hours_ahead),
        **flags,
    )


def test_the_board_names_who_is_on_duty_now(duty, call_taker, engineer, senior):
    duty.first_name, duty.last_name = "静", "陈"
    duty.save()
    duty.staff.phone = "13910000011"
    duty.staff.save()
    night = make_user("duty_engineer", username="duty.liu")
    _shift(duty, 2, 6)
    _shift(call_taker, 2, 6, duty_engineer=False)
    _shift(engineer, 1, 7, duty_engineer=False, hotline=False)
    _shift(senior, 30, -1, duty_engineer=False, hotline=False)  # over an hour ago
    _shift(night, -6, 12)  # tonight
    text = page_text(client_for(duty).get("/board/"))
    strip = text[text.index('id="on-duty"') : text.index("</p>", text.index('id="on-duty"'))]
    assert "On duty now" in strip
    assert strip.index("陈静") < strip.index("taker") < strip.index("eng1")
    assert "duty engineer" in strip and "hotline" in strip and "13910000011" in strip
    assert "se1" not in strip and "duty.liu" not in strip

    zh = page_text(client_for(duty, "zh-hans").get("/board/"))
    assert "当前值班" in zh and "热线" in zh


def test_an_empty_roster_says_so(duty):
    text = page_text(client_for(duty).get("/board/"))
    assert "Nobody is on the duty roster now." in text
