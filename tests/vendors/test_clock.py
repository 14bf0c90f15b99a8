"""The vendor's update clock (sla ``vendor_update``): due ``hours`` after the opening or the
last update, the CASE's engineer is chased; still late a round later, the supervisor is told;
each update promises the next round; closing stops it.  Every step fires exactly once, also
when a worker dies mid-pass, over SMTP like every deadline."""

from __future__ import annotations

import pytest

from casedesk.cases import services as cases
from casedesk.core import clock
from casedesk.core.audit import AuditRecord
from casedesk.sla import supervisor
from casedesk.sla.models import Deadline
from casedesk.vendors import services
from tests.sla.test_supervisor import Desk, at, mailed, supervise

pytestmark = pytest.mark.django_db

HOUR = 60


@pytest.fixture
def desk(db):
    return Desk()


def _vendor(desk, hours=2, **kw):
    return desk.do(
        0, services.vendor_create, code="CISCO", name="Cisco TAC", update_hours=hours,
        by=desk.sup, **kw,
    )  # fmt: skip


def _escalated(desk, vendor, severity="S2"):
    case = desk.open("P1")
    desk.do(1, cases.case_assign, case=case, engineer=desk.se, by=desk.duty)
    desk.do(2, cases.case_accept, case=case, by=desk.se)
    desk.do(
        3, cases.case_log_work, case=case, kind="callback", note="回呼", minutes=5, by=desk.se
    )  # (so the callback chase does not hand the CASE on)
    vc = desk.do(
        10, services.vendor_case_open, case=case, vendor=vendor, reference="694512345",
        severity=severity, sent="show tech", by=desk.se,
    )  # fmt: skip
    return case, vc


def _vendor_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if "vendor_update" in line]


def test_the_engineer_is_chased_then_the_supervisor_each_once(desk, smtp):
    case, vc = _escalated(desk, _vendor(desk, hours=2))
    supervise(at(10 + 2 * HOUR - 1))  # (the CASE's own P1 ladder fires meanwhile)
    mailed(smtp)
    assert _vendor_lines(supervise(at(10 + 2 * HOUR - 0.5))) == []
    [chase] = _vendor_lines(supervise(at(10 + 2 * HOUR + 0.5)))
    assert "se1" in chase and "sup" not in chase.split("→")[1]
    assert "se1" in mailed(smtp)
    assert _vendor_lines(supervise(at(10 + 3 * HOUR))) == []  # once
    [late] = _vendor_lines(supervise(at(10 + 4 * HOUR + 0.5)))
    assert late.split("→")[1].strip() == "sup"
    assert "sup" in mailed(smtp)
    assert _vendor_lines(supervise(at(10 + 4 * HOUR + 1))) == []  # once
    fired = Deadline.objects.filter(case=case, kind="vendor_update", fired_at__isnull=False)
    assert fired.count() == 2
    history = case.events.filter(kind="deadline_fired", data__deadline="vendor_update")
    assert history.count() == 2


def test_with_no_update_the_rounds_recur_until_the_vendor_case_closes(desk, smtp):
    """API.md: recurring until closed.  A round that ran out (the supervisor told) starts the
    next from when it ended: the engineer again 2 hours later, the supervisor 4."""
    case, vc = _escalated(desk, _vendor(desk, hours=2))
    supervise(at(10 + 2 * HOUR - 1))
    mailed(smtp)
    assert len(_vendor_lines(supervise(at(10 + 2 * HOUR + 1)))) == 1  # engineer, round 0
    out = supervise(at(10 + 4 * HOUR + 1))  # supervisor, round 0; round 1 promised
    assert len(_vendor_lines(out)) == 1 and "round 1 due" in out
    assert _vendor_lines(supervise(at(10 + 6 * HOUR - 1))) == []
    [again] = _vendor_lines(supervise(at(10 + 6 * HOUR + 1)))  # 2 h after round 0 ended
    assert "se1" in again
    [late] = _vendor_lines(supervise(at(10 + 8 * HOUR + 1)))
    assert late.split("→")[1].strip() == "sup"
    vc.refresh_from_db()
    assert vc.round == 2  # round 2 promised when round 1 ran out
    desk.do(10 + 8 * HOUR + 5, services.vendor_case_close, vendor_case=vc, by=desk.se)
    assert _vendor_lines(supervise(at(10 + 20 * HOUR))) == []
    rounds = Deadline.objects.filter(case=case, kind="vendor_update").order_by("anchor_at", "id")
    assert [d.key.split(":")[2] for d in rounds] == ["0", "0", "1", "1", "2", "2"]
    assert [bool(d.fired_at) for d in rounds] == [True, True, True, True, False, False]
    assert AuditRecord.objects.filter(action="vendor_case.chase_again").count() == 2


def test_each_update_restarts_the_clock_at_the_severitys_interval(desk, smtp):
    vendor = _vendor(desk, hours=8, severity_hours={"S1": 1})
    case, vc = _escalated(desk, vendor, severity="S1")
    desk.do(
        10 + 50, services.vendor_case_update, vendor_case=vc, note="TAC: 收集 debug", by=desk.se
    )
    assert _vendor_lines(supervise(at(10 + 1 * HOUR + 5))) == []  # met by the update
    # the next round is due 1 hour after the update
    [line] = _vendor_lines(supervise(at(60 + HOUR + 1)))
    assert "se1" in line
    late = desk.do(
        60 + HOUR + 30, services.vendor_case_update, vendor_case=vc, note="TAC 回复", by=desk.se
    )
    assert late.late
    # a third round, then closing calls it off
    desk.do(60 + HOUR + 40, services.vendor_case_close, vendor_case=vc, by=desk.se)
    assert _vendor_lines(supervise(at(10 * HOUR))) == []
    rounds = Deadline.objects.filter(case=case, kind="vendor_update").order_by("anchor_at", "id")
    assert [d.key.split(":")[2] for d in rounds] == ["0", "0", "1", "1", "2", "2"]
    assert all(d.cancelled_at for d in rounds if d.key.split(":")[2] == "2")


def test_a_worker_killed_mid_pass_leaves_the_step_to_the_next_one(desk, smtp, monkeypatch):
    case, vc = _escalated(desk, _vendor(desk, hours=2))
    supervise(at(10 + 2 * HOUR - 1))
    mailed(smtp)
    real_flush = supervisor._Batch.flush

    def dies(self):
        if any(d for d in Deadline.objects.filter(pk__in=self.stamped, kind="vendor_update")):
            raise SystemExit("worker killed")
        real_flush(self)

    monkeypatch.setattr(supervisor._Batch, "flush", dies)
    with pytest.raises(SystemExit):
        supervisor.run_pass(now=at(10 + 2 * HOUR + 1))
    assert not Deadline.objects.filter(case=case, kind="vendor_update", fired_at__isnull=False)
    monkeypatch.setattr(supervisor._Batch, "flush", real_flush)
    assert len(_vendor_lines(supervise(at(10 + 2 * HOUR + 2)))) == 1
    assert _vendor_lines(supervise(at(10 + 2 * HOUR + 3))) == []
    assert (
        Deadline.objects.filter(case=case, kind="vendor_update", fired_at__isnull=False).count()
        == 1
    )


def test_a_resolved_case_stops_the_chase(desk, smtp):
    case, vc = _escalated(desk, _vendor(desk, hours=2))
    desk.do(30, cases.case_resolve, case=case, solution="TAC 提供补丁", by=desk.se)
    assert _vendor_lines(supervise(at(10 * HOUR))) == []
    with clock.frozen(at(10 * HOUR)):
        assert not Deadline.objects.active().filter(case=case, kind="vendor_update").exists()
