"""Every screen of a realistic desk (`casedesk demo`: three months of CASEs in every state,
escalations, vendor cases, reopenings) renders in Chromium without a console error, with
no English left on the Chinese pages, for each kind of user."""

from io import StringIO

import pytest
from django.core.management import call_command

from casedesk.accounts.models import User
from casedesk.cases.choices import Status
from casedesk.cases.models import Case


def one_case_per_status(qs) -> list[Case]:
    found = []
    for status in Status.values:
        case = qs.filter(status=status).order_by("-escalation_level", "-reopen_count", "pk")
        if case.exists():
            found.append(case.first())
    return found


# Links in the page's content; the navigation bar's own links are tested on their own below.
LINKS = """() => [...document.querySelectorAll('main a[href]')]
    .map(a => a.href)
    .filter(h => h.startsWith(location.origin) && !h.includes('#'))"""


def assert_links_work(screen, links: set[str]) -> None:
    """Every link the user was shown opens for that user (no 403, 404 or 500)."""
    broken = {}
    for url in sorted(links):
        response = screen.context.request.get(url, max_redirects=5)
        if response.status >= 400:
            broken[url.removeprefix(screen.base_url)] = response.status
    assert broken == {}, f"[{screen.who}] links that fail: {broken}"


def test_every_screen_of_the_demo_desk_renders_cleanly(screens, transactional_db):
    call_command("demo", cases=40, stdout=StringIO())
    people = {u.username: u for u in User.objects.all()}
    people["se.zhao"].language = "en"
    people["se.zhao"].save(update_fields=["language"])
    for name in ("duty", "csm", "cust.ctbj"):
        people[name].language = "zh-hans"
        people[name].save(update_fields=["language"])
    cases = one_case_per_status(Case.objects.all())
    assert len(cases) == len(Status.values), "the demo has a CASE in every state"

    for username in ("duty", "se.zhao"):
        screen = screens(people[username])
        pages = ["/board/", "/mine/", "/cases/", "/cases/?sort=priority&size=50", "/cases/new/"]
        pages += [f"/cases/{case.number}/" for case in cases]
        links = set()
        for path in pages:
            screen.goto(path)
            screen.shot(f"{username}{path}")
            links |= set(screen.page.evaluate(LINKS))
        assert_links_work(screen, links)

    manager = screens(people["csm"])
    links = set()
    for path in ["/dashboard/", "/dashboard/?severity=P1", "/cases/"]:
        manager.goto(path)
        manager.shot(f"csm{path}")
        links |= set(manager.page.evaluate(LINKS))
    assert_links_work(manager, links)

    customer = screens(people["cust.ctbj"])
    customer.goto("/portal/")
    customer.shot("customer-portal")
    links = set(customer.page.evaluate(LINKS))
    theirs = one_case_per_status(Case.objects.filter(organization=people["cust.ctbj"].organization))
    assert theirs, "the demo customer has CASEs"
    for case in theirs:
        customer.goto(f"/portal/cases/{case.number}/")
        customer.shot(f"customer-{case.status}")
        links |= set(customer.page.evaluate(LINKS))
    customer.goto("/portal/cases/new/")
    customer.shot("customer-new-case")
    assert_links_work(customer, links)


NAV_LINKS = """() => [...document.querySelectorAll('header a[href]')]
    .map(a => a.href).filter(h => h.startsWith(location.origin))"""


@pytest.mark.parametrize(
    "role",
    [
        "call_taker",
        "duty_engineer",
        "engineer",
        "cs_manager",
        "customer",
    ],
)
def test_the_navigation_offers_only_pages_the_user_may_open(screens, transactional_db, role):
    from tests.factories import OrganizationFactory, make_user

    org = OrganizationFactory(code="NW", name="Northwind Trading")
    user = make_user(role, org=org if role == "customer" else None)
    screen = screens(user)
    screen.goto("/portal/" if role == "customer" else "/board/")
    links = set(screen.page.evaluate(NAV_LINKS))
    assert links, "the page has a navigation bar"
    assert_links_work(screen, links)
