"""One login page for everybody: staff land in the console, customers in the portal; a wrong
password says so and lets nobody in; logging out ends the session."""

from tests.factories import OrganizationFactory, make_user

PASSWORD = "s3cret-pass-phrase"


def with_password(user, language="en"):
    user.set_password(PASSWORD)
    user.language = language
    user.save()
    return user


def log_in(screen, username, password):
    screen.page.get_by_label("Username").fill(username)
    screen.page.get_by_label("Password").fill(password)
    with screen.page.expect_navigation():
        screen.page.get_by_role("button", name="Log in").click()


def test_staff_and_customers_log_in_at_one_page_and_out_again(screens, transactional_db):
    with_password(make_user("duty_engineer", username="duty"))
    org = OrganizationFactory(code="NW", name="Northwind Trading")
    with_password(make_user("customer", username="cust", org=org))

    staff = screens(None, locale="en")
    staff.goto("/board/")
    assert "/login/" in staff.page.url  # not logged in: to the login page
    log_in(staff, "duty", "wrong password")
    assert staff.page.get_by_role("alert").is_visible()
    assert "/login/" in staff.page.url
    staff.shot("01-wrong-password")
    log_in(staff, "duty", PASSWORD)
    assert staff.page.url.endswith("/board/")  # back where they were going
    assert staff.page.get_by_role("heading", name="Duty board").is_visible()
    # The session cookie is out of reach of the page's scripts, and kept to this site.
    session = [c for c in staff.context.cookies() if c["name"] == "sessionid"]
    assert session and session[0]["httpOnly"] and session[0]["sameSite"] == "Lax"
    assert "sessionid" not in staff.page.evaluate("document.cookie")
    with staff.page.expect_navigation():
        staff.page.get_by_role("button", name="Log out").click()
    staff.goto("/board/")
    assert "/login/" in staff.page.url
    staff.shot("02-logged-out")

    customer = screens(None, locale="en")
    customer.goto("/login/")
    log_in(customer, "cust", PASSWORD)
    assert customer.page.url.endswith("/portal/")
    customer.shot("03-customer-in-portal")
