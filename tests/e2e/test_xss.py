"""A CASE title that is markup renders as text everywhere a user reads it.

Browser pages (duty board, list, CASE page, dashboard, portal) must show the literal text
and never run it (a dialog fails the test, see conftest); e-mail carries it as plain text.
"""

import datetime as dt
import re

import pytest

from casedesk.cases import services
from casedesk.core import clock
from casedesk.notify.services import deliver_due
from tests.factories import make_case, make_user

TITLES = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]
T0 = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def _text_parts(message):
    return [part for part in message.walk() if not part.is_multipart()]


@pytest.mark.parametrize("title", TITLES)
def test_notification_mail_carries_the_title_as_plain_text(db, smtp, org, contact, title):
    duty = make_user("duty_engineer", username="duty")
    engineer = make_user("engineer", username="eng1", tier="senior")
    engineer.language = "en"
    engineer.save(update_fields=["language"])
    with clock.frozen(T0):
        case = make_case(contact=contact, by=duty, title=title, priority="P2")
        services.case_assign(case=case, engineer=engineer, by=duty)
        deliver_due()
    (assigned,) = smtp.to("eng1@desk.example")
    parts = _text_parts(assigned)
    assert [p.get_content_type() for p in parts] == ["text/plain"]
    body = parts[0].get_content()
    assert f"title: {title}" in body
    assert "&lt;" not in body  # plain text: neither run nor mangled

    # The supervisor's deadline mail (the 45-minute first work log) says the same.
    smtp.clear()
    from casedesk.sla.supervisor import run_pass

    with clock.frozen(T0 + dt.timedelta(minutes=46)):
        run_pass()
        deliver_due()
    assert smtp.messages, "no deadline mail was sent"
    for message in smtp.messages:
        parts = _text_parts(message)
        assert [p.get_content_type() for p in parts] == ["text/plain"]
        assert title in parts[0].get_content()


@pytest.mark.parametrize("title", ["<img src=x onerror=alert(1)>", "AT&T 线路中断"])
def test_mail_subject_carries_the_title_as_typed(db, smtp, org, contact, title):
    duty = make_user("duty_engineer", username="duty")
    engineer = make_user("engineer", username="eng1", tier="senior")
    with clock.frozen(T0):
        case = make_case(contact=contact, by=duty, title=title, priority="P2")
        services.case_assign(case=case, engineer=engineer, by=duty)
        deliver_due()
    (assigned,) = smtp.to("eng1@desk.example")
    assert title in assigned["Subject"]


# --- in the browser ---------------------------------------------------------------------

NO_INJECTED_MARKUP = """() => ({
    images: document.querySelectorAll('img[src="x"]').length,
    scripts: [...document.scripts].filter(s => s.textContent.includes('alert(1)')).length,
    handlers: document.querySelectorAll('[onerror]').length,
})"""


def assert_shown_as_text(screen, text: str, where: str, *, visible: bool = True) -> None:
    """``text`` is on screen literally and nothing of it became markup."""
    if visible:
        # Some match on screen (others may sit in a closed <select>: a person's name).
        matches = screen.page.get_by_text(text, exact=False)
        assert any(matches.nth(i).is_visible() for i in range(matches.count())), where
    assert screen.page.evaluate(NO_INJECTED_MARKUP) == {
        "images": 0,
        "scripts": 0,
        "handlers": 0,
    }, where
    screen.check()  # no dialog fired, no console error


