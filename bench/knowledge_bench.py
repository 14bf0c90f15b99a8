"""Benchmark the articles suggested while a CASE title is typed, over 50,000 articles on
PostgreSQL (target p95 < 100 ms).

    createdb -h 127.0.0.1 -U postgres casedesk_knowledge_bench
    .venv/bin/python bench/knowledge_bench.py \
        --database-url postgres://postgres@127.0.0.1:5432/casedesk_knowledge_bench

The first run migrates the database and generates 50,000 articles (Chinese and English
mixed, realistic titles and bodies of network and server support, product tags; 80 %
published of which 60 % public, the rest drafts, in review or retired; a skewed
``solved_count``) with their search documents made by the articles' own indexing
(``knowledge.services._index``'s tokens); later runs reuse them (``--regenerate`` starts
again).  Then, in-process with production settings (DEBUG off), ``--prefixes`` prefixes of
titles as a user types them (2 characters up to the whole title, Chinese, English, mixed)
go through ``knowledge.selectors.suggestions`` as a duty engineer (working text, internal
articles too) and as a customer (published public text), then through the endpoints
``/knowledge/suggest/`` and ``/portal/faq/suggest/`` (Django's test ``Client``, logged in:
session, JSON and all).  Suggestions read only the articles' index: the CASE tables, however
large, are not touched.  ``--json FILE`` keeps every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT / "src", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench.web_bench import percentile  # noqa: E402

TARGET_MS = 100.0
ARTICLES = 50_000

PRODUCTS = [
    "C9300",
    "C9500",
    "ASR1000",
    "ISR4451",
    "Nexus 9000",
    "ASA5500",
    "FPR2100",
    "S5735",
    "CE6860",
    "AR6300",
    "USG6000",
    "PowerEdge R740",
    "ProLiant DL380",
    "OceanStor 5300",
    "UCS C240",
    "Catalyst 3850",
    "MX204",
    "SRX345",
    "FortiGate 100F",
    "vSphere 7",
]
VERSIONS = ["16.9", "17.3.4", "17.6", "9.3(8)", "V200R019", "V300R021", "7.0.3", "21.2R3"]
ZH_SUBJECTS = [
    "核心交换机",
    "接入交换机",
    "路由器",
    "防火墙",
    "光模块",
    "电源模块",
    "风扇模块",
    "堆叠",
    "端口",
    "上行链路",
    "存储阵列",
    "磁盘",
    "RAID 卡",
    "服务器",
    "虚拟机",
    "无线控制器",
    "负载均衡",
    "VPN 隧道",
    "BGP 邻居",
    "OSPF 邻居",
    "管理口",
    "许可证",
    "日志服务器",
]
ZH_SYMPTOMS = [
    "频繁重启",
    "无法启动",
    "告警灯常亮",
    "丢包严重",
    "CRC 错误增长",
    "收光功率过低",
    "堆叠分裂",
    "邻居反复震荡",
    "升级后无法登录",
    "CPU 利用率过高",
    "内存泄漏",
    "配置丢失",
    "时钟不同步",
    "端口 down",
    "链路抖动",
    "性能下降",
    "掉线",
    "温度告警",
]
ZH_FORMS = ["的处理方法", "排查步骤", "故障处理", "解决方案", "常见原因与处理", "的恢复步骤"]
EN_SUBJECTS = [
    "uplink",
    "stack member",
    "SFP module",
    "power supply",
    "fan tray",
    "BGP session",
    "OSPF adjacency",
    "IPsec tunnel",
    "HA failover",
    "RAID controller",
    "iDRAC",
    "syslog",
    "NTP sync",
    "license",
    "SNMP polling",
    "VLAN trunk",
    "port channel",
    "TACACS login",
]
EN_SYMPTOMS = [
    "flapping",
    "not coming up",
    "high CPU",
    "memory leak",
    "CRC errors",
    "packet loss",
    "stuck in ROMMON",
    "after upgrade",
    "timeout",
    "reboot loop",
    "degraded",
    "mismatch",
]
STEPS = [
    "检查 show logging 输出，确认告警时间点。",
    "更换光模块并清洁光纤端面。",
    "执行 show interface counters errors 查看 CRC。",
    "Verify the running config against the backup.",
    "Reseat the module and check the LEDs.",
    "升级到推荐版本后重启设备。",
    "Collect show tech-support and open a TAC case.",
    "确认电源冗余与供电线路。",
    "Clear the BGP session softly: clear ip bgp * soft.",
    "检查 MTU 与两端协商参数是否一致。",
]


def title(rng: random.Random) -> tuple[str, str]:
    product = rng.choice(PRODUCTS)
    kind = rng.random()
    if kind < 0.55:
        text = f"{product} {rng.choice(ZH_SUBJECTS)}{rng.choice(ZH_SYMPTOMS)}{rng.choice(ZH_FORMS)}"
    elif kind < 0.8:
        text = (
            f"{product} {rng.choice(EN_SUBJECTS)} {rng.choice(EN_SYMPTOMS)} "
            f"on {rng.choice(VERSIONS)}"
        )
    else:
        text = f"{product} {rng.choice(EN_SUBJECTS)} {rng.choice(ZH_SYMPTOMS)}"
    return text, product


def setup(database_url: str, regenerate: bool) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    os.environ.setdefault("CASEDESK_DEBUG", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    from casedesk.knowledge.models import Article

    count = Article.objects.count()
    if count >= ARTICLES and not regenerate:
        print(f"reusing {count:,} articles")
        return
    started = time.perf_counter()
    generate()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE knowledge_article")
        cursor.execute("VACUUM ANALYZE knowledge_articledocument")
    print(f"generated {ARTICLES:,} articles in {time.perf_counter() - started:.0f} s")


def people():
    from casedesk.accounts.models import Organization, User
    from casedesk.core import clock

    org, _ = Organization.objects.get_or_create(
        code="BENCHKB", defaults={"name": "知识库基准客户", "created_at": clock.now()}
    )
    made = {}
    for username, role in (
        ("kb.author", "engineer"),
        ("kb.reviewer", "supervisor"),
        ("kb.duty", "duty_engineer"),
        ("kb.customer", "customer"),
    ):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=None,
                role=role,
                organization=org if role == "customer" else None,
            )
        made[role] = user
    return made


def generate() -> None:
    from django.db import connection, transaction

    from casedesk.core import clock
    from casedesk.knowledge.models import Article, ArticleDocument, ArticleVersion
    from casedesk.search.models import encode
    from casedesk.search.tokens import tokens

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE knowledge_deflection, knowledge_articlecaselink, knowledge_articleversion, "
            "knowledge_articledocument, knowledge_article RESTART IDENTITY CASCADE"
        )
    who = people()
    rng = random.Random(15)
    now = clock.now()
    batch = 2000
    for start in range(0, ARTICLES, batch):
        rows = []
        for _ in range(min(batch, ARTICLES - start)):
            text, product = title(rng)
            body = "\n".join(rng.sample(STEPS, 4))
            roll = rng.random()
            status = (
                "published"
                if roll < 0.8
                else "draft"
                if roll < 0.9
                else "in_review"
                if roll < 0.95
                else "retired"
            )
            published = status in ("published", "retired") or (
                status == "in_review" and roll < 0.93
            )
            at = now - __import__("datetime").timedelta(days=rng.randint(0, 1500))
            rows.append(
                Article(
                    title=text,
                    body=body,
                    tags=[product, rng.choice(VERSIONS)],
                    product=product,
                    visibility="public" if rng.random() < 0.6 else "internal",
                    status=status,
                    author=who["engineer"],
                    reviewer=who["supervisor"] if published else None,
                    version=1,
                    published_version=1 if published else None,
                    published_title=text if published else "",
                    published_body=body if published else "",
                    solved_count=int(40 * rng.random() ** 6),
                    deflection_count=int(20 * rng.random() ** 8),
                    created_at=at,
                    updated_at=at,
                    published_at=at if published else None,
                    last_used_at=at if published else None,
                )
            )
        with transaction.atomic():
            made = Article.objects.bulk_create(rows)
            ArticleVersion.objects.bulk_create(
                ArticleVersion(
                    article=a,
                    number=1,
                    title=a.title,
                    body=a.body,
                    written_by=who["engineer"],
                    written_at=a.created_at,
                )
                for a in made
            )
            docs = []
            for a in made:
                extra = " ".join([a.product, *a.tags])
                docs.append(
                    ArticleDocument(
                        article=a,
                        title=encode(tokens(a.title), "A", "postgresql"),
                        body=encode(tokens(f"{a.body}\n{extra}"), "B", "postgresql"),
                        published=encode(
                            tokens(f"{a.published_title}\n{a.published_body}\n{extra}")
                            if a.published_version
                            else [],
                            "C",
                            "postgresql",
                        ),
                    )
                )
            ArticleDocument.objects.bulk_create(docs)


def prefixes(n: int) -> list[str]:
    """What a user has typed when the suggestions are asked: prefixes of realistic titles
    (two characters up to the whole title), as the 250 ms pause after a key catches them."""
    rng = random.Random(150)
    out = []
    while len(out) < n:
        text, _ = title(rng)
        cut = rng.randint(2, len(text))
        typed = text[:cut].strip()
        if len(typed) >= 2:
            out.append(typed)
    return out


def figures(samples: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "max_ms": round(max(samples), 2),
    }


def timed(call, inputs: list[str]) -> tuple[list[float], list[int]]:
    out, found = [], []
    for q in inputs:
        started = time.perf_counter()
        n = call(q)
        out.append((time.perf_counter() - started) * 1000)
        found.append(n)
    return out, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--prefixes", type=int, default=200)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args()
    setup(args.database_url, args.regenerate)

    from django.test import Client

    from casedesk.knowledge import selectors
    from casedesk.knowledge.models import Article

    who = people()
    duty, customer = who["duty_engineer"], who["customer"]
    typed = prefixes(args.prefixes)
    for q in typed[:20]:  # warm the caches and the connection
        selectors.suggestions(q=q, fetched_by=duty)
    staff_ms, staff_found = timed(lambda q: len(selectors.suggestions(q=q, fetched_by=duty)), typed)
    customer_ms, customer_found = timed(
        lambda q: len(selectors.suggestions(q=q, fetched_by=customer)), typed
    )
    console, portal = Client(), Client()
    console.force_login(duty)
    portal.force_login(customer)

    def ask(client, url):
        def call(q):
            response = client.get(url, {"q": q})
            assert response.status_code == 200, response.content
            return len(response.json()["articles"])

        return call

    for client, url in ((console, "/knowledge/suggest/"), (portal, "/portal/faq/suggest/")):
        ask(client, url)("堆叠")  # the first request loads the URLconf, views, translations
    console_ms, _ = timed(ask(console, "/knowledge/suggest/"), typed)
    portal_ms, _ = timed(ask(portal, "/portal/faq/suggest/"), typed)
    results = {
        "articles": Article.objects.count(),
        "prefixes": len(typed),
        "examples": typed[:8],
        "staff_with_suggestions": sum(1 for n in staff_found if n),
        "customer_with_suggestions": sum(1 for n in customer_found if n),
        "selector_staff": figures(staff_ms),
        "selector_customer": figures(customer_ms),
        "endpoint_console": figures(console_ms),
        "endpoint_portal": figures(portal_ms),
        "target_p95_ms": TARGET_MS,
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
