"""The dashboard's queries side by side on worker threads count what they count one by one."""

import threading

import pytest
from django.utils import translation

from casedesk.reports import parallel, selectors

from .test_selectors import filters


def _tables(f):
    return {
        key: (str(t.title), [list(map(str, r)) for r in t.rows])
        for key, t in selectors.dashboard(f, reader=None).items()
    }


@pytest.fixture
def threads(settings):
    settings.CASEDESK_REPORT_THREADS = 3
    yield
    parallel.shutdown()


def test_worker_threads_give_the_same_dashboard_as_one_thread(committed_desk, settings, threads):
    settings.CASEDESK_REPORT_THREADS = 0
    alone = _tables(filters())
    settings.CASEDESK_REPORT_THREADS = 3
    before = {t.ident for t in threading.enumerate()}
    side_by_side = _tables(filters())
    workers = [t for t in threading.enumerate() if t.name.startswith("report")]
    assert workers and not {t.ident for t in workers} <= before  # the pool really ran them
    assert side_by_side == alone
    # The desk's history shows in them (not an empty dashboard twice).
    assert alone["escalations"][1] != [] and any(r[-1] != "0" for r in alone["escalations"][1])
    assert any(r[1] != "0" for r in alone["labour_week"][1])


def test_a_pool_thread_runs_in_the_callers_language_zone_and_clock(threads):
    """What a table reads of its request travels with it: the language (labels made there),
    the time zone, the clock (a replay's frozen instant) and nothing of another request."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from casedesk.core import clock

    def seen():
        return translation.get_language(), timezone.get_current_timezone_name(), clock.now()

    at = dt.datetime(2026, 11, 4, 4, 0, tzinfo=dt.UTC)
    for language, zone in [("en", "Europe/Berlin"), ("zh-hans", "Asia/Shanghai")]:
        with translation.override(language), timezone.override(ZoneInfo(zone)), clock.frozen(at):
            here = seen()
            there = parallel.pool().submit(parallel.in_context(seen)).result()
        assert there == here == (language, zone, at)
    # A task asked for outside any of that sees the defaults, not the last caller's.
    assert parallel.pool().submit(parallel.in_context(seen)).result()[2] != at


def test_inside_a_transaction_the_queries_stay_on_its_connection(desk, threads):
    """A caller's open transaction (its rows uncommitted) is read on its own connection."""
    tables = selectors.dashboard(filters(), reader=None)
    assert any(r[1] != 0 for r in tables["labour_week"].rows)
    assert not any(t.name.startswith("report") for t in threading.enumerate())
