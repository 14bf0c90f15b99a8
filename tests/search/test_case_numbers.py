"""A CASE number in the search box: ``C2612001``, ``c2612001`` or ``2612001`` puts that
CASE first in the API's and the web's list (then the CASEs whose text mentions it); the
console's top-bar search and the portal open it; the lists say how many CASEs matched."""

import re

import pytest

from casedesk.cases import services
from tests.factories import (
    ContactFactory,
    OrganizationFactory,
    client_for,
    make_case,
    make_user,
    page_text,
)

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture
def numbered(contact, engineer):
    """A CASE, a newer one whose work log names it, and a newer one besides."""
    wanted = make_case(contact=contact, title="路由器8d56d8 端口故障")
    mentions = make_case(contact=contact, title="又一次端口故障")
    services.case_assign(case=mentions, engineer=engineer, by=None)
    services.case_log_work(
        case=mentions,
        kind="note",
        note=f"与 {wanted.number} 同一台设备",
        minutes=0,
        by=engineer,
    )
    make_case(contact=contact, title="无关的 CASE")
    return wanted, mentions


def _typed(number: str) -> list[str]:
    return [number, number.lower(), number[1:]]


def test_the_api_lists_the_numbered_case_first_then_those_that_mention_it(numbered, duty, api):
    wanted, mentions = numbered
    for q in _typed(wanted.number)[:2]:
        body = api(duty).get("/cases", {"q": q}).json()
        assert [c["number"] for c in body["items"]] == [wanted.number, mentions.number], q
        assert body["count"] == 2
    # without the C: the CASE, then the CASEs whose text holds these digits (none here)
    body = api(duty).get("/cases", {"q": wanted.number[1:]}).json()
    assert [c["number"] for c in body["items"]] == [wanted.number]


def test_a_number_without_a_case_lists_only_what_mentions_it(numbered, duty, api):
    wanted, mentions = numbered
    body = api(duty).get("/cases", {"q": "C2001999"}).json()
    assert body == {"count": 0, "items": []}


def test_the_web_list_puts_the_numbered_case_first_and_counts_the_matches(numbered, duty):
    wanted, mentions = numbered
    web = client_for(duty)
    for q in _typed(wanted.number):
        response = web.get("/cases/", {"q": q})
        assert response.status_code == 200
        text = page_text(response)
        listed = re.findall(r'class="case-number"[^>]*>(C\d+)<', text)
        assert listed[0] == wanted.number, q
        assert f"{len(listed)} CASE{'s' if len(listed) > 1 else ''} found" in text
        assert len(listed) == (1 if q == wanted.number[1:] else 2)
    assert "1 CASE found" in page_text(web.get("/cases/", {"q": "路由器8d56d8"}))
    assert "0 CASEs found" in page_text(web.get("/cases/", {"q": "没有这种故障"}))
    zh = client_for(duty, "zh-hans")
    assert "找到 2 个 CASE" in page_text(zh.get("/cases/", {"q": wanted.number}))


def test_the_web_count_holds_on_every_page(contact, duty):
    for i in range(30):
        make_case(contact=contact, title=f"机房 {i} 号交换机掉电")
    web = client_for(duty)
    for page in ("1", "2", "9"):
        text = page_text(web.get("/cases/", {"q": "交换机", "page": page}))
        assert "30 CASEs found" in text, page
        assert "Page 2 of 2" in text or page == "1"


def test_the_top_bar_search_opens_a_case_by_its_number(numbered, duty):
    wanted, _ = numbered
    web = client_for(duty)
    for q in _typed(wanted.number):
        response = web.get("/cases/", {"q": f" {q} ", "go": "1"})
        assert response.status_code == 302, q
        assert response.url == f"/cases/{wanted.number}/"
    # not a number, or no such CASE: the list, as from the list's own search box
    assert web.get("/cases/", {"q": "端口故障", "go": "1"}).status_code == 200
    assert "0 CASEs found" in page_text(web.get("/cases/", {"q": "C2001999", "go": "1"}))
    home = page_text(web.get("/board/"))
    assert 'name="go"' in home


def test_the_portal_opens_its_own_case_by_number_and_no_other(numbered, customer):
    wanted, mentions = numbered
    other = OrganizationFactory(code="OTHER", name="Other Corp")
    stranger = make_case(contact=ContactFactory(organization=other), title="路由器 端口故障")
    portal = client_for(customer)
    for q in _typed(wanted.number):
        response = portal.get("/portal/", {"q": q})
        assert response.status_code == 302, q
        assert response.url == f"/portal/cases/{wanted.number}/"
    # another organization's CASE is not found, exactly as a number nobody has
    theirs = portal.get("/portal/", {"q": stranger.number})
    nobody = portal.get("/portal/", {"q": "C2001999"})
    assert theirs.status_code == nobody.status_code == 200

    def seen(response, number):
        return CSRF.sub("", page_text(response)).replace(number, "N")

    assert seen(theirs, stranger.number) == seen(nobody, "C2001999")
    assert "0 CASEs found" in page_text(theirs)
    assert stranger.title not in page_text(theirs)


def test_the_portal_counts_its_matches(numbered, customer):
    portal = client_for(customer)
    assert "2 CASEs found" in page_text(portal.get("/portal/", {"q": "端口故障"}))
    assert "找到 2 个 CASE" in page_text(
        client_for(customer, "zh-hans").get("/portal/", {"q": "端口故障"})
    )
    assert "CASEs found" not in page_text(portal.get("/portal/"))


def test_a_customer_never_finds_another_organizations_case_by_number(numbered, api):
    wanted, _ = numbered
    outsider = make_user(
        "customer", username="other", org=OrganizationFactory(code="OTH2", name="Other")
    )
    for q in _typed(wanted.number):
        assert api(outsider).get("/cases", {"q": q}).json() == {"count": 0, "items": []}
