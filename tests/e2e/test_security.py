"""A customer's browser never reaches a staff page (403) or another organization's CASE (404),
and a request forged from the customer's own session changes nothing."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from casedesk.cases import services
from tests.factories import (
    ContactFactory,
    OrganizationFactory,
    database_snapshot,
    make_case,
    make_user,
)

# The browser notes every 4xx document in its console; here they are what we expect.
EXPECTED_REFUSAL = r"status of 40[34]"


def resolved(case, engineer, by):
    services.case_assign(case=case, engineer=engineer, by=by)
    services.case_log_work(case=case, kind="callback", note="called", minutes=5, by=engineer)
    return services.case_resolve(case=case, solution="fixed", by=engineer)


@pytest.fixture
def two_customers(transactional_db):
    ours = OrganizationFactory(code="ACME", name="中国电信北京分公司", service_level="gold")
    theirs = OrganizationFactory(code="OTHER", name="Other Corp", service_level="silver")
    our_contact = ContactFactory(organization=ours, name="张三")
    their_contact = ContactFactory(organization=theirs, name="Bob", phone="13700137000")
    customer = make_user("customer", username="cust", org=ours)
    duty = make_user("duty_engineer", username="duty")
    engineer = make_user("engineer", username="se1", tier="senior")
    our_case = make_case(contact=our_contact, title="我们的交换机故障")
    their_case = resolved(
        make_case(contact=their_contact, title="Their secret outage"), engineer, duty
    )
    return customer, our_case, their_case


def staff_urls(our_case, their_case):
    return [
        "/board/",
        "/mine/",
        "/cases/",
        "/cases/?q=secret",
        "/cases/new/",
        "/cases/new/lookup/?q=137",
        "/dashboard/",
        "/dashboard/export/load.csv",
        "/preferences/",
        f"/cases/{our_case.number}/",
        f"/cases/{our_case.number}/assign/",
        f"/cases/{their_case.number}/",
        f"/cases/{their_case.number}/assign/",
    ]


def test_a_customer_gets_403_on_every_staff_page(screens, two_customers):
    customer, our_case, their_case = two_customers
    screen = screens(customer)
    screen.allow_console(EXPECTED_REFUSAL)
    for path in staff_urls(our_case, their_case):
        screen.goto(path, status=403)
        text = screen.body_text()
        assert their_case.title not in text and our_case.title not in text, path
        assert "13700137000" not in text and "Bob" not in text, path
    screen.goto("/board/", status=403)
    screen.shot("customer-refused-staff-page")
    # The refusal points the customer to where they belong.
    with translation.override(customer.language):
        portal = gettext("Go to the customer portal")
    screen.page.get_by_role("link", name=portal).click()
    screen.page.wait_for_url("**/portal/")
    assert our_case.title in screen.body_text()
    screen.check()


def test_a_customer_gets_404_for_another_organizations_case(screens, two_customers):
    customer, our_case, their_case = two_customers
    screen = screens(customer)
    screen.allow_console(EXPECTED_REFUSAL)
    screen.goto("/portal/")
    assert our_case.number in screen.body_text()
    assert their_case.number not in screen.body_text()
    screen.goto(f"/portal/cases/{our_case.number}/")
    assert our_case.title in screen.body_text()
    screen.goto(f"/portal/cases/{their_case.number}/", status=404)
    assert their_case.title not in screen.body_text()
    screen.shot("customer-other-org-case-404")


def test_a_forged_post_to_another_organizations_case_changes_nothing(screens, two_customers):
    """Confirm, reopen or comment on their CASE from our session: 404, nothing written."""
    customer, our_case, their_case = two_customers
    screen = screens(customer)
    screen.allow_console(EXPECTED_REFUSAL)
    screen.goto(f"/portal/cases/{our_case.number}/")
    before = database_snapshot()
    for action, body in [
        ("confirm", "note=ok"),
        ("reopen", "reason=not+fixed"),
        ("add", "note=hello"),
    ]:
        status = screen.page.evaluate(
            """async ([url, body]) => {
                const token = document.querySelector('input[name=csrfmiddlewaretoken]').value;
                const r = await fetch(url, {method: 'POST', body: body + '&csrfmiddlewaretoken=' + token,
                    headers: {'Content-Type': 'application/x-www-form-urlencoded'}});
                return r.status;
            }""",
            [f"/portal/cases/{their_case.number}/{action}/", body],
        )
        assert status == 404, action
    assert database_snapshot() == before


def test_the_console_sends_strangers_to_the_login_page(screens, two_customers):
    _, our_case, _ = two_customers
    screen = screens(None)
    for path in ["/board/", f"/cases/{our_case.number}/", "/portal/"]:
        screen.goto(path)
        assert "/login/" in screen.page.url, path
        assert our_case.title not in screen.body_text()


def test_the_admin_is_closed_to_a_customer(screens, two_customers):
    customer, _, their_case = two_customers
    screen = screens(customer)
    screen.allow_console(EXPECTED_REFUSAL)
    for path in ["/admin/", "/admin/cases/case/", "/admin/accounts/contact/"]:
        screen.goto(path, status=403)
        # Refused where it stands (no login loop), pointed back to the portal.
        assert screen.page.url.endswith(path), path
        assert screen.page.locator('a[href="/portal/"]').count() >= 1, path
        assert their_case.title not in screen.body_text() and "Bob" not in screen.body_text()
