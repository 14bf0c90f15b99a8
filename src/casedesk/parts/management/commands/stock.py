"""``casedesk stock PART_NUMBER``: a part's stock on hand per location, good and defective."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from casedesk.core.errors import DomainError
from casedesk.parts import selectors


class Command(BaseCommand):
    help = "Print a spare part's stock on hand per location (good and defective)."

    def add_arguments(self, parser):
        parser.add_argument("part_number")

    def handle(self, *args, part_number: str, **options):
        try:  # the operator at the console reads as the system
            part = selectors.part_get(part_number=part_number, fetched_by=None)
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        rows = selectors.on_hand(part=part, fetched_by=None)
        self.stdout.write(f"{part.part_number}  {part.description}")
        self.stdout.write(f"{'location':<12} {'kind':<11} {'good':>6} {'defective':>9}")
        for row in rows:
            self.stdout.write(
                f"{row.location.code:<12} {row.location.kind:<11} {row.good:>6} {row.defective:>9}"
            )
        good = selectors.good_stock(part=part)
        self.stdout.write(f"good stock {good}, safety stock {part.safety_stock}")
