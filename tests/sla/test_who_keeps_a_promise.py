"""Issue 5: each promised time is kept only by the act SPEC §3 promises, done by whom it
is owed by.  Per deadline kind: a wrong actor or a wrong kind of act leaves it standing
(and the alarm goes out), the right one keeps it.

- callback (15 min from creation, [S0]: "值班工程师在建立CASE起15分钟内回呼"): a callback
  work log by a duty engineer, the CASE's engineer or a helper — not the call taker's
  intake note, nor a call taker's or a customer's log, nor a note of any other kind.
- first_worklog (45 min, "支持工程师没有进行CASE处理过程记录"): any work log by the CASE's
  engineer or a helper — not the call taker's intake note, nor the duty engineer's
  "phoned the engineer" log, nor the customer's note.
- engineer_callback and its 30/45-minute chase ("支持工程师在收到CASE受理通知后，在1小时内
  回呼客户"): a callback work log by the notified engineer or a helper — not one by the
  duty engineer who chases them, nor another kind of log by the engineer.
- vendor_escalation: an escalation to the vendor, not one to a senior engineer.
- resolution: resolving the CASE, not a work log saying it is solved.
- escalation (the matrix): never kept by a work log; resolving withdraws it.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from casedesk.cases import services
from casedesk.core import clock
from casedesk.notify.services import deliver_due
from casedesk.sla.models import Deadline
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

T0 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def supervise(when: dt.datetime) -> str:
    out = StringIO()
    call_command("supervise", now=when.isoformat(), stdout=out, stderr=StringIO())
    return out.getvalue()


class Desk:
    def __init__(self):
        self.org = OrganizationFactory(code="ACME", service_level="gold")
        self.contact = ContactFactory(organization=self.org)
        self.customer = make_user("customer", username="cust", org=self.org)
        self.taker = make_user("call_taker", username="taker")
        self.duty = make_user("duty_engineer", username="duty")
        self.eng = make_user("engineer", username="eng1", tier="first_line")
        self.helper = make_user("engineer", username="eng2", tier="first_line")
        self.se = make_user("engineer", username="se1", tier="senior")
        self.csm = make_user("cs_manager", username="csm")

    def do(self, minute, fn, **kw):
        with clock.frozen(at(minute)):
            result = fn(**kw)
            deliver_due()
        return result

    def taken(self, priority="P2"):
        """The call taker opens the CASE and writes their intake note at once; the duty
        engineer assigns it to eng1 (helped by eng2) and phones eng1 (all within 3 min)."""
        case = self.do(0, make_case, contact=self.contact, by=self.taker, priority=priority)
        self.log(0, case, self.taker, "note", "客户来电：核心交换机宕机，已记录")
        self.do(
            1,
            services.case_assign,
            case=case,
            engineer=self.eng,
            by=self.duty,
            override_reason="客户指定 eng1",
        )
        self.do(1, services.case_add_helper, case=case, helper=self.helper, by=self.duty)
        self.log(2, case, self.duty, "phone", "已电话通知工程师 eng1", internal=True)
        return case

    def log(self, minute, case, by, kind, note="x", internal=False):
        minutes = 0 if by.is_customer else 5
        return self.do(
            minute,
            services.case_log_work,
            case=case,
            kind=kind,
            note=note,
            minutes=minutes,
            by=by,
            internal=internal,
        )


@pytest.fixture
def desk(db):
    return Desk()


def deadline(case, kind) -> Deadline:
    return Deadline.objects.filter(case=case, kind=kind).latest("id")


def kept(case, kind) -> bool:
    return deadline(case, kind).met_at is not None


# --- first work log ---------------------------------------------------------------------


def test_the_call_takers_intake_note_is_not_the_first_work_log(desk, smtp):
    case = desk.taken()
    assert not kept(case, "first_worklog")
    smtp.clear()
    out = supervise(at(45.1))
    assert f"{case.number} first_worklog" in out  # the alarm still goes out
    assert {"duty@desk.example", "eng1@desk.example"} <= set(smtp.recipients())


@pytest.mark.parametrize("who", ["taker", "duty", "customer", "csm"])
def test_others_work_logs_do_not_keep_the_first_work_log(desk, who):
    case = desk.taken()
    by = {"taker": desk.taker, "duty": desk.duty, "customer": desk.customer, "csm": desk.csm}
    desk.log(5, case, by[who], "note", "补充信息")
    assert not kept(case, "first_worklog")


@pytest.mark.parametrize("who", ["eng1", "eng2"])
@pytest.mark.parametrize("kind", ["note", "remote", "callback"])
def test_the_engineers_or_a_helpers_first_work_log_keeps_it(desk, smtp, who, kind):
    case = desk.taken()
    by = desk.eng if who == "eng1" else desk.helper
    desk.log(10, case, by, kind, "远程登录检查配置", internal=kind == "note")
    assert deadline(case, "first_worklog").met_at == at(10)
    assert "first_worklog" not in supervise(at(45.1))


# --- the 15-minute callback -------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "kind"),
    [
        ("taker", "note"),  # the intake note
        ("taker", "callback"),  # the call taker is not the one who calls back
        ("customer", "note"),
        ("eng1", "note"),  # the right person, but not a callback
        ("eng1", "remote"),
        ("duty", "phone"),  # the duty engineer phoning the engineer
    ],
)
def test_the_callback_is_not_kept_by_the_wrong_act(desk, smtp, who, kind):
    case = desk.taken()
    by = {"taker": desk.taker, "customer": desk.customer, "eng1": desk.eng, "duty": desk.duty}
    desk.log(5, case, by[who], kind, "已处理")
    assert not kept(case, "callback")
    smtp.clear()
    assert f"{case.number} callback due" in supervise(at(15.1))
    assert "duty@desk.example" in smtp.recipients()


@pytest.mark.parametrize("who", ["duty", "eng1", "eng2"])
def test_a_callback_by_the_duty_engineer_the_engineer_or_a_helper_keeps_it(desk, who):
    case = desk.taken()
    by = {"duty": desk.duty, "eng1": desk.eng, "eng2": desk.helper}[who]
    desk.log(8, case, by, "callback", "已回呼客户")
    assert deadline(case, "callback").met_at == at(8)
    assert f"{case.number} callback due" not in supervise(at(15.1))


# --- the engineer's callback after notification and its chase --------------------------

CHASE = ("engineer_callback", "callback_chase", "callback_reassign")


@pytest.mark.parametrize(
    ("who", "kind"),
    [("duty", "callback"), ("taker", "callback"), ("eng1", "note"), ("customer", "note")],
)
def test_the_engineers_callback_is_not_kept_by_the_wrong_act(desk, who, kind):
    case = desk.taken()
    by = {"taker": desk.taker, "customer": desk.customer, "eng1": desk.eng, "duty": desk.duty}
    desk.log(10, case, by[who], kind, "回呼")
    for k in CHASE:
        assert not kept(case, k), k
    assert f"{case.number} callback_chase" in supervise(at(31.1))  # the engineer is chased


@pytest.mark.parametrize("who", ["eng1", "eng2"])
def test_the_engineers_or_a_helpers_callback_keeps_it(desk, who):
    case = desk.taken()
    desk.log(10, case, desk.eng if who == "eng1" else desk.helper, "callback", "已回呼")
    for k in CHASE:
        assert deadline(case, k).met_at == at(10), k
    assert "callback_" not in supervise(at(61.1))


# --- vendor escalation, resolution and the matrix ----------------------------------------


def test_the_vendor_reminder_is_kept_by_escalating_to_the_vendor_only(desk):
    case = desk.taken("P1")
    desk.log(5, case, desk.eng, "note", "已联系厂家 TAC，等待回复")
    desk.do(6, services.case_escalate, case=case, target="senior", reason="难", by=desk.eng)
    assert not kept(case, "vendor_escalation")
    desk.do(7, services.case_escalate, case=case, target="vendor", reason="TAC", by=desk.duty)
    assert deadline(case, "vendor_escalation").met_at == at(7)


def test_the_resolution_target_is_kept_by_resolving_only(desk):
    case = desk.taken("P1")
    desk.do(2, services.case_accept, case=case, by=desk.eng)
    desk.log(5, case, desk.eng, "note", "问题已解决")
    desk.log(6, case, desk.customer, "note", "好了")
    assert not kept(case, "resolution")
    desk.do(7, services.case_resolve, case=case, solution="重启", by=desk.eng)
    assert deadline(case, "resolution").met_at == at(7)


def test_no_work_log_keeps_an_escalation_level(desk):
    case = desk.taken("P1")
    for by, kind in ((desk.eng, "callback"), (desk.duty, "callback"), (desk.eng, "remote")):
        desk.log(5, case, by, kind, "处理中")
    assert not Deadline.objects.filter(case=case, kind="escalation", met_at__isnull=False)
    assert f"{case.number} escalation" in supervise(at(60.1))
