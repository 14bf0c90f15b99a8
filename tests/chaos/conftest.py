"""Real delivering processes on the test database, killed with SIGKILL and restarted.

The test process plays the outside world (an SMTP server, a webhook receiver) and kills
the ``casedesk`` process that talks to it at chosen moments, from inside the receiver:
the worst moment is while the receiver holds a message it has taken but not yet
acknowledged, so the sender dies not knowing it was delivered.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.processes import database_url

CASEDESK = str(Path(sys.executable).parent / "casedesk")

# Short claims, so that a killed sender's rows are taken over within seconds: the claim
# lasts max(CASEDESK_CLAIM_TIMEOUT, 4 × the send timeout).
FAST = {
    "CASEDESK_CLAIM_TIMEOUT": "1",
    "CASEDESK_EMAIL_TIMEOUT": "1",
    "CASEDESK_WEBHOOK_TIMEOUT": "1",
    "CASEDESK_OUTBOX_SWEEP": "0.5",
}


class Senders:
    """One delivering ``casedesk`` process at a time; :meth:`kill` may be called from any
    thread (a receiver's), :meth:`restart_if_killed` from the test's."""

    def __init__(self, tmp_path: Path, env: dict[str, str]):
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "casedesk.settings",
            "CASEDESK_VAR_DIR": str(tmp_path / "var"),
            "CASEDESK_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            **FAST,
            **env,
        }
        self.lock = threading.Lock()
        self.procs: list[subprocess.Popen] = []
        self.killed: set[int] = set()  # pids this test killed

    def log(self, i: int) -> Path:
        return self.tmp_path / f"sender-{i}.log"

    def start(self, *args: str) -> subprocess.Popen:
        with self.lock:
            return self._start(args or ("worker", "--interval", "0.2"))

    def _start(self, args) -> subprocess.Popen:
        with self.log(len(self.procs)).open("w") as out:
            proc = subprocess.Popen(
                [CASEDESK, *args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.procs.append(proc)
        return proc

    def kill(self) -> None:
        """SIGKILL the running sender, now (called by a receiver mid-delivery)."""
        with self.lock:
            proc = self.procs[-1]
            if proc.returncode is None and proc.pid not in self.killed:
                self.killed.add(proc.pid)
                os.kill(proc.pid, signal.SIGKILL)

    def restart_if_killed(self) -> None:
        """Start a worker in place of a killed sender; a sender that died otherwise fails."""
        with self.lock:
            proc = self.procs[-1]
            if proc.poll() is None:
                return
            assert proc.pid in self.killed, self.tail(len(self.procs) - 1)
            self._start(("worker", "--interval", "0.2"))

    def stop(self) -> None:
        """SIGTERM the running sender (it finishes its pass), SIGKILL if it hangs."""
        with self.lock:
            for proc in self.procs:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                    try:
                        proc.wait(timeout=20)
                    except subprocess.TimeoutExpired:
                        os.kill(proc.pid, signal.SIGKILL)
                        proc.wait(timeout=10)

    def tail(self, i: int = -1) -> str:
        i = i % len(self.procs)
        return f"sender {i}: {self.log(i).read_text(errors='replace')[-3000:]}"

    def wait_until(self, condition, timeout: float, what: str) -> None:
        limit = time.monotonic() + timeout
        while not condition():
            self.restart_if_killed()
            assert time.monotonic() < limit, f"{what}: not within {timeout:.0f} s\n{self.tail()}"
            time.sleep(0.1)


@pytest.fixture
def senders(transactional_db, tmp_path):
    """``senders.env`` is completed by the test (the receiver's address) before starting."""
    pool = Senders(tmp_path, {})
    try:
        yield pool
    finally:
        pool.stop()  # before the test database is flushed or dropped
