"""``casedesk mailgate`` as Postfix runs it: a process per message, the mail on stdin."""

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
