"""Demo data of spare parts: a central warehouse, two regional depots, two engineers' vans,
two vendor repair centres, the customers' sites and quarantine; fifteen parts received,
spread to the depots and vans, some shipped and some lost, so that a few are below their
safety stock (the stock page's reorder list, and one mail each to the CS managers).  The vans
are their engineers' and the depots serve some customers each (what "nearest" means for a
CASE's replacement)."""

from __future__ import annotations

import datetime as dt
import random

from casedesk.accounts.models import Organization, User
from casedesk.cases.choices import Status
from casedesk.cases.models import Case
from casedesk.core import clock

from . import selectors, services
from .models import Location, Part, Rma, StockMove

LOCATIONS = (
    ("WH-BJ", "北京中心仓", "central"),
    ("DP-SH", "上海备件库", "depot"),
    ("DP-GZ", "广州备件库", "depot"),
    ("VAN-ZHAO", "赵刚的工程车", "van"),
    ("VAN-LI", "李工的工程车", "van"),
    ("VD-CISCO", "思科维修中心（苏州）", "vendor"),
    ("VD-HW", "华为维修中心（东莞）", "vendor"),
    ("CUSTOMER", "客户现场", "customer"),
    ("QT-BJ", "北京隔离区（坏件）", "quarantine"),
)
KEEPERS = {"VAN-ZHAO": "se.zhao", "VAN-LI": "eng.li"}  # whose van it is
SERVES = {"DP-SH": ("CMB", "NWT", "PJWL"), "DP-GZ": ("RHYY",)}  # the customers a depot serves
# part number, description, vendor, safety stock, serial tracked, received at the central
PARTS = (
    ("PWR-C1-715WAC", "C9300 715W 交流电源", "Cisco", 4, True, 8),
    ("C9300-NM-8X", "C9300 8×10G 上行模块", "Cisco", 2, True, 3),
    ("SFP-10G-SR", "10G 多模光模块 SR", "Cisco", 20, False, 60),
    ("SFP-10G-LR", "10G 单模光模块 LR", "Cisco", 10, False, 12),
    ("QSFP-40G-SR4", "40G 多模光模块 SR4", "Cisco", 6, False, 4),
    ("NXA-FAN-30CFM-F", "N9K 风扇模块", "Cisco", 4, False, 9),
    ("NXA-PAC-650W-PE", "N9K 650W 电源", "Cisco", 4, True, 5),
    ("ASR1001X-FAN", "ASR1001-X 风扇托盘", "Cisco", 2, False, 4),
    ("FPR2K-SSD200", "FPR2100 200G 固态硬盘", "Cisco", 2, True, 2),
    ("CE-FAN-SMALL", "CE6881 风扇盒", "华为", 4, False, 5),
    ("PAC600S12-CB", "CE6881 600W 交流电源", "华为", 4, True, 6),
    ("OMXD30000", "华为 10G 光模块 SFP+", "华为", 20, False, 40),
    ("CAB-CON-USB", "USB 配置线", "Cisco", 10, False, 30),
    ("HDD-1.2T-SAS", "1.2T SAS 硬盘", "华为", 6, True, 3),
    ("MEM-16G-DDR4", "16G DDR4 内存", "华为", 4, False, 6),
)


def _serials(rng: random.Random, prefix: str, n: int) -> list[str]:
    return [
        prefix + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(8))
        for _ in range(n)
    ]


