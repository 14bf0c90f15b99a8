"""Alerts meant for "the duty engineer" go to the duty engineers on shift at that instant
(a shift is ``[starts_at, ends_at)``: at its end the next shift's people get them); with
nobody on shift, to every active duty engineer and the supervisors, saying the roster has a
hole.  Mailed over SMTP to a real server, in each reader's language."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casedesk.accounts.models import User
from casedesk.cases.models import CaseEvent
from casedesk.core import clock, presenters
from casedesk.notify.models import Notification
from casedesk.notify.services import deliver_due
from casedesk.roster.models import DutyShift
from casedesk.roster.selectors import duty_call
from casedesk.sla import recipients
from casedesk.sla.choices import Recipient
from tests.accounts.factories import ContactFactory, OrganizationFactory, make_user
from tests.cases.factories import make_case
from tests.roster.factories import make_shift

T0 = dt.datetime(2026, 12, 7, 0, 30, tzinfo=dt.UTC)  # Monday 08:30 in Beijing
HOUR = dt.timedelta(hours=1)
TICK = dt.timedelta(microseconds=1)
MINUTE = dt.timedelta(minutes=1)


class Desk:
    def __init__(self):
        self.org = OrganizationFactory(code="ACME", service_level="gold")
        self.contact = ContactFactory(organization=self.org)
        self.taker = make_user("call_taker", username="taker")
        self.day = make_user("duty_engineer", username="day")
        self.night = make_user("duty_engineer", username="night")
        self.spare = make_user("duty_engineer", username="spare")
        self.boss = make_user("supervisor", username="boss")
        self.gone = make_user("duty_engineer", username="gone")
        self.eng = make_user("engineer", username="eng", tier="first_line")


@pytest.fixture
def desk(db):
    return Desk()


def alerted(smtp) -> list[str]:
    """Who received an alert since the last call (usernames, sorted), then forget all mail."""
    deliver_due()
    rows = Notification.objects.filter(dedupe_key__startswith="alert:", status="sent")
    sent = {n.to_email for n in rows}
    names = sorted(r.split("@")[0] for r in smtp.recipients() if r in sent)
    smtp.clear()
    rows.update(status="done")
    return names


def p1_at(desk, at):
    with clock.frozen(at):
        return make_case(contact=desk.contact, by=desk.taker, priority="P1")


def test_at_a_shifts_end_the_next_shifts_people_are_alerted(desk, smtp):
    make_shift(desk.day, T0, T0 + 9 * HOUR)
    make_shift(desk.night, T0 + 9 * HOUR, T0 + 24 * HOUR)
    p1_at(desk, T0 - TICK)  # before the day shift: nobody on shift
    assert alerted(smtp) == ["boss", "day", "gone", "night", "spare"]
    p1_at(desk, T0)  # the day shift starts
    assert alerted(smtp) == ["day"]
    p1_at(desk, T0 + 9 * HOUR - TICK)
    assert alerted(smtp) == ["day"]
    p1_at(desk, T0 + 9 * HOUR)  # the day shift's end is the night shift's start
    assert alerted(smtp) == ["night"]
    p1_at(desk, T0 + 24 * HOUR)  # the night shift is over: a hole
    assert alerted(smtp) == ["boss", "day", "gone", "night", "spare"]


def test_an_engineers_working_shift_does_not_take_the_duty_engineers_alarms(desk, smtp):
    make_shift(desk.eng, T0, T0 + 9 * HOUR, duty_engineer=False)
    p1_at(desk, T0 + HOUR)
    assert "eng" not in alerted(smtp)


def test_with_nobody_on_shift_the_alert_says_the_roster_has_a_hole(desk, smtp):
    desk.gone.is_active = False
    desk.gone.save()
    desk.night.language = "en"
    desk.night.save()
    case = p1_at(desk, T0)
    assert alerted(smtp) == ["boss", "day", "night", "spare"]  # not the inactive one
    zh = Notification.objects.get(recipient=desk.day, case=case)
    en = Notification.objects.get(recipient=desk.night, case=case)
    assert "值班表出现空档" in zh.body
    assert "The duty roster has a hole" in en.body
    make_shift(desk.day, T0, T0 + 9 * HOUR)
    case = p1_at(desk, T0 + HOUR)
    assert alerted(smtp) == ["day"]
    body = Notification.objects.get(recipient=desk.day, case=case).body
    assert "值班表出现空档" not in body


# --- a property: over random rosters, the recipients are exactly the shifts covering t ---

people = st.sampled_from(["day", "night", "spare", "boss", "eng"])
spans = st.tuples(st.integers(0, 48), st.integers(1, 24))  # start hour, length in hours
rosters = st.lists(st.tuples(people, spans, st.booleans()), max_size=8)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(roster=rosters, hour=st.integers(0, 72), minute=st.sampled_from([0, 1, 30, 59]))
def test_the_duty_engineer_at_t_is_exactly_who_the_roster_has_on_a_duty_shift(
    desk, roster, hour, minute
):
    at = T0 + hour * HOUR + dt.timedelta(minutes=minute)
    with transaction.atomic():
        written = []
        for username, (start, length), duty in roster:
            user = User.objects.get(username=username)
            if user.role == "engineer":
                duty = False
            shift = DutyShift(
                user=user,
                starts_at=T0 + start * HOUR,
                ends_at=T0 + (start + length) * HOUR,
                duty_engineer=duty,
            )
            if any(
                s.user_id == user.pk and s.starts_at < shift.ends_at and shift.starts_at < s.ends_at
                for s in written
            ):
                continue  # nobody is on two shifts at once (the services refuse it)
            shift.save()
            written.append(shift)
        covering = {
            s.user.username for s in written if s.duty_engineer and s.starts_at <= at < s.ends_at
        }
        got = {u.username for u in recipients.people(None, Recipient.DUTY_ENGINEER, at)}
        if covering:
            assert got == covering
            assert not duty_call(at).hole
        else:
            assert got == {"day", "night", "spare", "gone", "boss"}
            assert duty_call(at).hole
        transaction.set_rollback(True)


def test_a_deadline_fired_with_nobody_on_shift_says_so_in_the_cases_history(desk, smtp):
    case = p1_at(desk, T0)
    call_command("supervise", now=(T0 + 16 * MINUTE).isoformat(), stdout=StringIO())
    event = CaseEvent.objects.get(case=case, kind="deadline_fired")
    assert event.data["roster_hole"] is True and "boss" in event.data["to"]
    with translation.override("zh-hans"):
        lines = presenters.present("cases", event).lines
    assert "当时值班表无人值班：已通知全体值班工程师和技术支持主管。" in lines
    deliver_due()
    mail = Notification.objects.get(
        case=case, recipient=desk.boss, dedupe_key__startswith="deadline"
    )
    assert "值班表出现空档" in mail.body
    make_shift(desk.day, T0 + HOUR, T0 + 9 * HOUR)
    case = p1_at(desk, T0 + HOUR)
    call_command("supervise", now=(T0 + HOUR + 16 * MINUTE).isoformat(), stdout=StringIO())
    event = CaseEvent.objects.get(case=case, kind="deadline_fired")
    assert "roster_hole" not in event.data and event.data["to"] == ["day"]
