"""SPEC §3, rule by rule: ``casedesk supervise --now`` just before and just after each
threshold, with mail delivered over SMTP to a real server.  Who got mail, who did not."""

import datetime as dt
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from casedesk.cases import services
from casedesk.cases.models import CaseEvent
from casedesk.core import clock
from casedesk.notify.models import Notification
from casedesk.notify.services import deliver_due
from casedesk.sla.models import Deadline, SlaPolicy
from casedesk.sla.selectors import config_changed
from tests.conftest import ACKNOWLEDGEMENT
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user
from tests.roster.factories import make_shift

# Monday 2026-11-23 10:00 in Shanghai.
T0 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def supervise(when: dt.datetime) -> str:
    out = StringIO()
    call_command("supervise", now=when.isoformat(), stdout=out, stderr=StringIO())
    return out.getvalue()


def mailed(smtp) -> list[str]:
    """Who received mail since the last call (usernames), then forget it; a new CASE's
    acknowledgement to its caller is not the clock's."""
    names = sorted(
        r.split("@")[0]
        for m in smtp.messages
        if not ACKNOWLEDGEMENT.match(m["Message-ID"] or "")
        for r in m.envelope_rcpt
    )
    smtp.clear()
    return names


class Desk:
    def __init__(self):
        self.org = OrganizationFactory(code="ACME", service_level="gold")
        self.contact = ContactFactory(organization=self.org)
        self.duty = make_user("duty_engineer", username="duty")
        self.eng = make_user("engineer", username="eng1", tier="first_line")
        self.se = make_user("engineer", username="se1", tier="senior")
        self.se2 = make_user("engineer", username="se2", tier="senior")
        self.csm = make_user("cs_manager", username="csm")
        self.sup = make_user("supervisor", username="sup")
        self.gm = make_user("general_manager", username="gm")
        self.se.staff.manager = self.sup
        self.se.staff.save()
        # ``duty`` is on the duty roster all along (with nobody on it, the supervisors
        # would be told too: tests/roster/test_alerts.py)
        make_shift(self.duty, T0 - dt.timedelta(days=1), T0 + dt.timedelta(days=90))

    def open(self, priority="P1", minute=0, **kw):
        return self.do(
            minute, make_case, contact=self.contact, by=self.duty, priority=priority, **kw
        )

    def do(self, minute, fn, **kw):
        """Run an operation at ``minute``; the worker sends its mail at once."""
        with clock.frozen(at(minute)):
            result = fn(**kw)
            deliver_due()
        return result


@pytest.fixture
def desk(db):
    return Desk()


def test_callback_within_15_minutes_of_creation(desk, smtp):
    desk.open("P4")
    assert supervise(at(14.9)) == "" and mailed(smtp) == []
    out = supervise(at(15.1))
    assert "callback" in out
    assert mailed(smtp) == ["duty"]  # nobody owns it yet: the duty engineer must call back
    assert supervise(at(15.2)) == "" and mailed(smtp) == []  # once


def test_a_logged_callback_keeps_the_callback_promise(desk, smtp):
    case = desk.open("P4")
    desk.do(3, services.case_assign, case=case, engineer=desk.eng, by=desk.duty)
    mailed(smtp)  # the assignment mail
    desk.do(
        10, services.case_log_work, case=case, kind="callback", note="回呼", minutes=5, by=desk.eng
    )
    supervise(at(60))
    assert mailed(smtp) == []
    kept = Deadline.objects.get(case=case, kind="callback")
    assert kept.met_at == at(10) and kept.fired_at is None


def test_assignment_mails_the_engineer_in_their_language(desk, smtp):
    desk.eng.language = "en"
    desk.eng.save()
    case = desk.open("P3")
    desk.do(1, services.case_assign, case=case, engineer=desk.eng, by=desk.duty)
    [msg] = smtp.to("eng1@desk.example")
    # .strip(): the parser keeps the space of the folded, encoded Subject line.
    assert msg["Subject"].strip().startswith(f"[{case.number}] Assigned to you: P3")
    assert msg["Message-ID"]
    desk.do(2, services.case_assign, case=case, engineer=desk.se, by=desk.duty)
    [msg] = smtp.to("se1@desk.example")
    assert f"[{case.number}] 分派给您" in msg["Subject"]


