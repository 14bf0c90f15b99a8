"""Serve the web UI and API with gunicorn, and run the worker beside it."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web UI and API (gunicorn) with the worker, until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--bind", default=os.environ.get("CASEDESK_BIND", "127.0.0.1"))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("CASEDESK_WEB_WORKERS", "0")) or None,
            help="web processes (default: 2 × cores + 1, at most 9)",
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("CASEDESK_WEB_THREADS", "4"))
        )
        parser.add_argument("--no-worker", action="store_true", help="do not start the worker")

    @staticmethod
    def control_socket(port: int) -> list[str]:
        """gunicorn ≥ 25.1 opens a control socket at one fixed per-user path by default,
        so a second server (a test, a second checkout) takes over the first one's socket
        and removes it on exit.  Give each server its own, under var/ (``gunicornc -s``).
        """
        from gunicorn.config import KNOWN_SETTINGS

        if "control_socket" not in {setting.name for setting in KNOWN_SETTINGS}:
            return []
        path = settings.VAR_DIR / f"gunicorn-{port}.ctl"
        if len(os.fsencode(path)) >= 100:  # AF_UNIX paths are limited to ~108 bytes
            return ["--no-control-socket"]
        return ["--control-socket", str(path)]

    def handle(self, *args, **o):
        workers = o["workers"] or min(2 * (os.cpu_count() or 1) + 1, 9)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "casedesk.settings"}
        gunicorn = [
            sys.executable, "-m", "gunicorn", "casedesk.wsgi:application",
            "--bind", f"{o['bind']}:{o['port']}",
            "--workers", str(workers),
            "--threads", str(o["threads"]),
            "--worker-class", "gthread",
            "--access-logfile", "-",
            "--graceful-timeout", "10",
            *self.control_socket(o["port"]),
        ]  # fmt: skip
        children = [subprocess.Popen(gunicorn, env=env)]
        if not o["no_worker"]:
            children.append(subprocess.Popen([sys.executable, "-m", "casedesk", "worker"], env=env))
        db = settings.DATABASES["default"]
        self.stdout.write(
            f"casedesk on http://{o['bind']}:{o['port']}/ ({db['ENGINE'].rsplit('.', 1)[-1]}: {db['NAME']})"
        )

        def stop(signum, frame):
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop(None, None)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        code = next((c.returncode for c in children if c.returncode), 0)
        if code not in (0, -signal.SIGTERM):
            sys.exit(code)