@pytest.mark.parametrize("title", TITLES, ids=["script", "img"])
def test_a_markup_title_renders_as_text_on_every_page(screens, title):
    from casedesk.accounts.models import Organization
    from tests.factories import ContactFactory, OrganizationFactory

    org = OrganizationFactory(code="EVIL", name=title, service_level="gold")
    assert Organization.objects.get(code="EVIL").name == title
    contact = ContactFactory(organization=org, name=title, phone="13600136000")
    duty = make_user("duty_engineer", username="duty")
    engineer = make_user("engineer", username="se1", tier="senior")
    engineer.first_name = title
    engineer.save(update_fields=["first_name"])
    manager = make_user("supervisor", username="sup")
    customer = make_user("customer", username="cust", org=org)
    for user in (duty, engineer, manager, customer):
        user.language = "en"
        user.save(update_fields=["language"])
    waiting = make_case(contact=contact, by=duty, title=title, priority="P1", description=title)
    working = make_case(contact=contact, by=duty, title=title, priority="P2")
    services.case_assign(case=working, engineer=engineer, by=duty)
    services.case_log_work(case=working, kind="callback", note=title, minutes=5, by=engineer)

    desk = screens(duty)
    for path, where in [
        ("/board/", "duty board"),
        ("/cases/", "CASE list"),
        ("/cases/?q=alert", "search"),
        (f"/cases/{waiting.number}/", "CASE page"),
        (f"/cases/{working.number}/", "CASE page with a work log"),
        (f"/cases/{waiting.number}/assign/", "assign screen"),
    ]:
        desk.goto(path)
        assert_shown_as_text(desk, title, where)
        desk.shot(f"duty-{where}")
    desk.goto(f"/cases/{working.number}/")
    assert title in desk.page.title()  # the tab's title reads as typed, too
    assert title in desk.page.locator("#timeline").inner_text()

    # The caller lookup draws its results with JavaScript: still text.
    desk.goto("/cases/new/")
    desk.page.get_by_label("Phone number, e-mail or company").press_sequentially("1360013")
    desk.page.locator("#lookup-results button").first.wait_for()
    assert_shown_as_text(desk, title, "caller lookup")
    desk.page.locator("#lookup-results button").first.click()
    desk.page.locator("#chosen-contact").wait_for(state="visible")
    assert title in desk.page.locator("#chosen-contact").inner_text()
    assert_shown_as_text(desk, title, "chosen caller")
    desk.shot("duty-caller-lookup")

    mine = screens(engineer)
    mine.goto("/mine/")
    assert_shown_as_text(mine, title, "my CASEs")
    mine.shot("engineer-my-cases")

    boss = screens(manager)
    boss.goto("/dashboard/")
    # The names sit in the filters' options and in the charts' SVG (labels are shortened;
    # each bar's tooltip <title> holds the whole name).
    assert boss.page.locator("option", has_text=title).count() >= 1
    tooltips = boss.page.locator("svg title").all_text_contents()
    assert any(title in tip for tip in tooltips), tooltips
    assert_shown_as_text(boss, title, "dashboard", visible=False)
    boss.shot("manager-dashboard")

    portal = screens(customer)
    portal.goto("/portal/")
    assert_shown_as_text(portal, title, "portal list")
    portal.shot("customer-portal-list")
    portal.goto(f"/portal/cases/{working.number}/")
    assert_shown_as_text(portal, title, "portal CASE page")
    portal.shot("customer-portal-case")


@pytest.mark.parametrize("title", TITLES, ids=["script", "img"])
def test_a_markup_title_typed_in_the_portal_reaches_the_desk_as_text(screens, title):
    from casedesk.cases.models import Case
    from tests.factories import ContactFactory, OrganizationFactory

    org = OrganizationFactory(code="NW", name="Northwind Trading", service_level="gold")
    contact = ContactFactory(organization=org, name="Ann Lee")
    customer = make_user("customer", username="cust", org=org)
    customer.language, customer.contact = "en", contact
    customer.save(update_fields=["language", "contact"])
    duty = make_user("duty_engineer", username="duty")

    portal = screens(customer)
    portal.goto("/portal/cases/new/")
    portal.page.get_by_label("Short summary").fill(title)
    portal.page.get_by_role("radio", name=re.compile(r"^\s*P3")).check()
    portal.page.get_by_label("What happened?").fill(f"{title}\nline two")
    with portal.page.expect_navigation():
        portal.page.get_by_role("button", name="Submit the CASE").click()
    case = Case.objects.get(organization=org)
    assert (case.title, case.channel) == (title, "web")
    assert_shown_as_text(portal, title, "portal CASE page after submitting")
    portal.shot("customer-submitted")

    desk = screens(duty)
    for path in ["/board/", f"/cases/{case.number}/"]:
        desk.goto(path)
        assert_shown_as_text(desk, title, path)
    desk.shot("desk-sees-customer-case")