def test_a_deadline_message_names_its_deadline_in_the_readers_language(desk, smtp):
    desk.duty.language = "en"
    desk.duty.save()
    first = desk.open("P4")
    supervise(at(15.1))
    [msg] = smtp.to("duty@desk.example")
    assert msg["Subject"].strip().startswith(f"[{first.number}] Callback to the customer: P4")
    smtp.clear()
    desk.duty.language = "zh-hans"
    desk.duty.save()
    second = desk.open("P4", minute=1)
    supervise(at(16.1))
    [msg] = smtp.to("duty@desk.example")
    assert f"[{second.number}] 回呼客户: P4" in msg["Subject"]


def test_the_30_and_45_minute_callback_chase(desk, smtp):
    case = desk.open("P4")
    desk.do(5, services.case_assign, case=case, engineer=desk.eng, by=desk.duty)
    supervise(at(34.9))
    mailed(smtp)  # the assignment mail and the 15-minute callback alarm
    assert "callback_chase" in supervise(at(35.1))  # 30 min after the notification: remind
    assert mailed(smtp) == ["duty", "eng1"]
    supervise(at(45.1))
    mailed(smtp)  # the first-work-log alarm (45 min after creation)
    supervise(at(49.9))
    assert mailed(smtp) == []
    out = supervise(at(50.1))  # 45 min after the notification: reassign, tell the CS manager
    assert "reassigned" in out
    case.refresh_from_db()
    assert case.engineer in (desk.se, desk.se2)  # the next recommended engineer
    got = mailed(smtp)
    assert "csm" in got and "duty" in got and case.engineer.username in got
    assert "eng1" not in got
    event = CaseEvent.objects.filter(case=case, kind="assigned").latest("id")
    assert event.actor is None and event.data["engineer"]["before"] == "eng1"
    # Stored as data, worded when read (in the reader's language).
    assert event.data["system"] == {"code": "chase_reassigned"} and "note" not in event.data


def test_the_chase_can_propose_instead_of_reassigning(desk, smtp):
    SlaPolicy.objects.filter(service_level="gold").update(chase_action="propose")
    config_changed()
    case = desk.open("P4")
    desk.do(5, services.case_assign, case=case, engineer=desk.eng, by=desk.duty)
    supervise(at(49.9))
    mailed(smtp)
    out = supervise(at(50.1))
    assert "proposed" in out
    case.refresh_from_db()
    assert case.engineer == desk.eng
    assert "csm" in mailed(smtp)


def test_first_work_log_within_45_minutes(desk, smtp):
    case = desk.open("P4")
    desk.do(2, services.case_assign, case=case, engineer=desk.se, by=desk.duty)
    desk.do(
        4, services.case_log_work, case=case, kind="callback", note="回呼", minutes=5, by=desk.se
    )
    supervise(at(44.9))
    mailed(smtp)
    assert "first_worklog" not in supervise(at(45.1))  # the callback was a work log
    other = desk.open("P4", minute=1)
    desk.do(2, services.case_assign, case=other, engineer=desk.eng, by=desk.duty)
    supervise(at(45.9))
    mailed(smtp)
    out = supervise(at(46.1))
    assert "first_worklog" in out and other.number in out
    assert mailed(smtp) == ["duty", "eng1"]


