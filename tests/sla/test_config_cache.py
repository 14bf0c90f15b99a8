"""Calendars and SLA policies are kept in memory per process, yet an administrator's edit
applies to the very next CASE, in this process and in every other one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casedesk.sla import selectors
from casedesk.sla.models import ConfigVersion, Deadline, EscalationRule, SeverityTarget
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def resolution_minutes(case) -> int:
    return Deadline.objects.get(case=case, kind="resolution").target_minutes


def other_process_edits(**target_changes) -> None:
    """What another process's admin edit leaves behind: new rows and a higher version.

    (This process hears no signal, so only the version row can tell it.)
    """
    SeverityTarget.objects.filter(policy__service_level="gold", priority="P1").update(
        **target_changes
    )
    table = connection.ops.quote_name(ConfigVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET version = version + 1")


def test_a_warm_configuration_costs_one_query(contact):
    selectors.level_config("gold")
    with CaptureQueriesContext(connection) as queries:
        config = selectors.level_config("gold")
    assert len(queries) == 1
    assert config.targets["P1"].resolution_minutes == 240
    assert [r.after_minutes for r in config.rules["P1"]] == [30, 60, 120]


def test_an_admin_edit_applies_to_the_next_case(contact, call_taker):
    assert resolution_minutes(make_case(contact=contact, by=call_taker, priority="P1")) == 240
    target = SeverityTarget.objects.get(policy__service_level="gold", priority="P1")
    target.resolution_minutes = 100
    target.save()  # as the admin does
    assert resolution_minutes(make_case(contact=contact, by=call_taker, priority="P1")) == 100
    EscalationRule.objects.get(
        policy__service_level="gold", priority="P1", after_minutes=120
    ).delete()
    case = make_case(contact=contact, by=call_taker, priority="P1")
    escalations = Deadline.objects.filter(case=case, kind="escalation")
    assert sorted(escalations.values_list("target_minutes", flat=True)) == [30, 60]


def test_another_processes_edit_applies_through_the_version_row(contact, call_taker):
    selectors.level_config("gold")  # warm
    other_process_edits(resolution_minutes=77)
    assert resolution_minutes(make_case(contact=contact, by=call_taker, priority="P1")) == 77


def test_without_the_version_row_nothing_is_cached(contact, call_taker):
    ConfigVersion.objects.all().delete()
    selectors.level_config("gold")
    SeverityTarget.objects.filter(policy__service_level="gold", priority="P1").update(
        resolution_minutes=55
    )
    assert resolution_minutes(make_case(contact=contact, by=call_taker, priority="P1")) == 55
    selectors.config_changed()  # puts the row back
    assert ConfigVersion.objects.get().version == 1
