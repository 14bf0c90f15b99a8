"""``casedesk rma request CASE PART --by USERNAME [--from LOCATION] [--advance]
[--defective-serial SN] [--courier NAME --tracking-number NO]`` and ``casedesk rma shipping
RMA --tracking-number NO [--courier NAME] --by USERNAME``.

A replacement for a CASE from the console of the server: without ``--from`` it ships from
the nearest location holding a good one (or is backordered); the answer names the RMA, its
status and where it ships from.  Bad input: a message on stderr, exit 1, nothing written.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from casedesk.accounts import selectors as accounts
from casedesk.core.errors import DomainError
from casedesk.parts import selectors, services


class Command(BaseCommand):
    help = "Request a replacement part (RMA) for a CASE, or set its courier number."

    def add_arguments(self, parser):
        steps = parser.add_subparsers(dest="step", required=True)
        request = steps.add_parser("request", help="request a replacement for a CASE")
        request.add_argument("case")
        request.add_argument("part_number")
        request.add_argument("--from", dest="from_location", default="", help="location code")
        request.add_argument("--advance", action="store_true")
        request.add_argument("--defective-serial", default="")
        request.add_argument("--courier", default="")
        request.add_argument("--tracking-number", default="")
        request.add_argument("--by", required=True, help="username of the requester")
        shipping = steps.add_parser("shipping", help="the courier and its number")
        shipping.add_argument("rma")
        shipping.add_argument("--courier", default="")
        shipping.add_argument("--tracking-number", required=True)
        shipping.add_argument("--by", required=True, help="username")

    def handle(self, *args, **o):
        try:
            by = accounts.user_by_username(o["by"])
            if o["step"] == "request":
                rma = services.rma_request(
                    case=selectors.case_get(number=o["case"], fetched_by=by),
                    part=selectors.part_get(part_number=o["part_number"], fetched_by=by),
                    from_location=(
                        selectors.location_get(code=o["from_location"], fetched_by=by)
                        if o["from_location"]
                        else None
                    ),
                    advance=o["advance"],
                    defective_serial=o["defective_serial"],
                    courier=o["courier"],
                    tracking_number=o["tracking_number"],
                    by=by,
                )
            else:
                rma = services.rma_set_shipping(
                    rma=selectors.rma_get(number=o["rma"], fetched_by=by),
                    courier=o["courier"],
                    tracking_number=o["tracking_number"],
                    by=by,
                )
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(
            f"{rma.number} {rma.status} {rma.part.part_number} from {rma.from_location.code}"
            + (
                f" courier {rma.courier} {rma.tracking_number}".rstrip()
                if rma.tracking_number
                else ""
            )
        )
