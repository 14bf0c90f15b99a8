from django.core.management.base import BaseCommand

from casedesk.sla.defaults import ensure_all


class Command(BaseCommand):
    help = "Add SPEC §3's default calendars, SLA policies and escalation matrix where missing."

    def handle(self, *args, **options):
        ensure_all()
        self.stdout.write("Default calendars, SLA policies and escalation matrix are in place.")
