from django.core.management.base import BaseCommand, CommandError

from casedesk.accounts import selectors, services
from casedesk.accounts.choices import Role, Tier
from casedesk.core.errors import DomainError


class Command(BaseCommand):
    help = "Create a user with a role (staff get a staff profile; a customer needs --org)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--tier", choices=Tier.values)
        parser.add_argument("--skills", default="", help="comma-separated skill codes")
        parser.add_argument("--email", default="")
        parser.add_argument("--org", help="organization code (customers, partner engineers)")
        parser.add_argument("--phone", default="")
        parser.add_argument("--manager", help="username of the staff member's manager")
        parser.add_argument("--password", help="password for web login (default: none)")
        parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])

    def handle(self, *args, **o):
        try:
            user = services.user_create(
                username=o["username"],
                role=o["role"],
                tier=o["tier"],
                skills=[s for s in o["skills"].split(",") if s.strip()],
                email=o["email"],
                organization=selectors.organization_by_code(o["org"]) if o["org"] else None,
                phone=o["phone"],
                manager=selectors.user_by_username(o["manager"]) if o["manager"] else None,
                password=o["password"],
                language=o["language"],
            )
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(f"Created {user.role} {user.username}.")
