"""Field visits through their operations: the steps, the deadline, the signed form, and
every refusal changing nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from casedesk.cases import services as cases
from casedesk.cases.models import Attachment, WorkLog
from casedesk.core import clock
from casedesk.core.errors import Forbidden, InvalidInput, TransitionNotAllowed
from casedesk.core.models import AuditRecord
from casedesk.field import form_pdf, services
from casedesk.field.models import Visit, VisitForm
from casedesk.sla.models import Deadline
from tests.accounts.factories import make_user
from tests.factories import database_snapshot
from tests.field.factories import data_url, entitled_case, make_visit, signature_png, signed_visit

pytestmark = pytest.mark.django_db


def _arrival(visit):
    return Deadline.objects.filter(case=visit.case, key=visit.deadline_key).first()


def test_a_visit_is_scheduled_with_its_onsite_deadline_and_history():
    case = entitled_case(onsite_hours=4)
    engineer = make_user("engineer", username="fld.wang")
    visit = make_visit(case=case, engineer=engineer, parts=["sfp-10g-sr", " SFP-10G-SR ", "PWR-C1"])
    assert visit.status == "scheduled"
    assert visit.parts == ["SFP-10G-SR", "PWR-C1"]
    deadline = _arrival(visit)
    assert deadline is not None and deadline.kind == "onsite_arrival"
    assert deadline.target_minutes == 4 * 60
    assert case.helpers.filter(pk=engineer.pk).exists()  # who goes on site helps on the CASE
    log = WorkLog.objects.filter(case=case, kind="onsite").get()
    assert log.case.events.filter(data__system__code="visit_scheduled").exists()
    assert AuditRecord.objects.filter(action="visit.create").count() == 1


def test_no_onsite_target_no_deadline():
    visit = make_visit(case=entitled_case(onsite_hours=None))
    assert _arrival(visit) is None


def test_check_in_meets_the_deadline_and_check_out_signs_version_1():
    visit = make_visit()
    visit = services.visit_check_in(visit=visit, by=visit.engineer)
    assert visit.status == "on_site"
    assert _arrival(visit).met_at == visit.checked_in_at
    with clock.frozen(clock.now() + dt.timedelta(minutes=95)):
        form = services.visit_check_out(
            visit=visit,
            work_done="更换光模块，端口恢复正常",
            customer_name="李工",
            signature=data_url(),
            parts_used=["SFP-10G-SR"],
            by=visit.engineer,
        )
    visit.refresh_from_db()
    assert visit.status == "done" and form.version == 1
    assert form.sha256 == form_pdf.digest(form.content)
    assert form.attachment.case_id == visit.case_id and not form.attachment.internal
    onsite = WorkLog.objects.filter(case=visit.case, kind="onsite").order_by("-id").first()
    assert onsite.minutes == 95  # the time on site is labour on the CASE
    assert AuditRecord.objects.filter(action="visit.check_out").count() == 1


def test_the_pdf_says_the_case_the_chinese_work_and_the_hash():
    visit = signed_visit()
    form = VisitForm.objects.get(visit=visit)
    with form.attachment.file.open("rb") as f:
        pdf = f.read()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    compact = "".join(text.split())
    assert visit.case.number in text
    assert "更换光模块" in compact and "李工" in compact
    assert form.sha256 in compact
    assert "SFP-10G-SR" in text


def test_a_correction_is_a_new_version_and_the_first_stays():
    visit = signed_visit()
    first = VisitForm.objects.get(visit=visit)
    first_bytes = first.attachment.file.read()
    second = services.visit_form_correct(
        visit=visit,
        work_done="更换光模块及跳线",
        customer_name="李工",
        signature=data_url(),
        reason="漏记跳线",
        by=visit.engineer,
    )
    assert second.version == 2 and second.sha256 != first.sha256
    first.refresh_from_db()
    assert first.attachment.file.read() == first_bytes and first.version == 1
    assert Attachment.objects.filter(case=visit.case, name__endswith=".pdf").count() == 2


def test_cancel_drops_the_deadline():
    visit = make_visit()
    services.visit_cancel(visit=visit, reason="客户改期", by=visit.created_by)
    assert _arrival(visit).cancelled_at is not None
    assert Visit.objects.get(pk=visit.pk).status == "cancelled"


def _refused(exc_type, call, **kwargs):
    before = database_snapshot()
    with pytest.raises(exc_type):
        call(**kwargs)
    assert database_snapshot() == before


def test_check_out_before_check_in_changes_nothing():
    visit = make_visit()
    _refused(
        TransitionNotAllowed, services.visit_check_out, visit=visit, work_done="x",
        customer_name="李工", signature=data_url(), by=visit.engineer,
    )  # fmt: skip


def test_a_second_signature_changes_nothing():
    visit = signed_visit()
    _refused(
        TransitionNotAllowed, services.visit_check_out, visit=visit, work_done="再签一次",
        customer_name="李工", signature=data_url(), by=visit.engineer,
    )  # fmt: skip
    assert VisitForm.objects.filter(visit=visit).count() == 1


@pytest.mark.parametrize(
    "signature",
    [
        "",
        "data:image/jpeg;base64,/9j/4AAQSkZJRg==",
        "data:image/png;base64,not base64!",
        "data:image/png;base64,R0lGODlhAQABAAAAACw=",  # a GIF named PNG
        data_url(signature_png()[:40]),  # a truncated PNG
        "data:image/png;base64," + "A" * (3 * 1024 * 1024),  # > 2 MB, never decoded
    ],
    ids=["empty", "jpeg", "not-base64", "gif", "truncated", "over-2mb"],
)
def test_a_signature_that_is_not_a_png_changes_nothing(signature):
    visit = services.visit_check_in(visit=make_visit(), by=make_user("supervisor"))
    _refused(
        InvalidInput, services.visit_check_out, visit=visit, work_done="更换",
        customer_name="李工", signature=signature, by=visit.engineer,
    )  # fmt: skip


def test_a_visit_for_a_closed_case_is_refused():
    case = entitled_case()
    duty = make_user("duty_engineer")
    cases.case_accept(case=case, by=case.engineer)
    cases.case_resolve(case=case, solution="远程解决", by=case.engineer)
    cases.case_confirm(case=case, note="电话确认", by=duty)
    cases.case_close(case=case, by=duty)
    _refused(
        TransitionNotAllowed, services.visit_create, case=case, engineer=make_user("engineer"),
        scheduled_at=clock.now(), by=duty,
    )  # fmt: skip


def test_an_unknown_engineer_is_refused():
    case = entitled_case()
    customer = make_user("customer", org=case.organization)
    for nobody in (None, customer, make_user("call_taker")):
        _refused(
            InvalidInput, services.visit_create, case=case, engineer=nobody,
            scheduled_at=clock.now(), by=make_user("duty_engineer"),
        )  # fmt: skip


def test_only_the_visits_engineer_or_a_supervisor_checks_in():
    visit = make_visit()
    _refused(Forbidden, services.visit_check_in, visit=visit, by=make_user("engineer"))
    _refused(InvalidInput, services.visit_check_in, visit=visit,
             at=clock.now() + dt.timedelta(hours=1), by=visit.engineer)  # fmt: skip
