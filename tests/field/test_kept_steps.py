"""Steps a phone kept offline and sent later keep the times they were tapped: check-out
(service, API, visit page) takes ``at``; a time outside check-in…now is refused, changing
nothing; a phone clock a little ahead of the desk's counts as now; the visit page answers
JSON refusals with their reason (what the page drops and says)."""

from __future__ import annotations

import datetime as dt

import pytest

from casedesk.core import clock
from casedesk.core.errors import InvalidInput
from casedesk.field import services
from casedesk.field.models import Visit, VisitForm
from tests.accounts.factories import make_user
from tests.factories import client_for, database_snapshot
from tests.field.factories import data_url, make_visit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _dispatched_earlier() -> Visit:
    with clock.frozen(clock.now() - dt.timedelta(hours=3)):
        return make_visit()


def _on_site(minutes_ago: int = 90) -> Visit:
    visit = _dispatched_earlier()
    return services.visit_check_in(
        visit=visit, at=clock.now() - dt.timedelta(minutes=minutes_ago), by=visit.engineer
    )


def _check_out(visit, **kwargs):
    return services.visit_check_out(
        visit=visit, work_done="更换电源", customer_name="王经理", signature=data_url(),
        by=visit.engineer, **kwargs,
    )  # fmt: skip


def test_a_check_out_sent_late_keeps_the_time_it_was_signed():
    visit = _on_site(90)
    signed = clock.now() - dt.timedelta(minutes=30)
    form = _check_out(visit, at=signed)
    visit.refresh_from_db()
    assert visit.checked_out_at == signed and form.signed_at == signed
    zone = clock.desk_zone()
    assert form.content["checked_out_at"] == signed.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    assert form.content["signed_at"] == form.content["checked_out_at"]
    log = visit.case.worklogs.filter(kind="onsite", minutes__gt=0).get()
    assert log.minutes == 60  # on site from check-in to the signature, not to the sending


@pytest.mark.parametrize("offset", [dt.timedelta(minutes=-120), dt.timedelta(minutes=10)])
def test_a_check_out_time_outside_check_in_to_now_changes_nothing(offset):
    visit = _on_site(90)
    before = database_snapshot()
    with pytest.raises(InvalidInput):
        _check_out(visit, at=clock.now() + offset)
    assert database_snapshot() == before


def _post(client, visit, **fields):
    return client.post(f"/visits/{visit.pk}/", fields, HTTP_ACCEPT="application/json")


def test_the_visit_page_takes_the_times_of_the_taps():
    visit = _dispatched_earlier()
    client = client_for(visit.engineer)
    tapped = clock.now() - dt.timedelta(minutes=40)
    assert _post(client, visit, step="check_in", at=tapped.isoformat()).json()["ok"]
    visit.refresh_from_db()
    assert visit.checked_in_at == tapped
    ahead = clock.now() + dt.timedelta(minutes=2)  # the phone's clock runs a little fast
    response = _post(
        client, visit, step="check_out", at=ahead.isoformat().replace("+00:00", "Z"),
        work_done="更换电源", customer_name="王经理", signature=data_url(),
    )  # fmt: skip
    assert response.status_code == 200, response.content
    visit.refresh_from_db()
    assert visit.status == "done" and visit.checked_out_at <= clock.now()


@pytest.mark.parametrize("at", ["yesterday", "2026-12-01T10:00:00"])
def test_a_time_the_page_cannot_read_is_refused_with_its_reason(at):
    visit = make_visit()
    before = database_snapshot()
    response = _post(client_for(visit.engineer), visit, step="check_in", at=at)
    assert response.status_code == 422 and response.json()["detail"]
    assert database_snapshot() == before


def test_a_step_on_a_cancelled_visit_is_refused_with_its_reason():
    visit = make_visit()
    services.visit_cancel(visit=visit, reason="客户改约", by=make_user("duty_engineer"))
    client = client_for(visit.engineer, "zh-hans")
    response = _post(client, visit, step="check_in", at=clock.now().isoformat())
    assert response.status_code == 409 and "已取消" in response.json()["detail"]
    response = _post(
        client, visit, step="check_out", work_done="x", customer_name="李工", signature=data_url()
    )
    assert response.status_code == 409 and response.json()["detail"]
    assert not VisitForm.objects.filter(visit=visit).exists()


def test_the_api_check_out_takes_at():
    visit = _on_site(90)
    signed = clock.now() - dt.timedelta(minutes=10)
    body = {
        "work_done": "更换电源", "customer_name": "王经理", "signature": data_url(),
        "at": signed.isoformat(),
    }  # fmt: skip
    client = client_for(visit.engineer)
    response = client.post(
        f"/api/v1/visits/{visit.pk}/check-out", data=body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    visit.refresh_from_db()
    assert visit.checked_out_at == signed
