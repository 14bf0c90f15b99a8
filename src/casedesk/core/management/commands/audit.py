"""``casedesk audit verify [--anchor SEQ:HASH]`` and ``casedesk audit head``."""

from django.core.management.base import BaseCommand, CommandError

from casedesk.core import audit
from casedesk.core.models import AuditHead


class Command(BaseCommand):
    help = "Verify the hash-chained audit trail, or print its head as an anchor."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        check = sub.add_parser("verify", help="recompute the chain; exit 1 at the first bad record")
        check.add_argument(
            "--anchor",
            help="SEQ:HASH printed earlier by `casedesk audit head`: the chain must still pass it",
        )
        sub.add_parser("head", help="print the last record's id and hash (an anchor to keep)")

    def handle(self, *args, what, **options):
        if what == "head":
            head = AuditHead.objects.filter(pk=1).first()
            if head is None:
                raise CommandError("The audit trail is empty.")
            self.stdout.write(f"{head.last_seq}:{head.last_hash}")
            return
        anchor = None
        if options.get("anchor"):
            ident, _, digest = options["anchor"].partition(":")
            if not ident.isdigit() or len(digest) != 64:
                raise CommandError("--anchor takes SEQ:HASH as `casedesk audit head` prints it.")
            anchor = (int(ident), digest.lower())
        verdict = audit.verify(anchor=anchor)
        if not verdict.ok:
            where = f" at record {verdict.record_seq}" if verdict.record_seq else ""
            raise CommandError(
                f"Audit chain broken{where}: {verdict.problem} "
                f"({verdict.checked} records before it are intact)."
            )
        self.stdout.write(f"Audit chain intact: {verdict.checked} records.")
