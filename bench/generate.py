"""Fill a database with realistic CASEs for benchmarks (not a test, not the demo).

    .venv/bin/python bench/generate.py --database-url postgres://postgres@127.0.0.1:5432/casedesk_bench
    .venv/bin/python bench/generate.py --cases 100000 --years 2 --seed 7 --reset

What it writes, spread over the last ``--years`` years (weekday office hours weighted):
a few hundred customer organizations (gold/silver) with their contacts, ~50 engineers plus
duty engineers, call takers and managers, one customer login per organization for the
first few, and ``--cases`` CASEs.  About 92 % are closed; the rest are open, assigned, in
progress, pending or resolved, skewed towards recent months but with an old backlog, owned
mostly by a few busy engineers (as on a real desk).  Titles and descriptions mix Chinese
and English; hardware platforms, versions and serial numbers look like Cisco kit.  Every
CASE has its ``opened`` event and the events and work logs its status implies (assigned,
call back, remote/on-site work, pend/resume, escalation, resolved, confirmed, closed), with
the same ``data`` shapes the operation layer writes.  CASE numbers are ``CYYMMNNN`` per
local month in creation order (a busy month runs past 999: ``C24031000``), and each
month's ``CaseNumberSequence`` row holds its last serial, so the API continues the series.

It writes rows directly (COPY on PostgreSQL, ``bulk_create`` elsewhere), not through the
operation layer: it is a data generator.  It finishes with ANALYZE.  It refuses to write
into a database that already has CASEs unless ``--reset`` (which empties the CASE tables)
or ``--if-empty`` (which then does nothing).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import math
import os
import random
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

# --- vocabulary --------------------------------------------------------------------------

CITIES = [
    ("北京", "BJ"), ("上海", "SH"), ("广州", "GZ"), ("深圳", "SZ"), ("杭州", "HZ"),
    ("南京", "NJ"), ("成都", "CD"), ("武汉", "WH"), ("西安", "XA"), ("天津", "TJ"),
    ("重庆", "CQ"), ("苏州", "SU"), ("长沙", "CS"), ("郑州", "ZZ"), ("沈阳", "SY"),
    ("青岛", "QD"), ("大连", "DL"), ("厦门", "XM"), ("济南", "JN"), ("合肥", "HF"),
]  # fmt: skip
COMPANIES = [
    ("中国电信", "{city}分公司", "CT"), ("中国移动", "{city}分公司", "CM"),
    ("中国联通", "{city}分公司", "CU"), ("招商银行", "{city}分行", "CMB"),
    ("工商银行", "{city}分行", "ICBC"), ("建设银行", "{city}分行", "CCB"),
    ("平安保险", "{city}中心", "PA"), ("国家电网", "{city}供电公司", "SG"),
    ("{city}市人民医院", "", "HOSP"), ("{city}大学", "信息中心", "UNIV"),
    ("{city}地铁", "运营公司", "METRO"), ("海关总署", "{city}海关", "CUS"),
    ("华润万家", "{city}区域", "CRV"), ("顺丰速运", "{city}枢纽", "SF"),
    ("{city}市政府", "电子政务办", "GOV"), ("中石化", "{city}石油", "SPC"),
    ("京东物流", "{city}仓", "JDL"), ("Siemens China", "{city} Office", "SIE"),
    ("Bosch", "{city} Plant", "BOSCH"), ("HSBC China", "{city} Branch", "HSBC"),
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕鹏辉建国志文斌宇浩凯健俊帆帅旭宁飞鑫波亮晨婷倩颖琳雪慧佳欣怡悦"
PINYIN = [
    "li", "wang", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
    "ma", "zhu", "hu", "guo", "he", "gao", "lin", "luo", "zheng", "liang", "xie", "song",
    "tang", "han", "feng", "deng", "cao", "peng", "zeng", "xiao", "tian", "dong", "yuan",
    "pan", "yu", "jiang", "cai", "du", "ye", "cheng", "su", "wei", "lv", "ding", "ren",
    "shen", "yao", "lu",
]  # fmt: skip
PLATFORMS = [
    ("Catalyst 9300", ["IOS-XE 17.3.4", "IOS-XE 17.6.5", "IOS-XE 17.9.4a"]),
    ("Catalyst 9500", ["IOS-XE 17.6.3", "IOS-XE 17.9.3"]),
    ("Catalyst 3850", ["IOS-XE 16.9.5", "IOS-XE 16.12.8"]),
    ("Nexus 9336C-FX2", ["NX-OS 9.3(9)", "NX-OS 10.2(5)M"]),
    ("Nexus 7706", ["NX-OS 8.4(4)"]),
    ("ASR 1002-HX", ["IOS-XE 17.3.6", "IOS-XE 16.12.5"]),
    ("ASR 9006", ["IOS-XR 7.3.2", "IOS-XR 6.7.3"]),
    ("ISR 4451", ["IOS-XE 17.6.4", "IOS-XE 16.9.8"]),
    ("ASA 5525-X", ["ASA 9.8(4)", "ASA 9.12(4)"]),
    ("Firepower 2130", ["FTD 7.0.4", "FTD 7.2.5"]),
    ("WLC 9800-40", ["IOS-XE 17.9.4", "IOS-XE 17.6.5"]),
    ("UCS C240 M5", ["CIMC 4.1(3f)"]),
    ("ISE 3615", ["ISE 3.1 Patch 6", "ISE 3.2 Patch 3"]),
    ("Meraki MX250", ["MX 18.107"]),
]  # fmt: skip
SERIAL_PREFIXES = ["FOC", "FDO", "FCW", "JAE", "SAL", "FXS", "FJC", "TTM"]
SYMPTOMS = [
    "核心交换机端口频繁 flapping", "VPN 隧道中断", "OSPF 邻居反复重建", "BGP session down",
    "设备重启后无法启动", "电源模块告警", "风扇故障告警", "CPU 利用率持续 100%",
    "内存泄漏导致设备卡顿", "无线 AP 大量掉线", "802.1X 认证失败", "防火墙策略不生效",
    "HSRP 主备切换异常", "光模块收光功率过低", "堆叠成员掉出堆叠", "NAT 地址池耗尽",
    "SNMP 监控不到设备", "License 过期告警", "升级 IOS 后配置丢失", "组播业务中断",
    "interface CRC errors increasing", "high latency between sites", "packet loss on uplink",
    "config backup fails", "request for configuration review", "RMA request for failed PSU",
    "supervisor engine switchover", "SSL VPN users cannot log in", "DHCP snooping drops",
    "咨询：如何配置 QoS 保证语音质量", "咨询：软件版本升级建议", "巡检发现日志异常",
]  # fmt: skip
PLACES = [
    "机房 A 区", "二楼弱电间", "数据中心 3 号楼", "营业厅", "分支机构", "DMZ 区域",
    "核心层", "汇聚层", "接入层", "灾备中心", "总部 IDC", "branch office",
]  # fmt: skip
DETAILS = [
    "客户反映从 {t} 开始业务缓慢，影响约 {n} 个用户。",
    "日志中出现 %{msg}，重启后问题依旧。",
    "Customer reports the issue started at {t} after a maintenance window; about {n} users affected.",
    "已收集 show tech-support，等待工程师分析。",
    "设备序列号 {sn}，在保修期内，客户要求尽快处理。",
    "Syslog shows %{msg} every few minutes; no recent change on the device.",
    "客户已尝试 shut/no shut 端口，无效。",
    "现场有备件，可以安排上门更换。",
    "The customer needs a root cause report for their management.",
    "联系人上午 9 点到下午 6 点在现场，其余时间请打手机。",
]  # fmt: skip
LOG_MESSAGES = [
    "LINK-3-UPDOWN", "OSPF-5-ADJCHG", "BGP-5-ADJCHANGE", "PLATFORM-2-PS_FAIL",
    "SYS-2-MALLOCFAIL", "ASA-4-113019", "CAPWAP-3-ERRORLOG", "STACKMGR-4-SWITCH_REMOVED",
]  # fmt: skip
WORK_NOTES = {
    "callback": ["已回呼客户，确认故障现象。", "Called the customer back; collected logs."],
    "phone": ["电话指导客户收集 show tech。", "Phone session: walked through the config."],
    "remote": ["远程登录设备检查配置和日志。", "Remote session: checked interfaces and routing."],
    "onsite": ["上门更换故障模块，业务恢复。", "On site: reseated the module and tested."],
    "rma": ["已提交 RMA，备件预计明天到货。", "RMA opened with the vendor for the failed part."],
    "note": ["等待客户安排维护窗口。", "Waiting for the customer's change window."],
}  # fmt: skip
# What engineers add to a work log's note after its opening sentence (zero to two of them).
NOTE_DETAILS = [
    "show interface 显示 CRC 错误持续增加，怀疑光模块或跳线问题。",
    "日志中 %{msg} 每隔几分钟出现一次。", "已收集 show tech-support 并上传。",
    "与客户确认{place}业务已恢复，继续观察。", "客户要求提供故障分析报告。",
    "建议客户更换光模块并清洁光纤接头。", "端口故障已定位为对端设备问题。",
    "核对防火墙策略与 NAT 配置，发现 ACL 顺序错误。", "等待厂商 TAC 回复分析结果。",
    "Checked the {msg} messages; they stop after the module was reseated.",
    "Customer confirmed traffic is back to normal at {place}.",
    "Collected show logging and show platform output for the vendor.",
    "Suspect a faulty SFP; a spare is on its way.", "Upgrade plan agreed for the next window.",
    "OSPF 邻居在 {t} 后恢复稳定。", "CPU 利用率回落到 20% 以下。",
    "与运营商联系，确认线路割接导致中断。", "已通知值班经理并升级处理。",
]  # fmt: skip
# Work logs beyond the callback: ~5 work logs a CASE in all (500,000 at 100,000 CASEs).
WORK_STEPS = (2, 3, 3, 4, 4, 5, 6, 7)
INTERNAL_SHARE = 0.1  # internal notes, hidden from the customer

SOLUTIONS = [
    "更换光模块后端口恢复正常。", "升级软件版本至推荐版本，问题解决。", "调整 OSPF 定时器配置。",
    "Replaced the failed power supply (RMA).", "Corrected the NAT configuration.",
    "修改 ACL 后业务恢复。", "Applied the vendor's workaround from the bug notes.",
    "客户侧线路问题，运营商已修复。", "提供配置建议，客户已实施。",
]  # fmt: skip

STATUS_SHARES = {  # of all CASEs; the rest are closed
    "open": 0.020,
    "assigned": 0.010,
    "in_progress": 0.025,
    "pending": 0.010,
    "resolved": 0.015,
}
PRIORITY_WEIGHTS = {"P1": 3, "P2": 15, "P3": 52, "P4": 30}
CHANNEL_WEIGHTS = {"phone": 45, "email": 25, "web": 20, "api": 8, "fax": 2}


# --- time ----------------------------------------------------------------------------------


def _office_weight(local: dt.datetime) -> float:
    """How likely a CASE is opened at this local time (7×24 desk, busy in office hours)."""
    weekend = local.weekday() >= 5
    h = local.hour
    w = 1.0 if 9 <= h < 18 else 0.45 if 7 <= h < 22 else 0.12
    return w * (0.35 if weekend else 1.0)


def creation_times(rng: random.Random, n: int, start: dt.datetime, end: dt.datetime, zone):
    span = (end - start).total_seconds()
    out: list[dt.datetime] = []
    while len(out) < n:
        at = start + dt.timedelta(seconds=rng.random() * span)
        if rng.random() < _office_weight(at.astimezone(zone)):
            out.append(at.replace(microsecond=rng.randrange(1_000_000)))
    out.sort()
    return out


# --- rows ----------------------------------------------------------------------------------


@dataclass
class Rows:
    """Rows to write, per model, as dicts of attname → value (ids chosen here)."""

    by_model: dict[Any, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    next_id: dict[Any, int] = field(default_factory=dict)

    def add(self, model, **row) -> int:
        pk = self.next_id.get(model, 1)
        self.next_id[model] = pk + 1
        row["id"] = pk
        self.by_model[model].append(row)
        return pk


def _zh_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _serial(rng: random.Random) -> str:
    return (
        rng.choice(SERIAL_PREFIXES)
        + f"{rng.randrange(1800, 2700)}"
        + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(4))
    )


def _title_and_description(rng: random.Random, platform: str, sn: str, at_local: dt.datetime):
    symptom = rng.choice(SYMPTOMS)
    place = rng.choice(PLACES)
    title = f"{place} {platform} {symptom}"[:200]
    parts = [f"{platform} {symptom}。"]
    for template in rng.sample(DETAILS, rng.randint(1, 4)):
        parts.append(
            template.format(
                t=at_local.strftime("%H:%M"),
                n=rng.choice((3, 20, 50, 200, 1500)),
                msg=rng.choice(LOG_MESSAGES),
                sn=sn,
            )
        )
    return title, "\n".join(parts)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _jsonable_at(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the generator ---------------------------------------------------------------------------


def generate(*, cases: int, years: float, seed: int, orgs: int, engineers: int, out=print) -> None:
    from django.apps import apps
    from django.db import connection

    from casedesk.accounts import services as people
    from casedesk.accounts.models import Contact, Organization, User
    from casedesk.cases.models import Case, CaseEvent, CaseNumberSequence, WorkLog
    from casedesk.cases.numbering import format_number, period_of
    from casedesk.core import clock

    rng = random.Random(seed)
    zone = clock.desk_zone()
    now = clock.now().replace(microsecond=0)
    end = now - dt.timedelta(minutes=5)
    start = end - dt.timedelta(days=365.25 * years)
    t0 = time.monotonic()

    # People: through the accounts service (a few dozen users; it sets up staff profiles).
    staff: dict[str, list[User]] = defaultdict(list)
    for i in range(1, engineers + 1):
        family = PINYIN[(i - 1) % len(PINYIN)]
        staff["engineer"].append(
            people.user_create(
                username=f"eng.{family}{'' if i <= len(PINYIN) else i}",
                role="engineer",
                tier="senior" if i % 3 == 0 else "first_line",
                email=f"eng{i}@desk.example",
                first_name=_zh_name(rng),
            )
        )
    for role, n in (
        ("duty_engineer", 4),
        ("call_taker", 6),
        ("cs_manager", 2),
        ("supervisor", 2),
        ("general_manager", 1),
    ):
        for i in range(1, n + 1):
            staff[role].append(
                people.user_create(
                    username=f"{role.replace('_', '')}{i}",
                    role=role,
                    email=f"{role}{i}@desk.example",
                )
            )

    rows = Rows()
    org_rows: list[dict] = []
    codes: set[str] = set()
    for i in range(orgs):
        company, branch, short = COMPANIES[i % len(COMPANIES)]
        city, city_code = CITIES[(i // len(COMPANIES)) % len(CITIES)]
        code = f"{short}-{city_code}"
        if code in codes:
            code = f"{code}-{i}"
        codes.add(code)
        name = (company + branch).format(city=city)
        rows.add(
            Organization,
            code=code,
            name=name,
            service_level="gold" if rng.random() < 0.4 else "silver",
            phone=f"0{rng.randrange(10, 999)}-{rng.randrange(10_000_000, 99_999_999)}",
            address=f"{city}市{rng.choice(('朝阳区', '海淀区', '浦东新区', '天河区', '南山区', '高新区'))}"
            f"{rng.randrange(1, 999)}号",
            is_active=True,
            created_at=start - dt.timedelta(days=rng.randrange(1, 900)),
        )
        org_rows.append(rows.by_model[Organization][-1])
    contacts_of: dict[int, list[dict]] = defaultdict(list)
    for org in org_rows:
        for _ in range(rng.choice((1, 2, 3, 3, 4, 6))):
            name = _zh_name(rng)
            rows.add(
                Contact,
                organization_id=org["id"],
                name=name,
                phone=f"1{rng.choice('35789')}{rng.randrange(100_000_000, 999_999_999)}",
                email=f"{rng.choice(PINYIN)}.{rng.randrange(1, 999)}@{org['code'].lower()}.example.cn",
                address=org["address"],
                created_at=org["created_at"],
            )
            contacts_of[org["id"]].append(rows.by_model[Contact][-1])
    # Big customers open most CASEs.
    org_weights = [1.0 / (1 + i) ** 0.8 for i in range(len(org_rows))]
    # A few engineers carry much of the load.
    eng_users = staff["engineer"]
    eng_weights = [1.0 / (1 + i) ** 0.7 for i in range(len(eng_users))]
    dispatchers = staff["call_taker"] + staff["duty_engineer"]
    duty = staff["duty_engineer"]

    times = creation_times(rng, cases, start, end, zone)

    # Which CASEs are still live: skewed to recent, with an old backlog.
    ages = [(end - at).total_seconds() / 86400 for at in times]
    live_weights = [math.exp(-a / 60) + 0.02 for a in ages]
    status_of = ["closed"] * cases
    remaining = list(range(cases))
    for status, share in STATUS_SHARES.items():
        k = round(share * cases)
        chosen: set[int] = set()
        cum = list(_accumulate(live_weights[i] for i in remaining))
        total = cum[-1] if cum else 0
        while len(chosen) < min(k, len(remaining)):
            chosen.add(remaining[bisect.bisect(cum, rng.random() * total)])
        for i in chosen:
            status_of[i] = status
        remaining = [i for i in remaining if i not in chosen]
    out(f"  people and customers ready ({time.monotonic() - t0:.1f} s); building CASEs")

    sla = _SlaRows.load()
    serial_by_period: Counter[str] = Counter()
    helpers_rows: list[dict] = []
    for idx, created in enumerate(times):
        status = status_of[idx]
        org = rng.choices(org_rows, weights=org_weights)[0]
        contact = rng.choice(contacts_of[org["id"]])
        platform, versions = rng.choice(PLATFORMS)
        sn = _serial(rng)
        local = created.astimezone(zone)
        title, description = _title_and_description(rng, platform, sn, local)
        priority = _weighted(rng, PRIORITY_WEIGHTS)
        channel = _weighted(rng, CHANNEL_WEIGHTS)
        period = period_of(created)
        serial_by_period[period] += 1
        number = format_number(period, serial_by_period[period])
        opener = rng.choice(dispatchers) if channel != "api" else None
        engineer = rng.choices(eng_users, weights=eng_weights)[0] if status != "open" else None
        # The CASE's timeline (each step after the previous, never after now).
        speed = {"P1": 0.1, "P2": 0.3, "P3": 1.0, "P4": 2.0}[priority]
        limit = end

        def later(at: dt.datetime, minutes: float, limit=limit, speed=speed) -> dt.datetime:
            step = dt.timedelta(minutes=rng.expovariate(1 / (minutes * speed)) + 1)
            return min(at + step, limit)

        assigned_at = accepted_at = resolved_at = confirmed_at = closed_at = None
        if engineer is not None:
            assigned_at = later(created, 20)
            if status != "assigned":
                accepted_at = later(assigned_at, 30)
            if status in ("resolved", "closed"):
                resolved_at = later(accepted_at, 60 * 24)
            if status == "closed":
                confirmed_at = later(resolved_at, 60 * 12)
                closed_at = later(confirmed_at, 60 * 4)
        escalation = 0
        if engineer is not None and status != "assigned":
            r = rng.random()
            escalation = 2 if r < 0.03 else 1 if r < 0.08 else 0
        updated = max(t for t in (created, assigned_at, accepted_at, resolved_at, closed_at) if t)
        case_id = rows.add(
            Case,
            number=number,
            organization_id=org["id"],
            contact_id=contact["id"],
            caller_name=contact["name"],
            caller_company=org["name"],
            caller_phone=contact["phone"],
            caller_email=contact["email"],
            caller_address=contact["address"],
            contract_id=f"SC-{org['code']}-{local.year}" if rng.random() < 0.7 else "",
            title=title,
            description=description,
            hardware_platform=platform,
            software_version=rng.choice(versions),
            serial_number=sn,
            channel=channel,
            priority=priority,
            status=status,
            pending_reason=rng.choice(("customer", "vendor", "parts"))
            if status == "pending"
            else "",
            engineer_id=engineer.pk if engineer else None,
            reassignment_requested=status in ("assigned", "in_progress") and rng.random() < 0.02,
            escalation_level=escalation,
            vendor_reference=f"69{rng.randrange(1_000_000, 9_999_999)}" if escalation == 2 else "",
            solution=rng.choice(SOLUTIONS) if resolved_at else "",
            created_at=created,
            created_by_id=opener.pk if opener else None,
            assigned_at=assigned_at,
            accepted_at=accepted_at,
            resolved_at=resolved_at,
            confirmed_at=confirmed_at,
            confirmed_by_id=rng.choice(duty).pk if confirmed_at else None,
            closed_at=closed_at,
            reopen_count=0,
            updated_at=updated,
        )
        case = rows.by_model[Case][-1]
        _history(rows, rng, case, engineer, opener, org, contact, duty, CaseEvent, WorkLog)
        if sla is not None:
            sla.add(rows, case, org["service_level"], end)
        if engineer is not None and status not in ("open", "assigned") and rng.random() < 0.06:
            helper = rng.choice(eng_users)
            if helper.pk != engineer.pk:
                helpers_rows.append({"case_id": case_id, "user_id": helper.pk})

    deadlines = len(rows.by_model[sla.Deadline]) if sla is not None else 0
    out(
        f"  {cases} CASEs, {len(rows.by_model[CaseEvent])} events, "
        f"{len(rows.by_model[WorkLog])} work logs, {deadlines} SLA deadlines built "
        f"({time.monotonic() - t0:.1f} s); writing"
    )
    helpers_model = Case.helpers.through
    written = [Organization, Contact, Case, CaseEvent, WorkLog]
    if sla is not None:
        written += [sla.CaseClock, sla.Deadline]
    for model in written:
        _write(connection, model, rows.by_model[model])
    for i, row in enumerate(helpers_rows, start=1):
        row["id"] = i
    _write(connection, helpers_model, helpers_rows)
    CaseNumberSequence.objects.bulk_create(
        [CaseNumberSequence(period=p, last_serial=s) for p, s in serial_by_period.items()]
    )
    _reset_sequences(connection, [*written, helpers_model])
    if apps.is_installed("casedesk.search"):
        from casedesk.search.services import reindex

        t1 = time.monotonic()
        indexed = reindex()
        out(f"  search index: {indexed} CASE documents ({time.monotonic() - t1:.1f} s)")
    counts = Counter(status_of)
    out(
        f"done in {time.monotonic() - t0:.1f} s: {cases} CASEs ("
        + ", ".join(f"{s} {counts[s]}" for s in ("open", *list(STATUS_SHARES)[1:], "closed"))
        + f"), {len(org_rows)} organizations, {len(rows.by_model[Contact])} contacts, "
        f"{len(eng_users)} engineers, {len(serial_by_period)} months "
        f"(busiest {max(serial_by_period.values())} CASEs)"
    )


def _accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total


class _SlaRows:
    """Each CASE's SLA clock and deadlines, as ``sla.services`` would have left them.

    Approximate on purpose: due times are wall-clock minutes from the anchor (the real
    ones count business minutes of the CASE's calendar), and a deadline is fired when it
    fell due before it was met, met when the work happened (late work too, as the product
    records it), cancelled when the CASE was resolved first.  What matters for reads is that every CASE carries its ~10
    rows, the live ones still active.
    """

    MET_BY_CALLBACK = (
        "callback",
        "first_worklog",
        "engineer_callback",
        "callback_chase",
        "callback_reassign",
    )

    def __init__(self, policies, CaseClock, Deadline):
        self.policies, self.CaseClock, self.Deadline = policies, CaseClock, Deadline

    @classmethod
    def load(cls) -> _SlaRows | None:
        from django.apps import apps

        if not apps.is_installed("casedesk.sla"):
            return None
        from casedesk.sla.models import CaseClock, Deadline, SlaPolicy

        policies = {}
        for policy in SlaPolicy.objects.prefetch_related("rules", "targets"):
            policies[policy.service_level] = (
                policy,
                {t.priority: t for t in policy.targets.all()},
                [r for r in policy.rules.all()],
            )
        return cls(policies, CaseClock, Deadline) if policies else None

    def add(self, rows: Rows, case: dict, service_level: str, now: dt.datetime) -> None:
        if service_level not in self.policies:
            return
        policy, targets, rules = self.policies[service_level]
        created, prio = case["created_at"], case["priority"]
        paused = case["status"] == "pending" and policy.pauses_for(case["pending_reason"])
        rows.add(
            self.CaseClock,
            case_id=case["id"],
            cycle=0,
            started_at=created,
            paused_since=case["updated_at"] if paused else None,
            paused_minutes=0.0,
        )
        wanted = [
            ("callback:c0", "callback", created, policy.callback_minutes, "", "", False),
            (
                "first_worklog:c0",
                "first_worklog",
                created,
                policy.first_worklog_minutes,
                "",
                "",
                False,
            ),
        ]
        for rule in rules:
            if rule.priority == prio:
                wanted.append(
                    (
                        f"escalation:{prio}:{rule.after_minutes}:{rule.recipient}:c0",
                        "escalation",
                        created,
                        rule.after_minutes,
                        prio,
                        rule.recipient,
                        policy.pause_escalations,
                    )
                )
        target = targets.get(prio)
        if target is not None and target.vendor_escalation_minutes is not None:
            wanted.append(
                (
                    f"vendor_escalation:{prio}:c0",
                    "vendor_escalation",
                    created,
                    target.vendor_escalation_minutes,
                    prio,
                    "",
                    policy.pause_escalations,
                )
            )
        if target is not None and target.resolution_minutes is not None:
            wanted.append(
                (
                    f"resolution:{prio}:c0",
                    "resolution",
                    created,
                    target.resolution_minutes,
                    prio,
                    "",
                    True,
                )
            )
        if case["assigned_at"] is not None:
            at = case["assigned_at"]
            stamp = at.strftime("%Y%m%d%H%M%S%f")
            for kind, minutes in (
                ("engineer_callback", policy.engineer_callback_minutes),
                ("callback_chase", policy.chase_remind_minutes),
                ("callback_reassign", policy.chase_reassign_minutes),
            ):
                wanted.append((f"{kind}:{stamp}", kind, at, minutes, "", "", False))
        resolved, accepted = case["resolved_at"], case["accepted_at"]
        for key, kind, anchor, minutes, priority, recipient, pausable in wanted:
            due = anchor + dt.timedelta(minutes=minutes)
            met_by = accepted if kind in self.MET_BY_CALLBACK else None
            if kind == "resolution":
                met_by = resolved
            fired = met = cancelled = None
            if met_by is not None and met_by <= due:
                met = met_by
            elif due <= min(met_by or now, resolved or now, now):
                fired = due + dt.timedelta(seconds=30)
                if met_by is not None and met_by <= now:
                    met = met_by  # kept late: sla.services marks it met all the same
            elif resolved is not None:
                cancelled = resolved
            rows.add(
                self.Deadline,
                case_id=case["id"],
                key=key,
                kind=kind,
                priority=priority,
                recipient=recipient,
                anchor_at=anchor,
                target_minutes=minutes,
                pausable=pausable,
                due_at=None if (paused and pausable and not (fired or met)) else due,
                fired_at=fired,
                met_at=met,
                cancelled_at=cancelled,
            )


def _history(rows, rng, case, engineer, opener, org, contact, duty, CaseEvent, WorkLog) -> None:
    """The events and work logs a CASE in this status has been through."""
    rid = uuid.uuid4().hex
    cid = case["id"]

    def event(at, actor, kind, data, internal=False):
        rows.add(
            CaseEvent,
            case_id=cid,
            at=at,
            actor_id=actor.pk if actor else None,
            kind=kind,
            data=data,
            internal=internal,
            request_id=rid if kind == "opened" else uuid.uuid4().hex,
        )

    def worklog(at, kind, minutes, changes=None):
        note = rng.choice(WORK_NOTES[kind])
        for detail in rng.sample(NOTE_DETAILS, rng.choice((0, 1, 1, 2))):
            place = rng.choice(PLACES)
            note += detail.format(msg=rng.choice(LOG_MESSAGES), place=place, t=f"{at:%H:%M}")
        internal = rng.random() < INTERNAL_SHARE
        wid = rows.add(
            WorkLog,
            case_id=cid,
            author_id=engineer.pk,
            kind=kind,
            note=note,
            minutes=minutes,
            internal=internal,
            created_at=at,
        )
        data = dict(changes or {})
        data.update({"worklog": wid, "kind": kind, "minutes": minutes, "note": note})
        event(at, engineer, "work_logged", data, internal=internal)

    created = case["created_at"]
    event(
        created,
        opener,
        "opened",
        {
            "number": case["number"],
            "organization": org["code"],
            "contact": contact["id"],
            "priority": case["priority"],
            "channel": case["channel"],
            "title": case["title"],
        },
    )
    if engineer is None:
        return
    dispatcher = rng.choice(duty)
    event(
        case["assigned_at"],
        dispatcher,
        "assigned",
        {
            "engineer": {"before": None, "after": engineer.username},
            "status": {"before": "open", "after": "assigned"},
        },
    )
    if case["accepted_at"] is None:
        return
    worklog(
        case["accepted_at"],
        "callback",
        rng.choice((5, 10, 15)),
        {"status": {"before": "assigned", "after": "in_progress"}},
    )
    at = case["accepted_at"]
    end = case["resolved_at"] or case["updated_at"]
    steps = rng.choice(WORK_STEPS)
    for _ in range(steps):
        at = min(at + (end - at) / 2, end)
        kind = rng.choice(("phone", "remote", "remote", "onsite", "rma", "note"))
        worklog(at, kind, rng.choice((10, 20, 30, 60, 120, 240)))
    if case["escalation_level"]:
        level = case["escalation_level"]
        event(
            at,
            engineer,
            "escalated",
            {
                "escalation_level": {"before": level - 1, "after": level},
                "target": "vendor" if level == 2 else "senior",
                "reason": "需要厂商 TAC 支持" if level == 2 else "Needs a senior engineer",
            },
        )
    if case["status"] == "pending":
        event(
            at,
            engineer,
            "pended",
            {
                "status": {"before": "in_progress", "after": "pending"},
                "pending_reason": {"before": "", "after": case["pending_reason"]},
            },
        )
        return
    if case["resolved_at"] is None:
        return
    event(
        case["resolved_at"],
        engineer,
        "resolved",
        {
            "status": {"before": "in_progress", "after": "resolved"},
            "solution": {"before": "", "after": case["solution"]},
        },
    )
    if case["confirmed_at"] is None:
        return
    confirmer = next(u for u in duty if u.pk == case["confirmed_by_id"])
    event(
        case["confirmed_at"],
        confirmer,
        "confirmed",
        {
            "confirmed_by": {"before": None, "after": confirmer.username},
            "note": "客户电话确认已恢复",
            "on_behalf": True,
        },
    )
    event(
        case["closed_at"],
        confirmer,
        "closed",
        {"status": {"before": "resolved", "after": "closed"}},
    )


def _write(connection, model, rows: list[dict]) -> None:
    """COPY on PostgreSQL (fast), bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**r) for r in rows], batch_size=500)
        return
    from django.db.models import JSONField

    fields = model._meta.concrete_fields
    columns = [f.column for f in fields]
    attnames = [f.attname for f in fields]
    # A JSON column the generator does not fill takes the field's default (NULL when none).
    json_defaults = {f.attname: f.get_default() for f in fields if isinstance(f, JSONField)}
    table = connection.ops.quote_name(model._meta.db_table)
    column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor
        with raw.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(tuple(_cell(r, a, json_defaults) for a in attnames))


