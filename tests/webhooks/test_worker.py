"""In production: a CASE opened, committed, and ``casedesk worker`` posts its event."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from casedesk.webhooks.models import Webhook, WebhookDelivery
from tests.factories import make_case
from tests.processes import database_url

CASEDESK = str(Path(sys.executable).parent / "casedesk")


@pytest.fixture
def worker(transactional_db, tmp_path):
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [CASEDESK, "worker", "--interval", "0.5"],
            env={
                **os.environ,
                "DATABASE_URL": database_url(),
                "DJANGO_SETTINGS_MODULE": "casedesk.settings",
                "CASEDESK_VAR_DIR": str(tmp_path / "var"),
                "CASEDESK_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "PYTHONUNBUFFERED": "1",
            },
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    proc.log = log
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def test_the_worker_posts_the_event_after_commit(worker, receiver, org):
    Webhook.objects.create(name="群", url=receiver.url(), secret="k")
    case = make_case(org=org)  # commits: the kick enqueues the delivery task

    deadline = time.monotonic() + 60
    while not receiver.requests and time.monotonic() < deadline:
        assert worker.poll() is None, worker.log.read_text()[-3000:]
        time.sleep(0.2)
    (received,) = receiver.requests
    assert received.json()["case"]["number"] == case.number
    delivery = WebhookDelivery.objects.get()
    while delivery.status != "sent" and time.monotonic() < deadline:
        time.sleep(0.1)
        delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
