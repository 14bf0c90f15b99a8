"""The demo's field service: a visit scheduled, one on site, one done with a signed form."""

import datetime as dt

import pytest

from casedesk import demo
from casedesk.core import audit, clock
from casedesk.field.models import Visit

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)


def test_the_demo_shows_a_visit_in_each_state_and_a_signed_form():
    with clock.frozen(NOW):
        summary = demo.load(seed=1, cases=80, now=NOW)
    assert any("on-site visits" in line for line in summary.more)
    assert sorted(v.status for v in Visit.objects.all()) == ["done", "on_site", "scheduled"]
    done = Visit.objects.get(status="done")
    form = done.forms.get()
    assert form.version == 1 and len(form.sha256) == 64
    assert done.case.attachments.filter(pk=form.attachment_id).exists()
    assert audit.verify().ok
