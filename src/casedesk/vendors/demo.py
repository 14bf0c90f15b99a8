"""Demo data of vendors: Cisco TAC, Huawei TAC and a line provider (中国电信 专线, S1's third
line) with their contacts, before the CASEs are played: the demo's CASEs that go to the
vendor open a Cisco TAC case through ``vendor_case_open`` (``demo/cases.py``), and record the
TAC's answer as its update — some late, as TAC answers are."""

from __future__ import annotations

from casedesk.core import clock

from . import services
from .models import Vendor, VendorCase, VendorUpdate

BEFORE_CASES = True

VENDORS = (
    # code, name, e-mail, support hours, default interval, per severity, contacts
    (
        "CISCO",
        "Cisco TAC",
        "tac@cisco.com",
        "7×24（S1/S2），5×8（S3/S4）",
        72,
        {"S1": 4, "S2": 24, "S3": 72, "S4": 120},
        (
            ("Cisco TAC 热线", "hotline", "400-810-8886", "tac@cisco.com"),
            ("周敏（Cisco 客户经理）", "account", "138-1000-2001", "min.zhou@cisco.example"),
            ("Cisco 升级经理值班", "escalation", "400-810-8887", ""),
        ),
    ),
    (
        "HUAWEI",
        "华为 TAC",
        "support@huawei.com",
        "7×24",
        12,
        {"S1": 2, "S2": 6},
        (
            ("华为技术支持热线", "hotline", "400-822-9999", "support@huawei.com"),
            ("刘洋（华为 TAC 工程师）", "engineer", "139-2000-3002", "liu.yang@huawei.example"),
        ),
    ),
    (
        "CT-LINE",
        "中国电信 专线",
        "10000@chinatelecom.example",
        "7×24 故障申告",
        8,
        {"S1": 2},
        (
            ("中国电信 政企专线 10000 号", "hotline", "10000", ""),
            ("孙涛（电信客户经理）", "account", "189-0100-4003", "sun.tao@ct.example"),
        ),
    ),
)


def load(desk) -> None:
    keeper = desk.staff["supervisor"]
    with clock.frozen(desk.start):
        for code, name, email, hours, every, per, contacts in VENDORS:
            vendor = services.vendor_create(
                code=code,
                name=name,
                email=email,
                support_hours=hours,
                update_hours=every,
                severity_hours=per,
                by=keeper,
            )
            for who, role, phone, mail in contacts:
                services.vendor_contact_add(
                    vendor=vendor, name=who, role=role, phone=phone, email=mail, by=keeper
                )


def summary() -> list[str]:
    late = VendorUpdate.objects.filter(late=True).count()
    return [
        f"{Vendor.objects.count()} vendors, {VendorCase.objects.count()} vendor cases "
        f"({VendorUpdate.objects.count()} updates, {late} late)"
    ]
