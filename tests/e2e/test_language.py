"""Each user reads the console in their own language and time zone, and switches language
from the navigation bar (the choice is saved to the user, not only to the browser)."""

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext

from casedesk.accounts.models import User
from casedesk.core import clock
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

T0 = dt.datetime(2026, 11, 23, 2, 0, 5, tzinfo=dt.UTC)  # 10:00:05 in Shanghai


def t(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


def test_switching_language_from_the_nav_is_saved_to_the_user(screens, transactional_db):
    duty = make_user("duty_engineer", username="duty")
    assert duty.language == "zh-hans"
    screen = screens(duty)
    screen.goto("/board/")
    assert screen.page.get_by_role("heading", name="值班看板").is_visible()
    screen.shot("01-board-in-chinese")
    with screen.page.expect_navigation(url="**/board/"):
        screen.page.get_by_label(t("zh-hans", "Language")).select_option("en")
    assert screen.page.get_by_role("heading", name="Duty board").is_visible()
    assert screen.page.locator("html").get_attribute("lang") == "en"
    screen.shot("02-board-in-english")
    assert User.objects.get(pk=duty.pk).language == "en"

    # Another browser (a fresh session, a Chinese Accept-Language): still English.
    elsewhere = screens(User.objects.get(pk=duty.pk), locale="zh-hans")
    elsewhere.goto("/board/")
    assert elsewhere.page.get_by_role("heading", name="Duty board").is_visible()

    with screen.page.expect_navigation(url="**/board/"):
        screen.page.get_by_label(t("en", "Language")).select_option("zh-hans")
    assert screen.page.get_by_role("heading", name="值班看板").is_visible()


def test_times_are_shown_in_the_users_time_zone(screens, transactional_db):
    org = OrganizationFactory(code="NW", name="Northwind Trading", service_level="gold")
    contact = ContactFactory(organization=org, name="Ann Lee")
    with clock.frozen(T0):
        case = make_case(contact=contact, title="VPN down in London office")
    beijing = make_user("duty_engineer", username="duty")
    london = make_user("engineer", username="eng.london", tier="senior")
    london.language, london.time_zone = "en", "Europe/London"
    london.save(update_fields=["language", "time_zone"])

    here = screens(beijing)
    here.goto(f"/cases/{case.number}/")
    assert "2026-11-23 10:00:05" in here.body_text()
    there = screens(london)
    there.goto(f"/cases/{case.number}/")
    assert "2026-11-23 02:00:05" in there.body_text()
    assert "2026-11-23 10:00:05" not in there.body_text()
    there.shot("case-page-in-london-time")
