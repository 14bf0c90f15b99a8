from django.core.management.base import BaseCommand, CommandError

from casedesk.accounts import selectors, services
from casedesk.core.errors import DomainError


class Command(BaseCommand):
    help = "Create an API token for a user; the token is printed once, on the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, **o):
        try:
            user = selectors.user_by_username(o["username"])
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        if not user.is_active:
            raise CommandError(f"User {user.username!r} is inactive.")
        token, raw = services.token_create(user=user, name=o["name"])
        self.stderr.write(f"Token {token.prefix}… for {user.username} (shown once; keep it safe):")
        self.stdout.write(raw)
