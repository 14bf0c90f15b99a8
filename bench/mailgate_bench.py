"""Benchmark the mail gateway on PostgreSQL (issue 5): messages ingested per second.

    .venv/bin/python bench/mailgate_bench.py \\
        --database-url postgres://postgres@127.0.0.1:5432/casedesk_bench_mail --reset

1. Migrates a fresh database (``--reset`` drops and recreates one whose name contains
   "bench") and creates ``--orgs`` customer organizations with four contacts each, through
   the product's services.
2. Builds ``--messages`` messages from the test corpus (tests/mailgate/corpus: Outlook GB2312
   with a log file, Foxmail GBK with a config and a refused .exe, Gmail with an RFC 2231
   file name, Apple Mail with an inline image, Big5, ISO-2022-JP, forwarded chains), each
   with a fresh Message-ID and a contact's address as sender: 70 % new problems, 20 %
   replies to CASEs the run opened before (the QQ Mail reply, by subject tag), 10 %
   auto-replies, bounces and list mail.
3. In-process: one Python process ingests them one after the other through
   ``mailgate.services.ingest`` (store the raw bytes, fsync, commit; then parse and open the
   CASE / add the note, queue the acknowledgement): wall and CPU time, per message and in
   total.
4. Per process, as a Postfix ``pipe`` runs ``casedesk mailgate``: ``casedesk mailgate < message``, one process
   per message (``python -m casedesk mailgate``: interpreter start, Django set-up,
   connection, store, process), first one at a time, then ``--parallel`` at once; wall
   time and the children's CPU time.
5. The light pipe: ``--spooled`` messages through ``python -m casedesk.mailgate.spool``
   (standard library only: write, fsync, rename), ``--parallel`` at once, then one
   ``mailgate --spool`` pass in this process: the pipe's rate and CPU, and the drain's.
6. Checks that every message ended processed or ignored (none quarantined) and that
   every new problem opened exactly one CASE.

``--json FILE`` saves the figures.  Figures and their reading: docs/PERFORMANCE.md,
"The mail gateway (issue 5)".
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))
CORPUS = ROOT / "tests" / "mailgate" / "corpus"

NEW = [
    "outlook_gb2312.eml",
    "foxmail_gbk.eml",
    "gmail_rfc2231.eml",
    "applemail_inline_image.eml",
    "outlook_big5.eml",
    "iso2022jp.eml",
    "outlook_forward_chain.eml",
    "thunderbird_forward_attached.eml",
]
REPLY = "qqmail_reply.eml"
AUTO = ["dsn_bounce.eml", "autoreply_outlook.eml", "newsletter_bulk.eml"]
DESK = "support@casedesk.example"


def out(msg: str = "") -> None:
    print(msg, flush=True)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def summary_ms(values: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 50), 2),
        "p95_ms": round(pct(ms, 95), 2),
        "max_ms": round(max(ms), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
    }


def prepare_database(url: str, reset: bool) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    conf = dj_database_url.parse(url)
    if conf["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("This benchmark needs PostgreSQL (--database-url postgres://...).")
    name = conf["NAME"]
    params = {
        "host": conf.get("HOST") or None,
        "port": conf.get("PORT") or None,
        "user": conf.get("USER") or None,
        "password": conf.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            if "bench" not in name:
                sys.exit(f"--reset drops only databases named *bench*, not {name!r}.")
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str, media: Path) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "casedesk.settings"
    os.environ["CASEDESK_MEDIA_ROOT"] = str(media)
    os.environ["DEFAULT_FROM_EMAIL"] = DESK
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(orgs: int) -> list[tuple[str, str]]:
    """Organizations with four contacts each; (name, address) of every contact."""
    from casedesk.accounts import services as people

    contacts = []
    for i in range(orgs):
        org = people.organization_create(
            code=f"BM{i:03d}", name=f"基准客户 {i}", service_level="gold", by=None
        )
        for j in range(4):
            email = f"c{j}.org{i}@customer{i}.example.cn"
            people.contact_create(organization=org, name=f"联系人{i}-{j}", email=email, by=None)
            contacts.append((f"联系人{i}-{j}", email))
    return contacts


def _with(raw: bytes, *, sender: str, mid: str) -> bytes:
    raw = re.sub(rb"(?im)^from:.*(\r?\n[ \t].*)*$", f"From: <{sender}>".encode(), raw, count=1)
    raw = re.sub(rb"(?im)^message-id:.*$", f"Message-ID: <{mid}>".encode(), raw, count=1)
    return raw


def build_messages(n: int, contacts, seed_: int) -> list[tuple[str, bytes, str]]:
    """(kind, raw, sender) in order; replies name a CASE number filled in at run time."""
    rng = random.Random(seed_)
    templates = {name: (CORPUS / name).read_bytes() for name in [*NEW, REPLY, *AUTO]}
    messages = []
    for i in range(n):
        _, sender = rng.choice(contacts)
        roll = rng.random()
        if roll < 0.7 or i < 10:
            kind, name = "new", rng.choice(NEW)
        elif roll < 0.9:
            kind, name = "reply", REPLY
        else:
            kind, name = "auto", rng.choice(AUTO)
        raw = templates[name]
        if kind != "auto":
            raw = _with(raw, sender=sender, mid=f"bench-{seed_}-{i}@customer.example.cn")
        else:
            raw = re.sub(
                rb"(?im)^message-id:.*$",
                f"Message-ID: <bench-{seed_}-{i}@auto.example>".encode(),
                raw,
                count=1,
            )
        messages.append((kind, raw, sender))
    return messages


def resolve_replies(messages, opened: dict[str, str]):
    """Point each reply at a CASE its sender opened earlier in the run (or skip it)."""
    for kind, raw, sender in messages:
        if kind == "reply":
            number = opened.get(sender)
            if number is None:
                continue
            raw = renumber(raw, number)
        yield kind, raw, sender


_WORD = re.compile(rb"=\?([^?\s]+)\?[Bb]\?([A-Za-z0-9+/=]*)\?=")


def renumber(raw: bytes, number: str) -> bytes:
    """The corpus's CASE number C2611001 replaced, in base64 encoded words too."""

    def word(m: re.Match) -> bytes:
        charset = m.group(1).decode()
        text = base64.b64decode(m.group(2)).decode(charset).replace("C2611001", number)
        return b"=?%s?B?%s?=" % (m.group(1), base64.b64encode(text.encode(charset)))

    return _WORD.sub(word, raw).replace(b"C2611001", number.encode())


