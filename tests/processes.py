"""What a test hands to the ``casedesk`` processes it starts (workers, senders)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connection


def database_url() -> str:
    """The URL of the test database this process uses (a file on SQLite), for a subprocess."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(name).resolve()}"
    return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
