"""The worker: the supervisor loop (deadlines) beside the task worker (mail delivery)."""

import logging
import os
import signal
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from casedesk.mailgate.services import ingest_spool
from casedesk.notify import services as outbox
from casedesk.notify.tasks import deliver_notifications
from casedesk.sla.supervisor import run_pass
from casedesk.webhooks.tasks import sweep as webhook_sweep

log = logging.getLogger("casedesk.worker")


def supervise_forever(stop: threading.Event, interval: float) -> None:
    """A supervision pass every ``interval`` seconds; a safety sweep of the outboxes at
    start and every ``CASEDESK_OUTBOX_SWEEP`` seconds (a lost kick, a dead sender's rows)."""
    next_sweep = time.monotonic()
    while not stop.is_set():
        try:
            close_old_connections()
            result = run_pass()
            for line in result.lines:
                log.warning("supervisor: %s", line)
            ingest_spool(settings.CASEDESK_MAIL_SPOOL, limit=20)  # the light pipe's mail
            if time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + settings.CASEDESK_OUTBOX_SWEEP
                webhook_sweep()
                if outbox.any_due():
                    deliver_notifications.enqueue()
        except Exception:
            log.exception("supervisor pass failed; retrying")
        stop.wait(interval)
    connection.close()


def stop_on_signals(stop: threading.Event) -> None:
    """SIGINT/SIGTERM: stop after the running pass (it commits and logs); a second: now.

    A signal must not raise in the main thread while it joins the loop: on Python 3.11 a
    KeyboardInterrupt inside ``Thread.join`` marks the thread stopped while it still runs,
    so the process would exit in the middle of the pass.
    """

    def handler(signum, frame):
        if stop.is_set():
            raise SystemExit(1)  # the batch in flight rolls back; the next pass fires it
        log.warning("%s: stopping after the current pass", signal.strsignal(signum))
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


class Command(BaseCommand):
    help = "Run the supervisor loop and the task worker until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=float(os.environ.get("CASEDESK_SUPERVISE_INTERVAL", "1")),
            help="seconds between supervision passes (default 1)",
        )
        parser.add_argument("--no-tasks", action="store_true", help="only the supervisor loop")

    def handle(self, *args, **o):
        stop = threading.Event()
        loop = threading.Thread(
            target=supervise_forever, args=(stop, o["interval"]), name="supervisor", daemon=True
        )
        loop.start()
        try:
            if o["no_tasks"]:
                stop_on_signals(stop)
                while loop.is_alive():
                    loop.join(1)
            else:
                call_command(
                    "db_worker",
                    queue_name="*",
                    interval=min(o["interval"], 1.0),
                    reload=False,
                    verbosity=o["verbosity"],
                )
        finally:
            stop.set()
            loop.join(10)
