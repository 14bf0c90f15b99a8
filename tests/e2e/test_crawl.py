"""Every screen of a realistic desk (`casedesk demo`: three months of CASEs in every state,
escalations, vendor cases, reopenings) renders in Chromium without a console error, with
no English left on the Chinese pages, for each kind of user."""

from io import StringIO

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
        for path in pages:
            screen.goto(path)
            screen.shot(f"{username}{path}")

    manager = screens(people["csm"])
    for path in ["/dashboard/", "/dashboard/?severity=P1", "/cases/"]:
        manager.goto(path)
        manager.shot(f"csm{path}")

    customer = screens(people["cust.ctbj"])
    customer.goto("/portal/")
    customer.shot("customer-portal")
    theirs = one_case_per_status(Case.objects.filter(organization=people["cust.ctbj"].organization))
    assert theirs, "the demo customer has CASEs"
    for case in theirs:
        customer.goto(f"/portal/cases/{case.number}/")
        customer.shot(f"customer-{case.status}")
    customer.goto("/portal/cases/new/")
    customer.shot("customer-new-case")
