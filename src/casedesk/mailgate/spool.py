"""``python -m casedesk.mailgate.spool``: the light pipe for busy mail servers.

``casedesk mailgate`` sets up Django for every message (about a second of CPU: every app's
models and the API's schemas are imported), which a Postfix pipe pays once per message.
This module imports nothing but the standard library: it writes the message into the spool
(``tmp/`` then, once fsynced, renamed into ``new/``, as Maildir does), fsyncs the directory
and exits 0, or 75 (EX_TEMPFAIL) so that the mail server keeps the message and retries.
``casedesk mailgate --spool [--watch SECONDS]`` then stores and processes what it finds,
in one long-lived process, and removes each file only after its row is committed.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from typing import BinaryIO

EX_TEMPFAIL = 75
CHUNK = 1024 * 1024


def spool_dir() -> Path:
    """``CASEDESK_MAIL_SPOOL``, else ``mail-spool`` under ``CASEDESK_VAR_DIR`` (settings.py
    computes the same default)."""
    if path := os.environ.get("CASEDESK_MAIL_SPOOL"):
        return Path(path).resolve()
    var = Path(os.environ.get("CASEDESK_VAR_DIR", Path.cwd() / "var")).resolve()
    return var / "mail-spool"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def deliver(stream: BinaryIO, directory: Path | None = None) -> Path:
    """Write one message into ``directory``/new, durably; its path."""
    directory = directory or spool_dir()
    (directory / "tmp").mkdir(parents=True, exist_ok=True)
    (directory / "new").mkdir(parents=True, exist_ok=True)
    name = f"{os.getpid()}.{uuid.uuid4().hex}.eml"
    tmp = directory / "tmp" / name
    try:
        with open(tmp, "xb") as out:
            while chunk := stream.read(CHUNK):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        final = directory / "new" / name
        os.rename(tmp, final)
        _fsync_dir(directory / "new")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return final


def main() -> None:
    try:
        deliver(sys.stdin.buffer)
    except Exception as exc:  # noqa: BLE001 - the MTA keeps the mail and retries
        print(f"mailgate spool: could not store the message: {exc}", file=sys.stderr)
        sys.exit(EX_TEMPFAIL)


if __name__ == "__main__":
    main()
