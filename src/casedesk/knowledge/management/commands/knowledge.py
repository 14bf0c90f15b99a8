"""``casedesk knowledge stale [--by USERNAME]``: flag for review every published article
unused for a year (not published, linked to a CASE nor said to solve a problem) or whose
product version reached its end of life (``ProductLifecycle``, kept in the admin); print
them.  Run it nightly (cron, a systemd timer).  Bad input: a message on stderr, exit 1,
nothing written."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from casedesk.accounts import selectors as accounts
from casedesk.core.errors import DomainError
from casedesk.knowledge import services


class Command(BaseCommand):
    help = "Knowledge base upkeep: flag stale articles for review."

    def add_arguments(self, parser):
        steps = parser.add_subparsers(dest="step", required=True)
        stale = steps.add_parser("stale", help="flag unused and end-of-life articles for review")
        stale.add_argument("--by", default="", help="username of a reviewer (default: the system)")

    def handle(self, *args, **o):
        try:
            by = accounts.user_by_username(o["by"]) if o["by"] else None
            flagged = services.article_flag_stale(by=by)
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        for article in flagged:
            self.stdout.write(f"{article.pk}\t{article.review_reason}\t{article.title}")
        self.stdout.write(f"{len(flagged)} article(s) flagged for review")