@pytest.mark.parametrize(
    ("priority", "levels"),
    [
        ("P1", [(30, ["duty"]), (60, ["sup"]), (120, ["gm"])]),
        ("P2", [(60, ["duty"]), (120, ["sup"]), (240, ["gm"])]),
        ("P3", [(120, ["duty"]), (240, ["sup"]), (480, ["gm"])]),
    ],
)
def test_the_severity_escalation_matrix(desk, smtp, priority, levels):
    case = desk.open(priority)
    desk.do(1, services.case_assign, case=case, engineer=desk.se, by=desk.duty)
    desk.do(
        2, services.case_log_work, case=case, kind="callback", note="回呼", minutes=5, by=desk.se
    )
    desk.do(2, services.case_escalate, case=case, target="vendor", reason="TAC", by=desk.se)
    mailed(smtp)
    involved: list[str] = []
    for minutes, people in levels:
        supervise(at(minutes - 0.1))
        assert mailed(smtp) == [], f"{priority} before {minutes} min"
        supervise(at(minutes + 0.1))
        got = {m["To"].split("@")[0]: m for m in smtp.messages}
        assert sorted(got) == sorted(people + involved), f"{priority} at {minutes} min"
        for name in involved:  # lower levels already told are copied
            assert "抄送" in got[name]["Subject"]
        mailed(smtp)
        involved += people


def test_p4_has_no_default_escalation(desk, smtp):
    case = desk.open("P4")
    desk.do(1, services.case_assign, case=case, engineer=desk.se, by=desk.duty)
    desk.do(
        2, services.case_log_work, case=case, kind="callback", note="回呼", minutes=5, by=desk.se
    )
    supervise(at(60 * 24))
    assert not Deadline.objects.filter(case=case, kind="escalation").exists()
    assert "gm" not in mailed(smtp)


def test_raising_p3_to_p1_at_65_minutes_fires_passed_levels_at_once(desk, smtp):
    case = desk.open("P3")
    desk.do(1, services.case_assign, case=case, engineer=desk.se, by=desk.duty)
    desk.do(
        2, services.case_log_work, case=case, kind="callback", note="回呼", minutes=5, by=desk.se
    )
    supervise(at(64))
    mailed(smtp)
    desk.do(65, services.case_set_priority, case=case, priority="P1", by=desk.duty)
    out = supervise(at(65))
    assert "escalation due 2026-11-23T03:00:00Z → sup" in out  # the 1 h level, at once
    assert "general_manager" not in out and "gm" not in mailed(smtp)  # the 2 h level waits
    supervise(at(119.9))
    assert "gm" not in mailed(smtp)
    supervise(at(120.1))
    got = mailed(smtp)
    assert "gm" in got and "sup" in got  # GM, with the supervisor in CC


def test_vendor_escalation_reminder(desk, smtp):
    case = desk.open("P1")
    desk.do(1, services.case_assign, case=case, engineer=desk.se, by=desk.duty)
    desk.do(
        2, services.case_log_work, case=case, kind="callback", note="回呼", minutes=5, by=desk.se
    )
    supervise(at(59.9))
    mailed(smtp)
    assert "vendor_escalation" in supervise(at(60.1))
    assert {"se1", "duty"} <= set(mailed(smtp))
    other = desk.open("P1", minute=1)
    desk.do(2, services.case_assign, case=other, engineer=desk.se, by=desk.duty)
    desk.do(3, services.case_escalate, case=other, target="vendor", reason="TAC", by=desk.se)
    assert f"{other.number} vendor_escalation" not in supervise(at(62))


def test_resolution_target_and_nothing_after_resolve(desk, smtp):
    case = desk.open("P1")
    desk.do(1, services.case_assign, case=case, engineer=desk.se, by=desk.duty)
    desk.do(2, services.case_accept, case=case, by=desk.se)
    assert "resolution" in supervise(at(240.1))
    assert {"se1", "sup", "duty"} <= set(mailed(smtp))  # engineer, their manager, desk
    done = desk.open("P1", minute=1)
    desk.do(2, services.case_assign, case=done, engineer=desk.se, by=desk.duty)
    desk.do(3, services.case_accept, case=done, by=desk.se)
    desk.do(20, services.case_resolve, case=done, solution="重启", by=desk.se)
    assert done.number not in supervise(at(60 * 24))
    assert Deadline.objects.get(case=done, kind="resolution").met_at == at(20)


