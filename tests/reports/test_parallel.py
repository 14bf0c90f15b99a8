"""The dashboard's queries side by side on worker threads count what they count one by one."""

import threading

import pytest
from django.utils import translation

from casedesk.reports import parallel, selectors

from .test_selectors import filters


def _tables(f):
    return {
        key: (str(t.title), [list(map(str, r)) for r in t.rows])
        for key, t in selectors.dashboard(f).items()
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


def test_worker_threads_speak_the_readers_language(committed_desk, threads):
    """The labels made on the threads are in the request's language (the desk's default is
    zh-hans, so English shows the language travelled)."""
    for language, senior, matrix in [
        ("en", "To a senior engineer", "Matrix: "),
        ("zh-hans", "升级至高级工程师", "升级矩阵："),
    ]:
        with translation.override(language):
            levels = [row[0] for row in selectors.dashboard(filters())["escalations"].rows]
        assert levels[0] == senior
        assert len(levels) > 2 and all(level.startswith(matrix) for level in levels[2:])


def test_inside_a_transaction_the_queries_stay_on_its_connection(desk, threads):
    """A caller's open transaction (its rows uncommitted) is read on its own connection."""
    tables = selectors.dashboard(filters())
    assert any(r[1] != 0 for r in tables["labour_week"].rows)
    assert not any(t.name.startswith("report") for t in threading.enumerate())
