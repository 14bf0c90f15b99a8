"""Reads: the active webhooks, kept in memory per process while the version row says so."""

from __future__ import annotations

from dataclasses import dataclass

from casedesk.core import policy, versions
from casedesk.webhooks.policy import WebhookAction

from .models import Webhook, WebhookConfigVersion


@dataclass(frozen=True)
class ActiveHook:
    """What deciding whether an event goes to a webhook needs; shared, never changed."""

    pk: int
    event_kinds: frozenset[str]  # empty: every kind
    organization_id: int | None  # None: every customer
    include_internal: bool

    def wants(self, case, event) -> bool:
        return (
            (not self.event_kinds or event.kind in self.event_kinds)
            and (self.organization_id is None or self.organization_id == case.organization_id)
            and (self.include_internal or not event.internal)
        )


_cache: dict[int | None, tuple[ActiveHook, ...]] = {}


def config_version() -> int | None:
    return versions.read(WebhookConfigVersion)


def active_hooks() -> tuple[ActiveHook, ...]:
    """The active webhooks: one primary-key read per call while nothing changed.

    Without a version row no webhook was ever saved (the row is written with the first),
    so a desk without webhooks pays that one read and nothing else.
    """
    version = config_version()
    if version is None:
        return ()
    if version in _cache:
        return _cache[version]
    hooks = tuple(
        ActiveHook(
            pk=h.pk,
            event_kinds=frozenset(h.event_kinds or ()),
            organization_id=h.organization_id,
            include_internal=h.include_internal,
        )
        for h in Webhook.objects.filter(active=True).order_by("pk")
    )
    _cache.clear()
    _cache[version] = hooks
    return hooks


def hooks_changed(**_signal_kwargs) -> None:
    """Webhooks changed (in this transaction): every process reloads them.

    Connected to Webhook's save and delete signals; call it after a bulk change
    (``QuerySet.update``) that sends none.
    """
    _cache.clear()
    versions.bump(WebhookConfigVersion)


def webhook_list(*, fetched_by) -> list[Webhook]:
    """Every webhook, for an administrator."""
    policy.require(fetched_by, WebhookAction.MANAGE_WEBHOOKS)
    qs = policy.visible(fetched_by, Webhook).select_related("organization")
    return list(qs.order_by("name", "id"))
