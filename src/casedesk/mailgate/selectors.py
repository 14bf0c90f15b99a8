"""Reads of the gateway's messages (the console's quarantine page, the admin)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import InboundMessage


def inbound_messages(*, status: str) -> QuerySet[InboundMessage]:
    return (
        InboundMessage.objects.filter(status=status)
        .select_related("case")
        .order_by("-received_at", "-id")
    )
