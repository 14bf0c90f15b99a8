"""Test data of partners, made through ``partners.services``."""

from __future__ import annotations

from casedesk.partners import services
from tests.factories import make_user


def make_partner(
    *,
    code="GZNET",
    name="广州网联技术服务有限公司",
    email="desk@gznet.example",
    by=None,
    targets=True,
):
    by = by or make_user("supervisor")
    partner = services.partner_create(code=code, name=name, email=email, by=by)
    if targets:
        for priority, response, resolution in (
            ("P1", 10, 120),
            ("P2", 15, 240),
            ("P3", 30, 480),
            ("P4", 30, 960),
        ):
            services.partner_set_target(
                partner=partner,
                priority=priority,
                response_minutes=response,
                resolution_minutes=resolution,
                by=by,
            )
    return partner


def make_partner_engineer(partner, username=None):
    return make_user("partner", username=username, org=partner.organization)
