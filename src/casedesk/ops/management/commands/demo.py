import argparse
import textwrap

from django.core.management.base import BaseCommand, CommandError

from casedesk import demo
from casedesk.cases.models import Case
from casedesk.core.errors import DomainError


def _help() -> str:
    width = max(len(u) for u, _ in demo.logins())
    rows = "\n".join(f"  {u.ljust(width)}  {what}" for u, what in demo.logins())
    about = textwrap.fill(
        "Load demo data: 6 customer organizations (gold 7×24 and silver 5×8) with contacts, "
        "a desk staff of 13 with skills, tiers and a manager chain, and about 300 CASEs "
        "over the last 90 days in Chinese and English, in every state, with work logs, "
        "escalations and reopenings, all made through the CASE operations.",
        width=88,
    )
    return f"{about}\n\nLogins (password '{demo.PASSWORD}' for all):\n{rows}"


class Command(BaseCommand):
    help = _help()

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (successfully) if the database already has CASEs or demo logins",
        )
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="random seed")
        parser.add_argument(
            "--cases", type=int, default=demo.DEFAULT_CASES, help="how many CASEs (default 300)"
        )

    def handle(self, *args, **o):
        found = demo.present()
        if o["if_empty"]:
            cases = Case.objects.count()
            if cases or found:
                why = f"{cases} CASEs" if cases else "demo logins " + ", ".join(found[:4])
                self.stdout.write(f"Demo data not loaded: the database already has {why}.")
                return
        elif found:
            raise CommandError(
                "The demo is already loaded here (found "
                + ", ".join(found[:6])
                + (", …" if len(found) > 6 else "")
                + "). Load it into an empty database, e.g. CASEDESK_VAR_DIR=/tmp/demo."
            )
        if o["cases"] < 1:
            raise CommandError("--cases must be at least 1.")
        try:
            summary = demo.load(seed=o["seed"], cases=o["cases"])
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write("Demo data loaded:")
        for line in summary.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(
            f"Log in as admin, taker, duty, eng.li, se.zhao, csm, cust.ctbj … "
            f"(password '{demo.PASSWORD}'; all logins: casedesk demo --help)."
        )
