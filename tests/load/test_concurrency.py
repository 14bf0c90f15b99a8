"""Concurrent CASE openings: unique numbers and no error, on SQLite and PostgreSQL.

(a) 500 ``case_open`` calls from many threads at once, each thread on its own database
    connection, against whichever database the suite runs on.
(b) ``casedesk serve`` on the embedded SQLite default: 16 HTTP clients opening CASEs at
    once all get 201 and distinct numbers.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection, connections

from casedesk.cases.models import Case, CaseEvent, CaseNumberSequence
from casedesk.core import clock
from tests.factories import ContactFactory, OrganizationFactory, make_case, make_user

# --- (a) 500 concurrent case_open calls --------------------------------------------------

OPENINGS = 500
# Enough threads to contend hard, few enough to stay under PostgreSQL's default
# max_connections (100) with the test's own connection.
THREADS = 50
INSTANT = dt.datetime(2026, 11, 15, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai, period 2611


def test_500_concurrent_openings_get_distinct_gapless_numbers(transactional_db):
    org = OrganizationFactory(code="LOAD")
    contact = ContactFactory(organization=org)
    taker = make_user("call_taker", username="loadtaker")

    start = threading.Barrier(THREADS)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        try:
            start.wait(timeout=30)
            # The clock is a context variable: each thread freezes its own.
            with clock.frozen(INSTANT):
                for i in range(OPENINGS // THREADS):
                    case = make_case(
                        contact=contact, by=taker, title=f"load {index}-{i}", channel="api"
                    )
                    with lock:
                        numbers.append(case.number)
        except BaseException as exc:  # noqa: BLE001 - every failure is reported below
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(THREADS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - began

    assert not any(t.is_alive() for t in threads), "a client hung"
    assert errors == [], f"{len(errors)} errors, first: {errors[0]!r}"
    assert len(numbers) == OPENINGS
    duplicates = [n for n, c in Counter(numbers).items() if c > 1]
    assert duplicates == []
    assert sorted(int(n[5:]) for n in numbers) == list(range(1, OPENINGS + 1))
    assert all(n.startswith("C2611") for n in numbers)
    # What the threads saw is what was committed.
    assert sorted(Case.objects.values_list("number", flat=True)) == sorted(numbers)
    assert CaseEvent.objects.filter(kind="opened").count() == OPENINGS
    assert CaseNumberSequence.objects.get(period="2611").last_serial == OPENINGS
    print(f"{OPENINGS} openings from {THREADS} threads on {connection.vendor}: {elapsed:.1f}s")


# --- (b) casedesk serve on SQLite ---------------------------------------------------------

CLIENTS = 16
PER_CLIENT = 8
BIN = Path(sys.executable).parent
CASEDESK = str(BIN / "casedesk")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(env, *args) -> str:
    done = subprocess.run(
        [CASEDESK, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"casedesk {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _request(port: int, method: str, path: str, token: str, body=None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            data = json.loads(raw)
        except ValueError:
            data = {"raw": raw.decode(errors="replace")[:500]}
        return response.status, data
    finally:
        conn.close()


@pytest.fixture
def sqlite_server(tmp_path):
    """``casedesk serve`` on a fresh SQLite database in a temporary var dir."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CASEDESK_VAR_DIR"] = str(tmp_path / "var")
    env["DJANGO_SETTINGS_MODULE"] = "casedesk.settings"
    _run(env, "migrate", "--no-input")
    _run(env, "createuser", "taker", "--role", "call_taker")
    token = _run(env, "createtoken", "taker").strip().splitlines()[-1]

    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [CASEDESK, "serve", "--port", str(port), "--no-worker"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def stop() -> None:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        log.close()

    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                conn.close()
            assert time.monotonic() < deadline, "casedesk serve did not come up in 60 s"
            time.sleep(0.2)
        yield port, token, tmp_path / "serve.log"
    finally:
        stop()
    assert server.returncode is not None


def test_sixteen_clients_open_cases_at_once_against_serve_on_sqlite(sqlite_server):
    port, token, log = sqlite_server
    status, org = _request(
        port,
        "POST",
        "/api/v1/organizations",
        token,
        {"code": "LOAD", "name": "压力测试公司", "service_level": "gold"},
    )
    assert status == 201, org
    status, contact = _request(
        port,
        "POST",
        "/api/v1/contacts",
        token,
        {"organization": "LOAD", "name": "李四", "phone": "13900000000", "email": "li@load.cn",
         "address": "北京"},
    )  # fmt: skip
    assert status == 201, contact

    start = threading.Barrier(CLIENTS)
    answers: list[tuple[int, dict]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        try:
            start.wait(timeout=30)
            for i in range(PER_CLIENT):
                answer = _request(
                    port,
                    "POST",
                    "/api/v1/cases",
                    token,
                    {
                        "organization": "LOAD",
                        "contact": contact["id"],
                        "title": f"并发 {index}-{i}",
                        "priority": "P3",
                        "channel": "api",
                    },
                )
                with lock:
                    answers.append(answer)
        except BaseException as exc:  # noqa: BLE001
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    failed = [a for a in answers if a[0] != 201]
    assert failed == [], f"{len(failed)} failed, first: {failed[:1]}\n{log.read_text()[-3000:]}"
    numbers = [data["number"] for _, data in answers]
    assert len(numbers) == CLIENTS * PER_CLIENT
    assert len(set(numbers)) == len(numbers)
    # Serials are gapless per month (a run may straddle a local month boundary).
    by_period: dict[str, list[int]] = {}
    for number in numbers:
        by_period.setdefault(number[1:5], []).append(int(number[5:]))
    for serials in by_period.values():
        assert sorted(serials) == list(range(1, len(serials) + 1))

    status, listing = _request(port, "GET", f"/api/v1/cases?limit={len(numbers)}", token)
    assert status == 200
    assert listing["count"] == len(numbers)
    assert sorted(c["number"] for c in listing["items"]) == sorted(numbers)
    output = log.read_text()
    assert "database is locked" not in output
    # The server's gunicorn control socket is its own (under its var dir), never the one
    # shared per user that another running casedesk would lose.
    var_dir = str(log.parent / "var")
    sockets = [line for line in output.splitlines() if "Control socket listening at" in line]
    assert all(var_dir in line for line in sockets), sockets
