"""The roster's endpoints: POST /shifts and GET /duty (API.md), and the planning ones."""

import datetime as dt

import pytest

from casedesk.core import clock
from casedesk.roster.models import DutyShift
from tests.accounts.factories import make_user
from tests.factories import ApiClient
from tests.roster.factories import roster_snapshot

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 7, 0, 30, tzinfo=dt.UTC)


@pytest.fixture
def boss():
    make_user("duty_engineer", username="li")
    make_user("duty_engineer", username="wang")
    return ApiClient(make_user("supervisor", username="boss"))


def test_a_shift_posted_is_who_is_on_duty(boss):
    r = boss.post(
        "/shifts",
        {"engineer": "li", "starts_at": T0.isoformat(), "ends_at": "2026-12-07T17:30:00+08:00"},
    )
    assert r.status_code == 201, r.content
    shift = r.json()
    assert shift["engineer"] == "li" and shift["duty_engineer"] is True
    assert shift["ends_at"].startswith("2026-12-07T09:30:00")
    r = boss.get("/duty", {"at": "2026-12-07T09:00:00+08:00"})
    assert r.json()["on_duty"] == ["li"] and r.json()["roster_hole"] is False
    assert boss.get("/duty", {"at": "2026-12-07T17:30:00+08:00"}).json() == {
        "at": "2026-12-07T09:30:00Z",
        "on_duty": [],
        "duty_engineers": ["boss", "li", "wang"],  # nobody on shift: all of them
        "roster_hole": True,
    }
    with clock.frozen(T0 + dt.timedelta(hours=1)):
        assert boss.get("/duty").json()["on_duty"] == ["li"]


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"engineer": "li", "starts_at": "2026-12-07T18:00:00+08:00",
          "ends_at": "2026-12-07T09:00:00+08:00"}, 422, "end after it starts"),
        ({"engineer": "nobody", "starts_at": "2026-12-07T09:00:00+08:00",
          "ends_at": "2026-12-07T18:00:00+08:00"}, 422, "nobody"),
        ({"engineer": "li", "starts_at": "2026-12-07T09:00:00",
          "ends_at": "2026-12-07T18:00:00+08:00"}, 422, "time zone"),
        ({"engineer": "li", "starts_at": "2026-12-07T12:00:00+08:00",
          "ends_at": "2026-12-07T20:00:00+08:00"}, 409, "already on a shift"),
        ({"engineer": "eng", "starts_at": "2026-12-07T09:00:00+08:00",
          "ends_at": "2026-12-07T18:00:00+08:00"}, 422, "not a duty engineer"),
    ],
)  # fmt: skip
def test_bad_shifts_are_refused_with_a_detail_and_write_nothing(boss, body, status, says):
    make_user("engineer", username="eng", tier="first_line")
    boss.post("/shifts", {"engineer": "li", "starts_at": "2026-12-07T08:30:00+08:00",
                          "ends_at": "2026-12-07T17:30:00+08:00"})  # fmt: skip
    before = roster_snapshot()
    r = boss.post("/shifts", body)
    assert r.status_code == status, r.content
    assert says in r.json()["detail"]
    assert roster_snapshot() == before


def test_only_planners_post_shifts_and_every_staff_member_reads_the_duty():
    make_user("duty_engineer", username="li")
    engineer = ApiClient(make_user("engineer", tier="first_line"))
    r = engineer.post("/shifts", {"engineer": "li", "starts_at": T0.isoformat(),
                                  "ends_at": (T0 + dt.timedelta(hours=9)).isoformat()})  # fmt: skip
    assert r.status_code == 403 and not DutyShift.objects.exists()
    assert engineer.get("/duty").status_code == 200


def test_plan_a_rotation_cover_a_night_and_see_the_holes(boss):
    r = boss.post("/rotations", {"name": "值班", "pattern": "7x24", "members": ["li", "wang"]})
    assert r.status_code == 201, r.content
    rotation = r.json()
    assert rotation["members"] == ["li", "wang"]
    r = boss.post(f"/rotations/{rotation['id']}/plan", {"from_week": "2026-12-07", "weeks": 1})
    assert r.status_code == 201 and len(r.json()["shifts"]) == 14
    night = next(s for s in r.json()["shifts"] if s["part"] == "night")
    other = next(s for s in r.json()["shifts"] if s["engineer"] != night["engineer"])
    make_user("supervisor", username="zhou")
    r = boss.post(f"/shifts/{night['id']}/cover", {"substitute": "zhou"})
    assert r.status_code == 201, r.content
    assert r.json()["covers_for"] == night["engineer"] and r.json()["origin"] == "cover"
    r = boss.post(f"/shifts/{r.json()['id']}/swap", {"other": other["id"]})
    assert r.status_code == 200 and {s["origin"] for s in r.json()} == {"swap"}
    r = boss.get("/roster/holes", {"since": "2026-12-07T00:00:00+08:00"})
    holes = r.json()
    assert holes[0] == {"starts_at": "2026-12-06T16:00:00Z", "ends_at": "2026-12-07T00:30:00Z"}
    assert holes[-1]["starts_at"] == "2026-12-14T00:30:00Z"
    r = boss.get("/shifts", {"since": "2026-12-07T00:00:00+08:00", "engineer": "zhou"})
    assert [s["engineer"] for s in r.json()] == ["zhou"]
    assert boss.delete(f"/shifts/{r.json()[0]['id']}").status_code == 204
    r = boss.post(f"/rotations/{rotation['id']}/plan", {"from_week": "2026-12-07", "weeks": 0})
    assert r.status_code == 422
