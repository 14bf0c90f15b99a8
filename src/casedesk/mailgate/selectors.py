"""Reads of the gateway's messages (the console's quarantine page, the admin)."""

from __future__ import annotations

from django.db.models import QuerySet

from casedesk.accounts.models import User
from casedesk.core import policy

from .models import InboundMessage


def inbound_messages(*, status: str, fetched_by: User | None) -> QuerySet[InboundMessage]:
    """The messages in ``status`` that ``fetched_by`` may read, newest first."""
    return (
        policy.visible(fetched_by, InboundMessage)
        .filter(status=status)
        .select_related("case")
        .order_by("-received_at", "-id")
    )
