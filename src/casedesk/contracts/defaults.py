"""The gold and silver service levels as two service products.

Before contracts, an organization's service level (gold/silver, ``sla.SlaPolicy``) alone
decided a CASE's promised times.  Those two levels become the first two products of the
catalogue, with the same callback and first-work-log minutes, counted on the same calendar:
migration ``0004_level_products`` makes them on a desk that already has organizations (the
desk being upgraded), and the demo makes them through the services.  Organizations without a
contract keep their service level's promises (``sla``), which these products repeat.
"""

from __future__ import annotations

from django.apps import apps as global_apps

# (service level, code, name, on-site hours, repair days, replacement hours)
LEVEL_PRODUCTS = (
    ("gold", "GOLD-7X24", "金牌服务 7×24（4 小时上门）", 4, 14, 24),
    ("silver", "SILVER-5X8", "银牌服务 5×8（远程支持）", None, 14, None),
)


def level_product_fields(level: str, apps=global_apps) -> dict:
    """The fields of ``level``'s product: its policy's minutes, its calendar's coverage."""
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    ServiceLevelCalendar = apps.get_model("sla", "ServiceLevelCalendar")
    _level, code, name, onsite, repair, replacement = next(
        row for row in LEVEL_PRODUCTS if row[0] == level
    )
    promised = SlaPolicy.objects.get(service_level=level)
    mapped = ServiceLevelCalendar.objects.select_related("calendar").filter(service_level=level)
    calendar = mapped.first().calendar if mapped.exists() else None
    always = calendar.always_open if calendar is not None else level == "gold"
    coverage = "7x24" if always else "5x8"
    return {
        "code": code,
        "name": name,
        "coverage": coverage,
        # Its own calendar only when the level counts on another than the coverage's own.
        "calendar": calendar if calendar is not None and calendar.code != coverage else None,
        "callback_minutes": promised.callback_minutes,
        "first_worklog_minutes": promised.first_worklog_minutes,
        "onsite_hours": onsite,
        "repair_days": repair,
        "replacement_hours": replacement,
    }
