"""The demo desk carries rate cards, and its work logs come out priced in the report."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from casedesk import demo
from casedesk.accounts.models import User
from casedesk.core import clock
from casedesk.labour import selectors
from casedesk.labour.models import RateCard

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)


def test_the_demo_prices_its_work_logs():
    with clock.frozen(NOW):
        summary = demo.load(seed=1, cases=30, now=NOW)
    assert any("rate cards" in line for line in summary.more)
    general = RateCard.objects.get(organization=None, tier="")
    own = RateCard.objects.exclude(organization=None).get()
    assert general.hourly_rate > own.hourly_rate
    reader = User.objects.filter(role="cs_manager").first()
    since = (NOW - dt.timedelta(days=60)).date()
    started = time.perf_counter()
    rows = selectors.labour_rows(
        since=since, until=NOW.date(), by="organization", fetched_by=reader
    )
    elapsed = time.perf_counter() - started
    assert rows and all(r.amount > 0 for r in rows if r.minutes)
    assert elapsed < 1.0
