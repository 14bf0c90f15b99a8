"""Adding a rota to the duty roster: all shifts or none."""

import datetime as dt

import pytest

from casedesk.core.errors import InvalidInput
from casedesk.roster.models import DutyShift
from casedesk.roster.services import shifts_add

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 23, 0, 30, tzinfo=dt.UTC)


def test_a_rota_is_added_whole(duty, engineer):
    added = shifts_add(
        shifts=[
            DutyShift(user=duty, starts_at=T0, ends_at=T0 + dt.timedelta(hours=9)),
            DutyShift(
                user=engineer,
                starts_at=T0,
                ends_at=T0 + dt.timedelta(hours=9),
                duty_engineer=False,
                hotline=False,
            ),
        ],
        by=None,
    )
    assert added == 2 == DutyShift.objects.count()


@pytest.mark.parametrize("bad", ["backwards", "customer"])
def test_one_bad_shift_adds_none(duty, customer, bad):
    good = DutyShift(user=duty, starts_at=T0, ends_at=T0 + dt.timedelta(hours=9))
    if bad == "backwards":
        wrong = DutyShift(user=duty, starts_at=T0, ends_at=T0 - dt.timedelta(hours=1))
    else:
        wrong = DutyShift(user=customer, starts_at=T0, ends_at=T0 + dt.timedelta(hours=1))
    with pytest.raises(InvalidInput):
        shifts_add(shifts=[good, wrong], by=None)
    assert not DutyShift.objects.exists()
