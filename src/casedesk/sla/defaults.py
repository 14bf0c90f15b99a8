"""SPEC §3's defaults: the calendars, the policies of gold and silver, the matrix.

Seeded by migrations and restored by ``casedesk seed`` (which adds only what is missing,
so an administrator's edits are never overwritten).
"""

import datetime as dt

from django.apps import apps as global_apps

from casedesk.core import audit
from casedesk.core.operations import operation
from casedesk.core.services import snapshot

from .selectors import config_changed

# (priority, minutes from creation, who hears).  The matrix's 客户服务工程师 (customer
# service engineer) is the desk's duty engineer on shift; every cell is editable.
MATRIX = [
    ("P1", 30, "duty_engineer"),
    ("P1", 60, "supervisor"),
    ("P1", 120, "general_manager"),
    ("P2", 60, "duty_engineer"),
    ("P2", 120, "supervisor"),
    ("P2", 240, "general_manager"),
    ("P3", 120, "duty_engineer"),
    ("P3", 240, "supervisor"),
    ("P3", 480, "general_manager"),
]
# (priority, vendor escalation reminder, resolution target) in business minutes.
TARGETS = [("P1", 60, 240), ("P2", 240, 480), ("P3", 480, 1440), ("P4", None, 4320)]


def ensure_calendars(apps=global_apps) -> list:
    """Make the missing default calendars; the rows it made."""
    ServiceCalendar = apps.get_model("sla", "ServiceCalendar")
    WorkingPeriod = apps.get_model("sla", "WorkingPeriod")
    ServiceLevelCalendar = apps.get_model("sla", "ServiceLevelCalendar")
    made: list = []
    always, created = ServiceCalendar.objects.get_or_create(
        code="7x24",
        defaults={"name": "7×24 全天候", "always_open": True, "chinese_holidays": False},
    )
    made += [always] if created else []
    office, created = ServiceCalendar.objects.get_or_create(
        code="5x8",
        defaults={
            "name": "5×8 工作日 09:00–18:00",
            "always_open": False,
            "chinese_holidays": True,
            "adjusted_day_hours_from": 0,
        },
    )
    if created:
        made.append(office)
        made += WorkingPeriod.objects.bulk_create(
            WorkingPeriod(calendar=office, weekday=day, start=dt.time(9), end=dt.time(18))
            for day in range(5)
        )
    for level, calendar in (("gold", always), ("silver", office)):
        row, created = ServiceLevelCalendar.objects.get_or_create(
            service_level=level, defaults={"calendar": calendar}
        )
        made += [row] if created else []
    return made


def ensure_policies(apps=global_apps) -> list:
    """Make the missing default policies with their targets and matrix; the rows it made."""
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SeverityTarget = apps.get_model("sla", "SeverityTarget")
    EscalationRule = apps.get_model("sla", "EscalationRule")
    made: list = []
    for level in ("gold", "silver"):
        policy, created = SlaPolicy.objects.get_or_create(service_level=level)
        if not created:
            continue
        made.append(policy)
        made += SeverityTarget.objects.bulk_create(
            SeverityTarget(
                policy=policy, priority=p, vendor_escalation_minutes=v, resolution_minutes=r
            )
            for p, v, r in TARGETS
        )
        made += EscalationRule.objects.bulk_create(
            EscalationRule(policy=policy, priority=p, after_minutes=m, recipient=who)
            for p, m, who in MATRIX
        )
    return made


@operation
def ensure_all() -> None:
    """``casedesk seed``: restore what is missing, each row made with its audit record."""
    made = ensure_calendars() + ensure_policies()
    audit.record_all(
        [
            audit.build(
                action=f"{row._meta.model_name}.create",
                obj=row,
                data={"after": snapshot(row)},
                reason="casedesk seed",
            )
            for row in made
        ]
    )
    config_changed()  # bulk_create sends no signals
