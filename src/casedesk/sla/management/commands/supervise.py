import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from casedesk.core import clock
from casedesk.notify.services import deliver_due
from casedesk.sla.supervisor import run_pass


def parse_instant(value: str) -> dt.datetime:
    """ISO 8601; without an offset it is the desk's local time."""
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now: not an ISO 8601 instant: {value!r}") from exc
    if at.tzinfo is None:
        at = at.replace(tzinfo=clock.desk_zone())
    return at.astimezone(dt.UTC)


class Command(BaseCommand):
    help = (
        "Run one supervision pass as of an instant (default: now): fire every deadline due "
        "by then that has not fired, print one line per action, then send due mail."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO 8601 instant, e.g. 2026-11-22T10:30:00+08:00")
        parser.add_argument("--no-mail", action="store_true", help="leave mail to the worker")

    def handle(self, *args, **o):
        now = parse_instant(o["now"]) if o["now"] else clock.now()
        result = run_pass(now=now)
        for line in result.lines:
            self.stdout.write(line)
        if not o["no_mail"]:
            with clock.frozen(now):
                delivery = deliver_due()
            if delivery.sent or delivery.failed:
                self.stdout.write(f"mail: {delivery.sent} sent, {delivery.failed} to retry")
        self.stderr.write(f"{result.fired} deadline(s) fired as of {clock.iso_utc(now)}")
