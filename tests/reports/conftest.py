"""A small desk with a known history, made through the operation layer at known instants.

All on gold (7×24) service, so business minutes are wall-clock minutes and every due time
below can be worked out by hand (default policy: callback 15 min, engineer callback 60 min
from assignment, resolution P1 4 h / P2 8 h / P3 24 h / P4 3 days, matrix P1 30/60/120 min,
P2 60/120/240, P3 120/240/480 to duty engineer / supervisor / general manager).

    A  P1 ACME     Mon 11-02 09:00 opened, 09:05 → se1, 09:10 se1 callback (20 min),
                   11:30 supervisor pass (matrix 30/60/120 fire), 12:00 resolved
    B  P3 ACME     Mon 11-02 10:00 opened, 11:00 → eng1, 12:30 eng1 callback (30 min, late
                   for both promises), 12:40 escalated to a senior engineer, 13:00 remote
                   login (60 min); never resolved
    C  P2 <script> Tue 11-03 09:00 opened, never assigned or called back
    D  P4 ACME     Mon 10-26 09:00 opened, 09:30 → eng1, 09:40 accepted, 11:00 eng1
                   callback (60 min, late for both); never resolved
    NOW            Wed 11-04 12:00 supervisor pass (fires the rest of the matrix)
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from casedesk.cases import services
from casedesk.core import clock
from casedesk.sla.supervisor import run_pass
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
XSS_NAME = "<script>alert(1)</script>"


def sh(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


NOW = sh(11, 4, 12)


class Desk:
    def __init__(self):
        self.acme = OrganizationFactory(
            code="ACME", name="中国电信北京分公司", service_level="gold"
        )
        self.evil = OrganizationFactory(code="EVIL", name=XSS_NAME, service_level="gold")
        self.acme_contact = ContactFactory(organization=self.acme)
        self.evil_contact = ContactFactory(organization=self.evil)
        self.taker = make_user("call_taker", username="taker")
        self.duty = make_user("duty_engineer", username="duty")
        self.eng = make_user("engineer", username="eng1", tier="first_line")
        self.se = make_user("engineer", username="se1", tier="senior")
        self.csm = make_user("cs_manager", username="csm")
        self.sup = make_user("supervisor", username="sup")
        self.gm = make_user("general_manager", username="gm")
        self.admin = make_user("admin", username="root")

        with clock.frozen(sh(10, 26, 9)):
            self.d = make_case(contact=self.acme_contact, by=self.taker, priority="P4")
        self.at(
            sh(10, 26, 9, 30), services.case_assign, case=self.d, engineer=self.eng, by=self.duty
        )
        self.at(sh(10, 26, 9, 40), services.case_accept, case=self.d, by=self.eng)
        self.log(sh(10, 26, 11), self.d, self.eng, "callback", 60)

        with clock.frozen(sh(11, 2, 9)):
            self.a = make_case(contact=self.acme_contact, by=self.taker, priority="P1")
        self.at(sh(11, 2, 9, 5), services.case_assign, case=self.a, engineer=self.se, by=self.duty)
        self.log(sh(11, 2, 9, 10), self.a, self.se, "callback", 20)

        with clock.frozen(sh(11, 2, 10)):
            self.b = make_case(contact=self.acme_contact, by=self.taker, priority="P3")
        self.at(sh(11, 2, 11), services.case_assign, case=self.b, engineer=self.eng, by=self.duty)
        run_pass(now=sh(11, 2, 11, 30))
        self.at(sh(11, 2, 12), services.case_resolve, case=self.a, solution="换板", by=self.se)
        self.log(sh(11, 2, 12, 30), self.b, self.eng, "callback", 30)
        self.at(
            sh(11, 2, 12, 40),
            services.case_escalate,
            case=self.b,
            target="senior",
            reason="需要 SE",
            by=self.eng,
        )
        self.log(sh(11, 2, 13), self.b, self.eng, "remote", 60)
        # A note without minutes is not labour.
        self.log(sh(11, 2, 13, 5), self.b, self.eng, "note", 0)

        with clock.frozen(sh(11, 3, 9)):
            self.c = make_case(contact=self.evil_contact, by=self.taker, priority="P2")
        run_pass(now=NOW)

    @staticmethod
    def at(when, fn, **kw):
        with clock.frozen(when):
            return fn(**kw)

    def log(self, when, case, by, kind, minutes):
        return self.at(
            when,
            services.case_log_work,
            case=case,
            kind=kind,
            note="工作日志",
            minutes=minutes,
            by=by,
        )


@pytest.fixture
def desk(db):
    return Desk()


@pytest.fixture
def committed_desk(transactional_db):
    """The same desk, committed: for code that reads it from other connections."""
    return Desk()
