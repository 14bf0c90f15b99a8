"""The demo's spare parts, and ``casedesk stock``."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from casedesk.parts import selectors
from casedesk.parts.models import Location, Part, StockMove
from tests.parts.factories import keeper, make_location, make_part, receive

pytestmark = pytest.mark.django_db


def test_the_demo_stocks_locations_and_parts_some_below_safety_stock():
    from casedesk.demo import load

    load(seed=1, cases=10)
    kinds = set(Location.objects.values_list("kind", flat=True))
    assert kinds == {"central", "depot", "van", "vendor", "customer", "quarantine"}
    assert Part.objects.count() == 15 and StockMove.objects.count() > 15
    reorder = selectors.reorder_list(fetched_by=keeper())
    assert {"QSFP-40G-SR4", "HDD-1.2T-SAS"} <= {p.part.part_number for p in reorder}
    assert all(p.good >= 0 for p in selectors.stock_overview(fetched_by=keeper()))


def test_the_stock_command_prints_on_hand_per_location(capsys):
    part = make_part("SFP-10G-SR")
    receive(part, make_location("WH-BJ"), 7)
    receive(part, make_location("QT", kind="quarantine"), 2, condition="defective")
    call_command("stock", "SFP-10G-SR")
    out = capsys.readouterr().out
    assert "WH-BJ" in out and "QT" in out and "good stock 7" in out
    with pytest.raises(CommandError, match="没有这个备件"):
        call_command("stock", "NOPE")


def test_the_demo_has_rmas_on_cases_in_progress():
    from casedesk.demo import load
    from casedesk.parts.models import Rma

    load(seed=1, cases=30)
    statuses = set(Rma.objects.values_list("status", flat=True))
    assert Rma.objects.count() >= 2 and statuses & {"shipped", "in_repair"}


def test_the_demo_rmas_ship_from_the_nearest_with_a_courier_number_and_fill_a_backorder():
    from casedesk.demo import load
    from casedesk.parts.models import Rma

    load(seed=1, cases=60)
    van = Location.objects.get(code="VAN-ZHAO")
    assert van.keeper.username == "se.zhao"
    assert set(Location.objects.get(code="DP-SH").serves.values_list("code", flat=True)) == {
        "CMB",
        "NWT",
        "PJWL",
    }
    rmas = list(Rma.objects.order_by("created_at"))
    assert [r.status for r in rmas] == ["shipped", "in_repair", "backordered", "shipped"]
    assert rmas[0].tracking_number and rmas[0].courier == "顺丰速运"
    filled = rmas[3]
    assert filled.from_location.code == "WH-BJ" and filled.shipped_at > filled.created_at