def test_waiting_for_the_customer_pauses_the_resolution_clock(desk, smtp):
    case = desk.open("P1")
    desk.do(1, services.case_assign, case=case, engineer=desk.se, by=desk.duty)
    desk.do(
        2, services.case_log_work, case=case, kind="callback", note="回呼", minutes=5, by=desk.se
    )
    desk.do(100, services.case_pend, case=case, reason="customer", by=desk.se)
    assert Deadline.objects.get(case=case, kind="resolution").due_at is None
    assert "resolution" not in supervise(at(150))
    desk.do(160, services.case_resume, case=case, by=desk.se)  # paused 60 minutes
    assert Deadline.objects.get(case=case, kind="resolution").due_at == at(300)
    assert "resolution" not in supervise(at(299.9))
    assert "resolution" in supervise(at(300.1))


def test_nothing_fires_for_a_closed_case(desk, smtp):
    case = desk.open("P1")
    desk.do(1, services.case_assign, case=case, engineer=desk.se, by=desk.duty)
    desk.do(2, services.case_accept, case=case, by=desk.se)
    desk.do(5, services.case_resolve, case=case, solution="ok", by=desk.se)
    desk.do(6, services.case_confirm, case=case, note="电话确认", by=desk.duty)
    desk.do(7, services.case_close, case=case, by=desk.duty)
    mailed(smtp)
    assert supervise(at(60 * 24 * 7)) == ""
    assert mailed(smtp) == []


def test_a_failing_smtp_server_delays_mail_and_loses_none(desk, smtp):
    desk.open("P4")  # its caller's acknowledgement is sent
    smtp.controller.stop()
    supervise(at(16))
    pending = Notification.objects.get(dedupe_key__startswith="deadline:")
    assert pending.status == "pending" and pending.attempts == 1 and pending.last_error
    restart = Controller(smtp, hostname="127.0.0.1", port=smtp.controller.port)
    restart.start()
    smtp.controller = restart
    with clock.frozen(at(16.5)):  # the first retry waits a minute
        assert deliver_due().sent == 0
    with clock.frozen(at(17)):
        assert deliver_due().sent == 1
    assert mailed(smtp) == ["duty"]


def test_silver_case_on_friday_evening_before_a_holiday(db, smtp):
    """Friday 2026-04-03 17:50 (Monday is Tomb-Sweeping Day): due next working day 09:05."""
    org = OrganizationFactory(code="SILV", service_level="silver")
    contact = ContactFactory(organization=org)
    duty = make_user("duty_engineer", username="duty")
    opened = dt.datetime(2026, 4, 3, 9, 50, tzinfo=dt.UTC)  # 17:50 in Shanghai
    with clock.frozen(opened):
        case = make_case(contact=contact, by=duty, priority="P4")
        deliver_due()  # its caller's acknowledgement
    callback = Deadline.objects.get(case=case, kind="callback")
    assert callback.due_at == dt.datetime(2026, 4, 7, 1, 5, tzinfo=dt.UTC)  # Tue 09:05
    assert supervise(dt.datetime(2026, 4, 7, 1, 4, tzinfo=dt.UTC)) == ""
    assert "callback" in supervise(dt.datetime(2026, 4, 7, 1, 6, tzinfo=dt.UTC))


def test_silver_case_on_an_adjusted_saturday_working_day(db):
    org = OrganizationFactory(code="SILV", service_level="silver")
    contact = ContactFactory(organization=org)
    duty = make_user("duty_engineer", username="duty")
    with clock.frozen(dt.datetime(2026, 2, 14, 2, 0, tzinfo=dt.UTC)):  # Sat 10:00, 调休
        case = make_case(contact=contact, by=duty, priority="P4")
    assert Deadline.objects.get(case=case, kind="callback").due_at == dt.datetime(
        2026, 2, 14, 2, 15, tzinfo=dt.UTC
    )


def test_the_deadline_event_is_in_the_history_for_staff_only(desk, smtp):
    case = desk.open("P4")
    supervise(at(16))
    event = CaseEvent.objects.get(case=case, kind="deadline_fired")
    assert event.actor is None and event.internal
    assert event.data["deadline"] == "callback" and event.data["to"] == ["duty"]
