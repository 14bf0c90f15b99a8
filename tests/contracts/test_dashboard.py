"""The renewals panel on the manager dashboard: contracts ending within 30 days and in
31–60 days, counted, the nearest first, each linked to its page and its quote."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import RequestFactory

from casedesk.contracts import dashboard
from casedesk.core import clock
from tests.accounts.factories import OrganizationFactory, make_user
from tests.contracts.factories import make_contract
from tests.factories import client_for, page_text

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)  # 10:00 on 7 December in Shanghai
TODAY = dt.date(2026, 12, 7)
# Days from today to each contract's last day: the windows' edges and beyond.
ENDS = {"HT-D0": 0, "HT-D30": 30, "HT-D31": 31, "HT-D60": 60, "HT-D61": 61, "HT-GONE": -1}


@pytest.fixture
def desk(db):
    acme = OrganizationFactory(code="ACME", name="艾克米科技")
    with clock.frozen(NOW):
        for number, days in ENDS.items():
            make_contract(
                number=number,
                organization=acme,
                starts_on=dt.date(2026, 1, 1) - dt.timedelta(days=400),
                ends_on=TODAY + dt.timedelta(days=days),
            )
    return acme


def _dashboard(user, language="en", at=NOW):
    with clock.frozen(at):
        return client_for(user, language).get("/dashboard/", {"from": "2026-11-01"})


def _window(html: str, last: int) -> str:
    found = re.search(rf'data-window="{last}">(.*?)</div>', html, re.S)
    assert found, html
    return found.group(1)


def test_the_panel_shows_each_window_nearest_first(desk):
    response = _dashboard(make_user("cs_manager"))
    assert response.status_code == 200
    html = page_text(response)
    within_30 = _window(html, 30)
    assert re.findall(r">(HT-D\d+)</a>", within_30) == ["HT-D0", "HT-D30"]
    assert 'class="panel-figure">2<' in within_30 and "ending within 30 days" in within_30
    in_31_60 = _window(html, 60)
    assert re.findall(r">(HT-D\d+)</a>", in_31_60) == ["HT-D31", "HT-D60"]
    assert "ending in 31–60 days" in in_31_60
    assert "HT-D61" not in html and "HT-GONE" not in html
    assert "/contracts/HT-D31/" in in_31_60 and "/contracts/HT-D31/quote.pdf" in in_31_60
    assert "<td>31</td>" in in_31_60  # days left


def test_the_windows_move_with_the_clock(desk):
    """A month later HT-D31 and HT-D60 are within 30 days; HT-D0 and HT-D30 have ended."""
    html = page_text(_dashboard(make_user("cs_manager"), at=NOW + dt.timedelta(days=30)))
    assert re.findall(r">(HT-D\d+)</a>", _window(html, 30)) == ["HT-D30", "HT-D31", "HT-D60"]
    assert re.findall(r">(HT-D\d+)</a>", _window(html, 60)) == ["HT-D61"]


def test_the_panel_reads_in_chinese(desk):
    html = page_text(_dashboard(make_user("supervisor"), language="zh-hans"))
    assert "续约" in html and "30 天内到期" in html and "31–60 天后到期" in html


def test_more_than_the_nearest_few_are_counted_and_linked(desk):
    with clock.frozen(NOW):
        for n in range(dashboard.NEAREST + 2):
            make_contract(
                number=f"HT-MORE-{n}",
                organization=desk,
                starts_on=dt.date(2026, 1, 1),
                ends_on=TODAY + dt.timedelta(days=10),
            )
    within_30 = _window(page_text(_dashboard(make_user("cs_manager"))), 30)
    assert 'class="panel-figure">9<' in within_30
    assert len(re.findall(r"<tr>\s*<th scope=\"row\">", within_30)) == dashboard.NEAREST
    assert "See all 9 contracts" in within_30 and "/contracts/?within=30" in within_30


def test_the_panel_is_the_readers_contracts(desk):
    """Scoped by the policy like every read: another organization's contact (who never
    reaches the dashboard) would be shown none of ACME's, and no quote."""
    request = RequestFactory().get("/dashboard/")
    request.user = make_user("customer", org=OrganizationFactory(code="OTHER"))
    with clock.frozen(NOW):
        [panel] = dashboard.panels(request)
    assert "HT-D" not in panel and "quote" not in panel
