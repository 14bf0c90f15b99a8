"""Demo data of partners: a regional subcontractor in 广州 with two partner engineers (login
``gz.li`` / ``gz.chen``, password ``demo``), its targets back-to-back with the desk's, two
subcontracting rules, and a few of 招商银行's live CASEs of the last days subcontracted to
it by the desk — accepted (one of them late), worked and some resolved by its engineers.

It runs after the CASEs are played, so its rules (which act on new CASEs) leave the demo's
CASEs as they always were."""

from __future__ import annotations

import datetime as dt
import random

from casedesk.accounts import services as people
from casedesk.accounts.models import Organization
from casedesk.cases import services as cases
from casedesk.cases.choices import Status
from casedesk.cases.models import Case
from casedesk.core import clock

from . import services
from .models import Partner, Subcontract

CODE, NAME, EMAIL = "GZWL", "广州网联技术服务有限公司", "service@gzwl.example"
ENGINEERS = (("gz.li", "李", "伟"), ("gz.chen", "陈", "志强"))
# priority → (minutes to accept, minutes to resolve): tighter than the desk's own
TARGETS = {"P1": (10, 180), "P2": (15, 360), "P3": (30, 960), "P4": (30, 1440)}
CUSTOMER = "CMB"
HOW_MANY = 4
WORK = (
    ("remote", 25, "远程登录设备，收集 show tech 与日志，确认故障端口。"),
    ("onsite", 90, "到达客户机房，更换故障光模块，端口恢复正常，观察三十分钟无告警。"),
)
SOLUTION = "光模块老化导致端口闪断，已现场更换并验证，业务恢复正常。"


def load(desk) -> None:
    """``desk``: the demo's desk (its ``now``, ``seed``, ``staff``)."""
    rng = random.Random(f"{desk.seed}:partners")
    keeper, duty = desk.staff["supervisor"], desk.staff["duty"]
    with clock.frozen(desk.start):
        partner = services.partner_create(code=CODE, name=NAME, email=EMAIL, by=keeper)
        for priority, (accept, resolve) in TARGETS.items():
            services.partner_set_target(
                partner=partner,
                priority=priority,
                response_minutes=accept,
                resolution_minutes=resolve,
                by=keeper,
            )
        services.rule_create(partner=partner, region="广州", position=10, by=keeper)
        customer = Organization.objects.filter(code=CUSTOMER).first()
        if customer is not None:
            services.rule_create(
                partner=partner, customer=customer, product="AIR-", position=20, by=keeper
            )
        engineers = [
            people.user_create(
                username=username,
                role="partner",
                organization=partner.organization,
                email=f"{username}@gzwl.example",
                last_name=family,
                first_name=given,
                password="demo",
            )
            for username, family, given in ENGINEERS
        ]
    live = list(
        Case.objects.filter(
            organization__code=CUSTOMER,
            status__in=(Status.OPEN, Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING),
        ).order_by("-created_at", "-id")[:HOW_MANY]
    )
    for index, case in enumerate(live):
        _serve(desk, rng, case, partner, duty, engineers[index % 2], index)


def _serve(desk, rng, case, partner, duty, engineer, index: int) -> None:
    """Subcontract ``case`` a while after its last change, then work it as far as the time
    left before the demo's ``now`` allows."""
    at = max(case.updated_at, desk.now - dt.timedelta(days=2)) + dt.timedelta(minutes=10)
    if at > desk.now - dt.timedelta(minutes=30):
        return
    with clock.frozen(at):
        services.subcontract_open(
            case=case, partner=partner, reason="广州本地合作伙伴上门更快", by=duty
        )
    late = index == 1  # one accepted after its due time, to show a breach
    minutes = 40 if late else rng.randint(4, 12)
    at += dt.timedelta(minutes=minutes)
    if at > desk.now or index == 0:  # the newest waits for the partner
        return
    with clock.frozen(at):
        case = cases.case_accept(case=Case.objects.get(pk=case.pk), by=engineer)
    for kind, spent, note in WORK:
        at += dt.timedelta(minutes=spent + rng.randint(10, 60))
        if at > desk.now:
            return
        with clock.frozen(at):
            cases.case_log_work(case=case, kind=kind, note=note, minutes=spent, by=engineer)
    at += dt.timedelta(minutes=rng.randint(10, 30))
    if index in (1, 2) and at <= desk.now:
        with clock.frozen(at):
            cases.case_resolve(case=case, solution=SOLUTION, by=engineer)


def summary() -> list[str]:
    return [
        f"{Partner.objects.count()} partner, "
        f"{Subcontract.objects.filter(withdrawn_at__isnull=True).count()} subcontracted CASEs"
    ]
