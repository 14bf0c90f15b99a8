import time

from django.core.management.base import BaseCommand

from casedesk.cases.models import Case
from casedesk.search.services import refresh_stats, reindex


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the CASEs and their work logs (all, or the CASEs "
        "numbered), and recount how often each token occurs (--stats-only: just that, "
        "e.g. nightly). The CASE operations keep the index up to date; this is for repairs."
    )

    def add_arguments(self, parser):
        parser.add_argument("numbers", nargs="*", help="CASE numbers (default: every CASE)")
        parser.add_argument("--stats-only", action="store_true")

    def handle(self, *args, numbers, stats_only, **options):
        started = time.monotonic()
        if stats_only:
            refresh_stats()
            self.stdout.write(f"token statistics refreshed in {time.monotonic() - started:.1f} s")
            return
        ids = None
        if numbers:
            ids = list(
                Case.objects.filter(number__in=[n.upper() for n in numbers]).values_list(
                    "pk", flat=True
                )
            )
        done = reindex(ids, progress=self._progress if ids is None else None)
        self.stdout.write(f"{done} CASEs indexed in {time.monotonic() - started:.1f} s")

    def _progress(self, done: int) -> None:
        if done % 20_000 == 0:
            self.stdout.write(f"  {done} …")
