from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (task queue) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args, **o):
        call_command(
            "db_worker",
            queue_name="*",
            interval=o["interval"],
            reload=False,
            verbosity=o["verbosity"],
        )
