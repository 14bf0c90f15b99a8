"""Which skills a CASE calls for, from the words of its platform, version, title and text."""

from __future__ import annotations

import re
from functools import lru_cache

from casedesk.accounts.models import Skill

# The words that call for the usual skill codes when a skill has no keywords of its own.
DEFAULT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "security": (
        "ASA", "Firepower", "FTD", "FPR", "FMC", "ISE", "Meraki MX", "AnyConnect", "VPN",
        "IPSec", "NAT", "802.1X", "防火墙", "安全", "入侵",
    ),
    "switching": (
        "Catalyst", "交换机", "VLAN", "Trunk", "堆叠", "stack", "err-disable", "HSRP",
        "spanning", "STP", "环路", "端口",
    ),
    "routing": (
        "ASR", "ISR", "IOS-XR", "BGP", "OSPF", "EIGRP", "MPLS", "路由", "专线", "广域网",
        "WAN", "QoS", "组播",
    ),
    "wireless": ("WLC", "AP", "无线", "Wi-Fi", "WiFi", "SSID", "漫游", "Aironet"),
    "datacenter": (
        "Nexus", "NX-OS", "UCS", "vPC", "FEX", "Fabric Interconnect", "ACI", "数据中心",
        "服务器", "CIMC",
    ),
    "voice": ("CUCM", "语音", "IP 电话", "话机", "E1", "SIP", "Unity", "呼叫"),
}  # fmt: skip

_SPLIT = re.compile(r"[,，、;；\n]+")


def keywords_of(skill_code: str, keywords: str) -> tuple[str, ...]:
    words = tuple(w.strip() for w in _SPLIT.split(keywords or "") if w.strip())
    return words or DEFAULT_KEYWORDS.get(skill_code, ())


@lru_cache(maxsize=512)
def _pattern(word: str) -> re.Pattern[str]:
    """ASCII words match whole ("AP" is not in "APAC"); Chinese words anywhere."""
    escaped = re.escape(word.lower()).replace(r"\ ", r"\s*")
    if word.isascii():
        return re.compile(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])")
    return re.compile(escaped)


def case_text(case) -> str:
    parts = (case.hardware_platform, case.software_version, case.title, case.description)
    return " ".join(p for p in parts if p).lower()


def skills_called_for(case, skills: list[tuple[str, str]] | None = None) -> dict[str, str]:
    """``{skill code: the word that called for it}`` for ``case``.

    ``skills``: ``(code, keywords)`` of every skill, when the caller has read them.
    """
    if skills is None:
        skills = list(Skill.objects.values_list("code", "keywords"))
    text = case_text(case)
    found: dict[str, str] = {}
    for code, keywords in skills:
        for word in keywords_of(code, keywords):
            if _pattern(word).search(text):
                found[code] = word
                break
    return found