def _cell(row: dict, attname: str, json_defaults: dict):
    if attname not in json_defaults:
        return row.get(attname)
    value = row.get(attname, json_defaults[attname])
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _reset_sequences(connection, models) -> None:
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _empty_case_tables(connection) -> None:
    from django.apps import apps

    from casedesk.accounts.models import ApiToken, Contact, Organization, StaffProfile, User
    from casedesk.cases.models import Case, CaseEvent, CaseNumberSequence, WorkLog

    models = []
    if apps.is_installed("casedesk.search"):
        from casedesk.search.models import CaseDocument

        models.append(CaseDocument)
    if apps.is_installed("casedesk.sla"):
        from casedesk.sla.models import CaseClock, Deadline

        models += [Deadline, CaseClock]
    models += [
        CaseEvent,
        WorkLog,
        Case.helpers.through,
        Case,
        CaseNumberSequence,
        ApiToken,
        StaffProfile.skills.through,
        StaffProfile,
        User,
        Contact,
        Organization,
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        else:
            for m in models:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(m._meta.db_table)}")


def _create_database_if_missing(url: str) -> None:
    """A bench database is disposable: create it on first use."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    conf = dj_database_url.parse(url)
    params = {
        "host": conf.get("HOST") or None,
        "port": conf.get("PORT") or None,
        "user": conf.get("USER") or None,
        "password": conf.get("PASSWORD") or None,
    }
    try:
        psycopg.connect(dbname=conf["NAME"], **params).close()
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(conf["NAME"])))
        print(f"created database {conf['NAME']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: $DATABASE_URL (else the SQLite default)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--orgs", type=int, default=300)
    parser.add_argument("--engineers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--no-migrate", action="store_true", help="do not run migrations first")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--reset", action="store_true", help="empty people and CASE tables first")
    mode.add_argument("--if-empty", action="store_true", help="do nothing if CASEs exist")
    args = parser.parse_args(argv)

    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        _create_database_if_missing(os.environ["DATABASE_URL"])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from casedesk.accounts.models import User
    from casedesk.cases.models import Case

    if not args.no_migrate:
        call_command("migrate", "--no-input", verbosity=0)
    if Case.objects.exists() and args.if_empty:
        print(f"{Case.objects.count()} CASEs already there; nothing to do.")
        return 0
    if (Case.objects.exists() or User.objects.exists()) and not args.reset:
        print("The database already has users or CASEs; --reset empties them.", file=sys.stderr)
        return 2
    print(
        f"generating {args.cases} CASEs into {connection.vendor}: {connection.settings_dict['NAME']}"
    )
    started = time.monotonic()
    with transaction.atomic():  # all or nothing
        if args.reset:
            _empty_case_tables(connection)
        generate(
            cases=args.cases,
            years=args.years,
            seed=args.seed,
            orgs=args.orgs,
            engineers=args.engineers,
        )
    with connection.cursor() as cursor:
        # VACUUM too, as autovacuum would have long since on a live desk: it sets the
        # visibility map, without which every index-only count reads the heap.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"committed, vacuumed and analyzed; {time.monotonic() - started:.1f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