def load(desk) -> None:
    """``desk``: the demo's desk (its ``now``, ``start``, ``seed``, ``staff``)."""
    rng = random.Random(f"{desk.seed}:parts")
    keeper = desk.staff["csm"]
    span = (desk.now - desk.start).total_seconds()

    def at(share: float) -> dt.datetime:
        return desk.start + dt.timedelta(seconds=int(span * share))

    with clock.frozen(at(0)):
        where = {
            code: services.location_create(
                code=code,
                name=name,
                kind=kind,
                keeper=User.objects.filter(username=KEEPERS.get(code, "")).first(),
                serves=Organization.objects.filter(code__in=SERVES.get(code, ())),
                by=keeper,
            )
            for code, name, kind in LOCATIONS
        }
    central, out = where["WH-BJ"], ("DP-SH", "DP-GZ", "VAN-ZHAO", "VAN-LI")
    for i, (number, description, vendor, safety, tracked, received) in enumerate(PARTS):
        with clock.frozen(at(0.01 + i * 0.001)):
            part = services.part_create(
                part_number=number,
                description=description,
                vendor=vendor,
                safety_stock=safety,
                serial_tracked=tracked,
                by=keeper,
            )
            serials = _serials(rng, number[:3], received) if tracked else []
            services.stock_move(
                part=part,
                kind="receipt",
                quantity=received,
                to_location=central,
                serial_numbers=serials,
                reason=f"PO-{2026_0100 + i}",
                by=keeper,
            )
        held = list(serials)
        on_hand = received
        for step in range(rng.randint(1, 4)):
            n = rng.randint(1, max(1, on_hand // 3))
            if on_hand - n < 1:
                break
            kind = rng.choice(("transfer", "transfer", "shipment", "loss"))
            moving, held = held[:n], held[n:]
            sides = {"from_location": central}
            if kind == "transfer":
                sides["to_location"] = where[rng.choice(out)]
            elif kind == "shipment":
                sides["to_location"] = where["CUSTOMER"]
            with clock.frozen(at(0.1 + 0.2 * step + rng.random() * 0.1)):
                services.stock_move(
                    part=part,
                    kind=kind,
                    quantity=n,
                    serial_numbers=moving,
                    reason={"transfer": "补充备件", "shipment": "更换发货", "loss": "盘点丢失"}[
                        kind
                    ],
                    by=keeper,
                    **sides,
                )
            on_hand -= n  # what is left at the central warehouse
    _rmas(desk)


def _rmas(desk) -> None:
    """RMAs on CASEs in progress: an advance replacement from the nearest location holding
    one, its courier number entered, whose defective part is still due back; one already
    sent to the vendor for repair; one asked of a depot that has none, still backordered;
    one backordered at a van and shipped when the next purchase order arrived."""
    cases = list(
        Case.objects.filter(status=Status.IN_PROGRESS, engineer__isnull=False).order_by("number")[
            :4
        ]
    )
    where = {loc.code: loc for loc in Location.objects.all()}
    plans = (
        ("C9300-NM-8X", None, True),
        ("PAC600S12-CB", "WH-BJ", False),
        ("QSFP-40G-SR4", "DP-GZ", False),
        ("SFP-10G-LR", "VAN-LI", False),
    )
    for i, (case, (number, source, advance)) in enumerate(zip(cases, plans, strict=False)):
        moment = max(case.created_at, desk.now - dt.timedelta(days=4 - i)) + dt.timedelta(hours=1)
        moment = min(moment, desk.now)
        part = Part.objects.get(part_number=number)
        if i >= 2 and selectors.balance(part=part, location=where[source], condition="good"):
            # meant to wait, but the demo's own moves stocked it there: ask where there is none
            source = next(
                code
                for code in ("DP-GZ", "DP-SH", "VAN-LI", "VAN-ZHAO")
                if not selectors.balance(part=part, location=where[code], condition="good")
            )
        with clock.frozen(moment):
            rma = services.rma_request(
                case=case,
                part=part,
                from_location=where[source] if source else None,
                advance=advance,
                by=case.engineer,
            )
        later = min(moment + dt.timedelta(hours=2), desk.now)
        if i == 0 and rma.status == "shipped":
            with clock.frozen(later):
                services.rma_set_shipping(
                    rma=rma,
                    courier="顺丰速运",
                    tracking_number=f"SF14{rma.number[1:]}7781",
                    by=case.engineer,
                )
        if i == 1 and rma.status == "shipped":
            with clock.frozen(later):
                rma = services.rma_defective_received(
                    rma=rma,
                    location=where["QT-BJ"],
                    serial_number=f"DEF{rma.number}",
                    by=case.engineer,
                )
                services.rma_repair(rma=rma, vendor=where["VD-HW"], by=case.engineer)
        if i == 3 and rma.status == "backordered":  # the next purchase order fills it
            with clock.frozen(min(moment + dt.timedelta(hours=20), desk.now)):
                services.stock_move(
                    part=part,
                    kind="receipt",
                    quantity=2,
                    to_location=where["WH-BJ"],
                    reason="PO-20260301",
                    by=desk.staff["csm"],
                )


def summary() -> list[str]:
    below = sum(1 for p in Part.objects.all() if p.below_safety_alerted)
    return [
        f"{Part.objects.count()} spare parts, {StockMove.objects.count()} stock moves, "
        f"{below} below safety stock, {Rma.objects.count()} RMAs"
    ]
