"""An upgraded desk finds its gold and silver service levels in the catalogue (migration
contracts 0003), with the promised times its organizations had; a new desk starts empty."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from casedesk.contracts.models import Contract, ServiceProduct
from casedesk.sla.models import SlaPolicy

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("contracts", "0003_product_annual_price")
AFTER = ("contracts", "0004_level_products")


def _migrate(target):
    """Migrate to ``target``; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state(target).apps


def _latest():
    from django.db.migrations.loader import MigrationLoader

    return next(n for n in MigrationLoader(None).graph.leaf_nodes() if n[0] == "contracts")


def _rerun_with(prepare) -> None:
    """Back to before the migration, ``prepare(apps)`` the desk as it was, then forward."""
    assert not Contract.objects.exists()
    ServiceProduct.objects.all().delete()
    try:
        prepare(_migrate(BEFORE))
        _migrate(AFTER)
    finally:
        _migrate(_latest())


def test_a_desk_with_organizations_gets_its_two_levels_as_products(org):
    gold = SlaPolicy.objects.get(service_level="gold")
    gold.callback_minutes, gold.first_worklog_minutes = 20, 50  # this desk's own promises
    gold.save()
    _rerun_with(lambda apps: None)
    products = {p.code: p for p in ServiceProduct.objects.all()}
    assert set(products) == {"GOLD-7X24", "SILVER-5X8"}
    g, s = products["GOLD-7X24"], products["SILVER-5X8"]
    assert (g.coverage, g.callback_minutes, g.first_worklog_minutes) == ("7x24", 20, 50)
    silver = SlaPolicy.objects.get(service_level="silver")
    assert (s.coverage, s.callback_minutes, s.first_worklog_minutes) == (
        "5x8",
        silver.callback_minutes,
        silver.first_worklog_minutes,
    )
    assert g.onsite_hours == 4 and s.onsite_hours is None
    # Counted on the calendar of their coverage, as the levels were: no calendar of their own.
    assert g.calendar is None and s.calendar is None


def test_a_product_the_desk_already_made_is_left_alone(org):
    def own_gold(apps):
        apps.get_model("contracts", "ServiceProduct").objects.create(
            code="GOLD-7X24",
            name="金牌",
            coverage="7x24",
            callback_minutes=5,
            first_worklog_minutes=10,
            created_at=timezone.now(),
        )

    _rerun_with(own_gold)
    assert ServiceProduct.objects.get(code="GOLD-7X24").callback_minutes == 5
    assert ServiceProduct.objects.filter(code="SILVER-5X8").exists()


def test_a_new_desk_starts_with_an_empty_catalogue():
    _rerun_with(lambda apps: None)
    assert not ServiceProduct.objects.exists()
