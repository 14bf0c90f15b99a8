"""The ``casedesk`` command: Django's manage.py with casedesk's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casedesk.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args and not args[0].startswith("-"):
        # ``casedesk import-equipment`` runs the command module ``import_equipment``.
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["casedesk", *args])


if __name__ == "__main__":
    main()