def backend_cpu() -> float:
    """CPU seconds the PostgreSQL backend of this connection has used (same machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_in_process(messages) -> dict:
    from casedesk.mailgate import services

    opened: dict[str, str] = {}
    walls, cpus, kinds = [], [], []
    start_backend = backend_cpu()
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    for kind, raw, sender in resolve_replies(messages, opened):
        t0, c0 = time.perf_counter(), time.process_time()
        message = services.ingest_bytes(raw, source="bench")
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        kinds.append((kind, message.status))
        if kind == "new" and message.case_id:
            opened.setdefault(sender, message.case.number)
    wall = time.perf_counter() - start_wall
    cpu = time.process_time() - start_cpu
    db_cpu = backend_cpu() - start_backend
    return {
        "messages": len(walls),
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "backend_cpu_s": round(db_cpu, 3),
        "per_second": round(len(walls) / wall, 1),
        "per_cpu_second": round(len(walls) / (cpu + db_cpu), 1),
        "latency": summary_ms(walls),
        "cpu_per_message": summary_ms(cpus),
        "statuses": _count(kinds),
        "opened": opened,
    }


def _count(kinds) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind, status in kinds:
        counts[f"{kind}:{status}"] = counts.get(f"{kind}:{status}", 0) + 1
    return counts


def run_processes(messages, opened, *, parallel: int, env: dict) -> dict:
    """One ``python -m casedesk mailgate`` per message, ``parallel`` at a time."""
    batch = list(resolve_replies(messages, opened))

    def one(item):
        kind, raw, _sender = item
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "casedesk", "mailgate"],
            input=raw,
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
        status = (
            done.stdout.decode().split()[1] if done.returncode == 0 else f"exit{done.returncode}"
        )
        return kind, status, time.perf_counter() - t0

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        results = list(pool.map(one, batch))
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "parallel": parallel,
        "messages": len(results),
        "wall_s": round(wall, 3),
        "children_cpu_s": round(cpu, 3),
        "per_second": round(len(results) / wall, 2),
        "cpu_per_message_ms": round(cpu / len(results) * 1000, 1),
        "latency": summary_ms([r[2] for r in results]),
        "statuses": _count([(r[0], r[1]) for r in results]),
    }


def run_spool(messages, opened, *, parallel: int, env: dict, spool: Path) -> dict:
    """The light pipe: ``python -m casedesk.mailgate.spool`` per message (no Django), then
    one ``mailgate --spool`` pass in this process stores and processes them all."""
    from casedesk.mailgate import services

    batch = list(resolve_replies(messages, opened))
    env = {**env, "CASEDESK_MAIL_SPOOL": str(spool)}

    def one(item):
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "casedesk.mailgate.spool"],
            input=item[1],
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return time.perf_counter() - t0

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        latencies = list(pool.map(one, batch))
    pipe_wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    pipe_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    start_backend = backend_cpu()
    start, start_cpu = time.perf_counter(), time.process_time()
    taken = services.ingest_spool(spool)
    drain_wall = time.perf_counter() - start
    drain_cpu = time.process_time() - start_cpu + backend_cpu() - start_backend
    return {
        "parallel": parallel,
        "messages": len(batch),
        "pipe_wall_s": round(pipe_wall, 3),
        "pipe_per_second": round(len(batch) / pipe_wall, 1),
        "pipe_cpu_per_message_ms": round(pipe_cpu / len(batch) * 1000, 1),
        "pipe_latency": summary_ms(latencies),
        "drain_wall_s": round(drain_wall, 3),
        "drain_per_second": round(len(taken) / drain_wall, 1),
        "drain_cpu_per_message_ms": round(drain_cpu / len(taken) * 1000, 1),
        "statuses": _count([("spool", m.status) for m in taken]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--orgs", type=int, default=50)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--processes", type=int, default=100, help="messages piped one per process")
    parser.add_argument("--spooled", type=int, default=300, help="messages through the spool")
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    prepare_database(args.database_url, args.reset)
    media = Path(tempfile.mkdtemp(prefix="mailgate-bench-"))
    setup_django(args.database_url, media)
    from django.db import connection

    out(f"mailgate bench: {platform.node()} {os.cpu_count()} cores, load {os.getloadavg()}")
    out(f"PostgreSQL {connection.pg_version}; media {media}")
    contacts = seed(args.orgs)
    messages = build_messages(args.messages, contacts, args.seed)
    inproc = run_in_process(messages)
    opened = inproc.pop("opened")
    out(f"in-process: {json.dumps(inproc, ensure_ascii=False)}")

    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "CASEDESK_LOG_LEVEL": "ERROR",
    }
    piped = build_messages(args.processes, contacts, args.seed + 1)
    serial = run_processes(piped, opened, parallel=1, env=env)
    out(f"process per message, one at a time: {json.dumps(serial, ensure_ascii=False)}")
    piped = build_messages(args.processes, contacts, args.seed + 2)
    concurrent = run_processes(piped, opened, parallel=args.parallel, env=env)
    out(
        f"process per message, {args.parallel} at once: {json.dumps(concurrent, ensure_ascii=False)}"
    )

    piped = build_messages(args.spooled, contacts, args.seed + 3)
    spooled = run_spool(piped, opened, parallel=args.parallel, env=env, spool=media / "spool")
    out(f"light pipe (spool), {args.parallel} at once: {json.dumps(spooled, ensure_ascii=False)}")

    from casedesk.mailgate.models import InboundMessage

    quarantined = InboundMessage.objects.filter(status="quarantined").count()
    out(f"quarantined: {quarantined} (expected 0); load after {os.getloadavg()}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "in_process": inproc,
                    "serial": serial,
                    "parallel": concurrent,
                    "spool": spooled,
                },
                indent=2,
            )
        )
    if quarantined:
        sys.exit(1)


if __name__ == "__main__":
    main()
