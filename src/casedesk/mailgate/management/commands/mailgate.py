"""``casedesk mailgate``: one raw message on stdin (a Postfix/Exim pipe), or ``--imap``.

Exit status for the pipe: 0 once the message is stored (processed, ignored or quarantined
alike); 75 (EX_TEMPFAIL) when it could not be stored, so the MTA keeps it and retries.
"""

from __future__ import annotations

import contextlib
import imaplib
import io
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casedesk.mailgate import services
from casedesk.mailgate.models import InboundMessage

EX_TEMPFAIL = 75


class Command(BaseCommand):
    # A pipe runs one process per message: skip the system checks, which import every URL
    # and view of the site (half a second) and check nothing the gateway uses.
    requires_system_checks: list[str] = []
    help = "Take e-mail into the desk: one RFC 822 message on stdin, or poll IMAP (--imap)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--imap",
            action="store_true",
            help="Poll the IMAP mailbox of CASEDESK_IMAP_* once; mark what was taken \\Seen "
            "(or move it to CASEDESK_IMAP_DONE_FOLDER).",
        )
        parser.add_argument(
            "--spool",
            action="store_true",
            help="Take the messages `python -m casedesk.mailgate.spool` left in the spool "
            "(CASEDESK_MAIL_SPOOL).",
        )
        parser.add_argument(
            "--watch",
            type=float,
            metavar="SECONDS",
            help="With --spool: keep looking every SECONDS until stopped.",
        )
        parser.add_argument(
            "--pending",
            action="store_true",
            help="Process messages stored but never processed (a crash between the two).",
        )

    def handle(self, *args, **options):
        if options["imap"]:
            self._imap()
        elif options["spool"]:
            self._spool(options["watch"])
        elif options["pending"]:
            for message in InboundMessage.objects.filter(status="stored").order_by("id"):
                message = services.process(message)
                self.stdout.write(f"{message.message_id} {message.status}")
        else:
            self._stdin()

    def _spool(self, watch: float | None):
        directory = Path(settings.CASEDESK_MAIL_SPOOL)
        while True:
            for message in services.ingest_spool(directory):
                number = message.case.number if message.case_id else "-"
                self.stdout.write(f"{message.message_id} {message.status} {number}")
            if not watch:
                return
            time.sleep(watch)

    def _stdin(self):
        try:
            message, created = services.store(sys.stdin.buffer, source="stdin")
        except Exception as exc:  # noqa: BLE001 - the MTA keeps the mail and retries
            self.stderr.write(f"mailgate: could not store the message: {exc}")
            sys.exit(EX_TEMPFAIL)
        if created or message.status == "stored":
            message = services.process(message)
        number = message.case.number if message.case_id else "-"
        self.stdout.write(f"{message.message_id} {message.status} {number}")

    def _imap(self):
        if not settings.CASEDESK_IMAP_HOST:
            raise CommandError("Set CASEDESK_IMAP_HOST (and _USER, _PASSWORD) to poll IMAP.")
        cls = imaplib.IMAP4_SSL if settings.CASEDESK_IMAP_SSL else imaplib.IMAP4
        imap = cls(settings.CASEDESK_IMAP_HOST, settings.CASEDESK_IMAP_PORT)
        try:
            imap.login(settings.CASEDESK_IMAP_USER, settings.CASEDESK_IMAP_PASSWORD)
            typ, _ = imap.select(settings.CASEDESK_IMAP_FOLDER)
            if typ != "OK":
                raise CommandError(f"No IMAP folder {settings.CASEDESK_IMAP_FOLDER!r}.")
            typ, data = imap.uid("SEARCH", None, "UNSEEN")
            uids = data[0].split() if typ == "OK" and data and data[0] else []
            taken = 0
            for uid in uids:
                typ, fetched = imap.uid("FETCH", uid, "(BODY.PEEK[])")
                raw = next((part[1] for part in fetched or () if isinstance(part, tuple)), None)
                if typ != "OK" or raw is None:
                    continue
                message = services.ingest(io.BytesIO(raw), source="imap")
                # Stored: only now is it marked (or moved), so a crash leaves it unseen.
                if settings.CASEDESK_IMAP_DONE_FOLDER:
                    imap.uid("COPY", uid, settings.CASEDESK_IMAP_DONE_FOLDER)
                    imap.uid("STORE", uid, "+FLAGS", "(\\Deleted \\Seen)")
                else:
                    imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
                taken += 1
                self.stdout.write(f"{message.message_id} {message.status}")
            if settings.CASEDESK_IMAP_DONE_FOLDER and taken:
                imap.expunge()
            self.stdout.write(f"{taken} message(s) taken from IMAP")
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                imap.logout()
