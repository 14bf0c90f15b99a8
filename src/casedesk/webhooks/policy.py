"""Who may manage the URLs CASE events are posted to: admins only."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import Role
from casedesk.core import policy

from .models import Webhook


class WebhookAction(StrEnum):
    MANAGE_WEBHOOKS = "manage_webhooks"


def _rule(user, action: str, obj) -> bool:
    return user.role == Role.ADMIN


policy.register("webhooks", {WebhookAction.MANAGE_WEBHOOKS: gettext_lazy("manage webhooks")}, _rule)
policy.register_visibility(Webhook, lambda user, qs: qs if _rule(user, "", None) else qs.none())
