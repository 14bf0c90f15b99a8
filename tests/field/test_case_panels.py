"""Field visits on a CASE's page: the console's block (visits, the on-site promise, the
signed form and its versions, the dispatch link) and the portal's (the customer's visits and
the signed form's latest version), and the portal's PDF for the CASE's organization only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from casedesk.cases import services as cases
from casedesk.core import clock
from casedesk.field import case_panels, services
from tests.accounts.factories import make_user
from tests.factories import client_for, page_text
from tests.field.factories import data_url, entitled_case, make_visit, signed_visit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _corrected(visit):
    services.visit_form_correct(
        visit=visit, work_done="更换光模块与跳线", customer_name="李工",
        signature=data_url(), reason="漏记跳线", by=visit.engineer,
    )  # fmt: skip


def test_the_console_shows_the_visits_their_promise_and_the_signed_form_versions():
    done = signed_visit()
    _corrected(done)
    case = done.case
    waiting = make_visit(case=case)
    duty = make_user("duty_engineer")
    response = client_for(duty).get(f"/cases/{case.number}/")
    assert response.status_code == 200
    html = page_text(response)
    assert 'id="visits"' in html
    assert html.count('class="visit"') == 2
    assert done.engineer.display_name in html and waiting.engineer.display_name in html
    assert f'href="/visits/{done.pk}/"' in html and f'href="/visits/{waiting.pk}/"' in html
    assert done.checked_in_at.astimezone(clock.desk_zone()).strftime("%Y-%m-%d %H:%M") in html
    assert 'data-state="met"' in html and 'data-state="due"' in html
    assert f'href="/visits/{done.pk}/report.pdf"' in html
    forms = list(done.forms.order_by("version"))
    assert len(forms) == 2
    for form in forms:
        assert f"/cases/{case.number}/files/{form.attachment_id}/view/" in html
    assert (
        f'href="/cases/{case.number}/visits/new/"' in html
        and "Dispatch an engineer on site" in html
    )


def test_a_missed_arrival_and_a_cancelled_visit_say_so():
    case = entitled_case(onsite_hours=4)
    late = make_visit(case=case)
    off = make_visit(case=case)
    services.visit_cancel(visit=off, reason="客户改约", by=make_user("duty_engineer"))
    with clock.frozen(clock.now() + dt.timedelta(days=3)):
        html = "".join(case_panels.console(_request(make_user("supervisor")), case))
    assert f'data-visit="{late.pk}"' in html
    assert 'data-state="missed"' in html and 'data-state="dropped"' in html


def test_the_dispatch_link_only_for_who_may_while_the_case_is_open():
    case = entitled_case()
    stranger = make_user("engineer")  # neither the CASE's engineer nor a helper
    assert case_panels.console(_request(stranger), case) == []  # nothing to show, nothing to do
    html = "".join(case_panels.console(_request(case.engineer), case))
    assert "/visits/new/" in html and 'class="empty' in html
    visit = make_visit(case=case)
    html = "".join(case_panels.console(_request(stranger), case))
    assert f'data-visit="{visit.pk}"' in html and "/visits/new/" not in html
    duty = make_user("duty_engineer")
    services.visit_cancel(visit=visit, reason="远程已解决", by=duty)
    cases.case_accept(case=case, by=case.engineer)
    cases.case_resolve(case=case, solution="远程解决", by=case.engineer)
    cases.case_confirm(case=case, note="电话确认", by=duty)
    cases.case_close(case=case, by=duty)
    case.refresh_from_db()
    assert case.status == "closed"
    html = "".join(case_panels.console(_request(duty), case))
    assert f'data-visit="{visit.pk}"' in html and "/visits/new/" not in html


def test_the_console_panel_is_a_few_queries_whatever_the_visits():
    visit = signed_visit()
    for _ in range(4):
        make_visit(case=visit.case)
    _corrected(visit)
    duty = make_user("duty_engineer")
    request = _request(duty)
    case_panels.console(request, visit.case)  # warm the caches (translations, templates)
    with CaptureQueriesContext(connection) as ctx:
        html = "".join(case_panels.console(request, visit.case))
    assert html.count('class="visit"') == 5
    assert len(ctx.captured_queries) <= 4, [q["sql"] for q in ctx.captured_queries]


def test_the_customer_sees_the_visits_and_downloads_the_signed_form():
    visit = signed_visit()
    _corrected(visit)
    case = visit.case
    make_visit(case=case)
    customer = make_user("customer", org=case.organization)
    client = client_for(customer, "zh-hans")
    response = client.get(f"/portal/cases/{case.number}/")
    assert response.status_code == 200
    html = page_text(response)
    assert 'id="visits"' in html and html.count('class="visit"') == 2
    assert visit.engineer.display_name in html
    zone = clock.desk_zone()
    for at in (visit.checked_in_at, visit.checked_out_at):
        assert at.astimezone(zone).strftime("%Y-%m-%d %H:%M") in html
    url = f"/portal/field/visits/{visit.pk}/report.pdf"
    assert f'href="{url}"' in html and html.count("report.pdf") == 1  # the signed one only
    # Nothing internal: the tools, the parts to take, the deadline, the console's pages.
    assert "光功率计" not in html and "SFP-10G-SR" not in html
    assert 'data-state="' not in html and f'/visits/{visit.pk}/"' not in html
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    latest = visit.forms.order_by("-version").first()
    assert latest.version == 2 and body == latest.attachment.file.open("rb").read()


def test_another_organizations_customer_sees_nothing_and_gets_404():
    visit = signed_visit()
    other = make_user("customer", org=entitled_case().organization)
    assert case_panels.portal(_request(other), visit.case) == []
    client = client_for(other)
    assert client.get(f"/portal/cases/{visit.case.number}/").status_code == 404
    response = client.get(f"/portal/field/visits/{visit.pk}/report.pdf")
    assert response.status_code == 404 and b"%PDF" not in response.content
    assert client.get("/portal/field/visits/999999/report.pdf").status_code == 404


def test_a_visit_not_signed_yet_has_no_form_to_download():
    visit = make_visit()
    customer = make_user("customer", org=visit.case.organization)
    html = "".join(case_panels.portal(_request(customer), visit.case))
    assert f'data-visit="{visit.pk}"' in html and "report.pdf" not in html
    response = client_for(customer).get(f"/portal/field/visits/{visit.pk}/report.pdf")
    assert response.status_code == 404


def test_no_visits_no_portal_block_and_staff_go_to_the_console():
    case = entitled_case()
    customer = make_user("customer", org=case.organization)
    assert case_panels.portal(_request(customer), case) == []
    assert case_panels.portal(_request(make_user("duty_engineer")), case) == []
    visit = signed_visit(case=case)
    response = client_for(make_user("duty_engineer")).get(
        f"/portal/field/visits/{visit.pk}/report.pdf"
    )
    assert response.status_code == 302 and response["Location"] == f"/visits/{visit.pk}/report.pdf"
    response = client_for(customer).get(f"/visits/{visit.pk}/report.pdf")
    assert response.status_code in (302, 403, 404)  # the console's is for staff
