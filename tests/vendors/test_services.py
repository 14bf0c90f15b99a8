"""Vendor and vendor-case operations: the change, the refusal (nothing written), the audit,
the CASE's history and its searchable vendor case numbers."""

from __future__ import annotations

import pytest

from casedesk.cases import presenters as case_presenters
from casedesk.cases.choices import EscalationLevel
from casedesk.cases.models import Case, CaseEvent, WorkLog
from casedesk.core.audit import AuditRecord
from casedesk.core.errors import Conflict, Forbidden, InvalidInput, TransitionNotAllowed
from casedesk.core.presenters import Reader
from casedesk.search.selectors import search_cases
from casedesk.sla.models import Deadline
from casedesk.vendors import services
from casedesk.vendors.models import Vendor, VendorCase, VendorUpdate
from tests.accounts.factories import make_user
from tests.vendors.factories import make_vendor, make_vendor_case, working_case

pytestmark = pytest.mark.django_db


def test_a_vendor_is_created_with_its_intervals_and_audited():
    vendor = make_vendor(code="cisco", update_hours=8, severity_hours={"S1": 1, "S2": 4})
    assert vendor.code == "CISCO" and vendor.hours_for("S1") == 1 and vendor.hours_for("S3") == 8
    assert AuditRecord.objects.filter(action="vendor.create", object_id=str(vendor.pk)).exists()


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"code": " ", "name": "x"}, InvalidInput),
        ({"code": "A", "name": "x", "update_hours": 0}, InvalidInput),
        ({"code": "A", "name": "x", "update_hours": True}, InvalidInput),
        ({"code": "A", "name": "x", "severity_hours": {"S9": 2}}, InvalidInput),
    ],
)
def test_bad_vendors_are_refused(fields, error):
    with pytest.raises(error):
        services.vendor_create(by=make_user("supervisor"), **fields)
    assert not Vendor.objects.exists()


def test_only_managers_keep_vendors():
    with pytest.raises(Forbidden):
        services.vendor_create(code="X", name="x", by=make_user("engineer"))
    make_vendor(code="X")
    with pytest.raises(Conflict):
        make_vendor(code="x")


def test_opening_escalates_the_case_writes_history_and_promises_the_update():
    vc = make_vendor_case(reference="694512345", severity="S2")
    case = Case.objects.get(pk=vc.case_id)
    assert case.escalation_level == EscalationLevel.VENDOR
    assert case.vendor_reference == "694512345"
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds[-2:] == ["escalated", "work_logged"]
    log = WorkLog.objects.filter(case=case).last()
    assert log.internal and log.note == ""
    deadlines = Deadline.objects.filter(case=case, kind="vendor_update").order_by("due_at")
    chase, late = deadlines
    assert (chase.due_at - vc.opened_at).total_seconds() == 4 * 3600 and chase.recipient == ""
    assert (late.due_at - vc.opened_at).total_seconds() == 8 * 3600
    assert late.recipient == "supervisor"
    assert AuditRecord.objects.filter(action="vendor_case.open", object_id=str(vc.pk)).exists()


def test_the_history_is_worded_in_the_readers_language():
    vc = make_vendor_case(reference="694500001", severity="S1")
    event = CaseEvent.objects.filter(case_id=vc.case_id, kind="work_logged").last()
    from django.utils import translation

    with translation.override("zh-hans"):
        zh = case_presenters.present(event, Reader()).lines
    with translation.override("en"):
        en = case_presenters.present(event, Reader()).lines
    assert any("694500001" in line and "S1" in line and "厂商" in line for line in zh), zh
    assert any("Vendor case 694500001 opened" in line for line in en), en


def test_a_second_vendor_case_keeps_every_reference_searchable():
    first = make_vendor_case(reference="694512345")
    case = Case.objects.get(pk=first.case_id)
    make_vendor_case(case=case, vendor=make_vendor(code="CT"), reference="DX20261208")
    case.refresh_from_db()
    assert case.vendor_reference == "DX20261208 694512345"  # open ones, newest first
    sup = make_user("supervisor")
    assert sup  # staff search every CASE
    for ref in ("694512345", "DX20261208"):
        found = search_cases(Case.objects.all(), ref)
        assert [c.number for c in found] == [case.number], ref


def test_an_update_keeps_the_round_and_promises_the_next():
    vc = make_vendor_case()
    update = services.vendor_case_update(
        vendor_case=vc, note="TAC 要求收集 debug", by=vc.case.engineer
    )
    vc.refresh_from_db()
    assert vc.round == 1 and not update.late
    old = Deadline.objects.filter(case_id=vc.case_id, key__startswith=f"vendor:{vc.pk}:0:")
    assert all(d.met_at is not None for d in old)
    new = Deadline.objects.filter(case_id=vc.case_id, key__startswith=f"vendor:{vc.pk}:1:")
    assert new.count() == 2 and all(d.met_at is None for d in new)
    assert VendorUpdate.objects.filter(vendor_case=vc).count() == 1
    assert AuditRecord.objects.filter(action="vendor_case.update").count() == 1


def test_an_update_on_a_closed_vendor_case_is_refused_and_changes_nothing():
    vc = make_vendor_case()
    services.vendor_case_close(vendor_case=vc, note="TAC 已关闭", by=vc.case.engineer)
    assert not Deadline.objects.filter(
        case_id=vc.case_id, kind="vendor_update", met_at__isnull=True, cancelled_at__isnull=True
    ).exists()
    before = (WorkLog.objects.count(), Deadline.objects.count(), AuditRecord.objects.count())
    with pytest.raises(TransitionNotAllowed):
        services.vendor_case_update(vendor_case=vc, note="迟到的更新", by=vc.case.engineer)
    with pytest.raises(TransitionNotAllowed):
        services.vendor_case_close(vendor_case=vc, by=vc.case.engineer)
    assert not VendorUpdate.objects.exists()
    assert (
        WorkLog.objects.count(),
        Deadline.objects.count(),
        AuditRecord.objects.count(),
    ) == before


def test_bad_input_when_opening_writes_nothing():
    case = working_case()
    vendor = make_vendor(code="HW")
    inactive = make_vendor(code="OLD")
    services.vendor_change(
        vendor=inactive, name=inactive.name, email="", support_hours="", update_hours=4,
        severity_hours={}, active=False, by=make_user("supervisor"),
    )  # fmt: skip
    snapshot = (CaseEvent.objects.count(), Deadline.objects.count(), VendorCase.objects.count())
    for kwargs, error in (
        ({"vendor": vendor, "reference": "1", "severity": "S9"}, InvalidInput),
        ({"vendor": vendor, "reference": "  ", "severity": "S1"}, InvalidInput),
        ({"vendor": inactive, "reference": "2", "severity": "S1"}, InvalidInput),
    ):
        with pytest.raises(error):
            services.vendor_case_open(case=case, by=case.engineer, **kwargs)
    assert (CaseEvent.objects.count(), Deadline.objects.count(), VendorCase.objects.count()) == (
        snapshot
    )
    case.refresh_from_db()
    assert case.escalation_level == EscalationLevel.NONE


def test_a_first_line_engineer_may_not_open_a_vendor_case():
    case = working_case(priority="P3")
    first_line = make_user("engineer", tier="first_line")
    with pytest.raises(Forbidden):
        services.vendor_case_open(
            case=case, vendor=make_vendor(), reference="1", severity="S3", by=first_line
        )
    assert not VendorCase.objects.exists()
