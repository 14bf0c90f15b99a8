"""``casedesk mailgate`` as Postfix runs it: a process per message, the mail on stdin."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from casedesk.cases.models import Attachment, Case
from casedesk.mailgate.models import InboundMessage
from casedesk.notify.models import Notification
from tests.load.test_supervisor_crash import database_url

from .conftest import DESK, corpus

CASEDESK = str(Path(sys.executable).with_name("casedesk"))
EX_TEMPFAIL = 75


def _mailgate(tmp_path, raw: bytes, *, db_url: str | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": db_url or database_url(),
        "DJANGO_SETTINGS_MODULE": "casedesk.settings",
        "CASEDESK_VAR_DIR": str(tmp_path / "var"),
        "CASEDESK_MEDIA_ROOT": str(tmp_path / "media"),
        "DEFAULT_FROM_EMAIL": DESK,
        "CASEDESK_TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
    }
    return subprocess.run(
        [CASEDESK, "mailgate"], input=raw, env=env, capture_output=True, timeout=120, check=False
    )


@pytest.mark.django_db(transaction=True)
def test_a_piped_message_opens_a_case_and_exits_0(customers, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    done = _mailgate(tmp_path, corpus("outlook_gb2312.eml"))

    assert done.returncode == 0, done.stderr.decode()
    message = InboundMessage.objects.get()
    assert message.status == "processed"
    assert done.stdout.decode().split() == [message.message_id, "processed", message.case.number]
    case = Case.objects.get()
    assert (case.title, case.channel) == ("核心交换机端口频繁up/down 喆", "email")
    assert Attachment.objects.get(case=case).name == "设备日志.txt"
    assert Notification.objects.get(case=case).to_email == "zhang@acme.cn"
    assert (tmp_path / "media" / message.raw.name).read_bytes() == corpus("outlook_gb2312.eml")

    again = _mailgate(tmp_path, corpus("outlook_gb2312.eml"))  # the MTA delivers it twice
    assert again.returncode == 0 and Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_broken_message_is_quarantined_and_the_pipe_still_succeeds(customers, tmp_path):
    done = _mailgate(tmp_path, b"\x00\xff garbage, not a message at all \r\n\r\n\xfe")
    assert done.returncode == 0, done.stderr.decode()
    assert InboundMessage.objects.get().status == "quarantined"


def test_the_pipe_fails_temporarily_when_the_message_cannot_be_stored(tmp_path):
    """Nothing stored: exit 75, so that the MTA keeps the message and tries again."""
    done = _mailgate(
        tmp_path, corpus("gmail_rfc2231.eml"), db_url="postgres://postgres@127.0.0.1:1/nothing"
    )
    assert done.returncode == EX_TEMPFAIL
    assert b"could not store" in done.stderr


def _spool(tmp_path, raw: bytes, spool: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["CASEDESK_MAIL_SPOOL"] = str(spool)
    return subprocess.run(
        [sys.executable, "-m", "casedesk.mailgate.spool"],
        input=raw,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_the_light_pipe_spools_and_the_gateway_takes_it(customers, tmp_path, settings):
    """``python -m casedesk.mailgate.spool`` (no Django) stores; ``mailgate --spool``
    processes each file once and removes it only when its row is committed."""
    from django.core.management import call_command

    spool = tmp_path / "spool"
    settings.CASEDESK_MAIL_SPOOL = spool
    for name in ("outlook_gb2312.eml", "dsn_bounce.eml", "outlook_gb2312.eml"):
        done = _spool(tmp_path, corpus(name), spool)
        assert done.returncode == 0, done.stderr.decode()
    assert len(list((spool / "new").iterdir())) == 3 and not list((spool / "tmp").iterdir())
    assert not InboundMessage.objects.exists()  # nothing read yet: only safely kept

    call_command("mailgate", "--spool", stdout=(out := io.StringIO()))
    assert sorted(InboundMessage.objects.values_list("status", flat=True)) == [
        "ignored",
        "processed",
    ]
    assert Case.objects.count() == 1 and len(out.getvalue().splitlines()) == 3
    assert not list((spool / "new").iterdir())


def test_the_light_pipe_fails_temporarily_when_it_cannot_write(tmp_path):
    (tmp_path / "not-a-directory").write_text("x")
    done = _spool(tmp_path, corpus("gmail_rfc2231.eml"), tmp_path / "not-a-directory" / "spool")
    assert done.returncode == EX_TEMPFAIL and b"could not store" in done.stderr


@pytest.mark.django_db(transaction=True)
def test_the_same_message_piped_three_times_at_once_is_one_case(customers, tmp_path):
    """A mail server retrying while the first delivery still runs: one row, one CASE, one
    raw file (the unique Message-ID decides; the losers remove their copies)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "casedesk.settings",
        "CASEDESK_VAR_DIR": str(tmp_path / "var"),
        "CASEDESK_MEDIA_ROOT": str(tmp_path / "media"),
        "DEFAULT_FROM_EMAIL": DESK,
    }
    raw = corpus("foxmail_gbk.eml")
    procs = [
        subprocess.Popen(
            [CASEDESK, "mailgate"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for _ in range(3)
    ]
    results = [p.communicate(raw, timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [e.decode() for _, e in results]
    assert InboundMessage.objects.count() == 1 and Case.objects.count() == 1
    assert len([p for p in (tmp_path / "media" / "mail").rglob("*.eml")]) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_takes_what_the_light_pipe_spooled(customers, tmp_path):
    import time

    spool = tmp_path / "spool"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "casedesk.settings",
        "CASEDESK_VAR_DIR": str(tmp_path / "var"),
        "CASEDESK_MEDIA_ROOT": str(tmp_path / "media"),
        "CASEDESK_MAIL_SPOOL": str(spool),
        "DEFAULT_FROM_EMAIL": DESK,
        "CASEDESK_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    worker = subprocess.Popen(
        [CASEDESK, "worker", "--no-tasks", "--interval", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert _spool(tmp_path, corpus("gmail_rfc2231.eml"), spool).returncode == 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Case.objects.exists():
            time.sleep(0.2)
        assert Case.objects.get().contact == customers["emily"]
        assert InboundMessage.objects.get().source == "spool"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert not list((spool / "new").iterdir())
