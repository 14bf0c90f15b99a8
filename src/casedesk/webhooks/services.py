"""Queue CASE events for the webhooks (in the caller's transaction) and deliver them after.

``on_event`` writes one delivery row per interested webhook in the transaction that wrote
the event, unique per (webhook, event): a rolled-back operation sends nothing, a repeated
call adds nothing.  Delivery claims due rows, posts each outside any transaction (no
redirects followed, ``CASEDESK_WEBHOOK_TIMEOUT``), and records the answer; a failure is
retried after 1, 2, 4 … minutes (at most an hour) until ``CASEDESK_WEBHOOK_MAX_ATTEMPTS``,
then the row is ``failed`` and waits for an administrator's "retry now".

A sender renews its claim on a row (wall-clock time) just before posting it, so a row whose
sender died is taken over after ``claim_timeout()`` and a live sender never posts a row
taken from it.  Only a sender that dies between the receiver's answer and recording it makes
the row go out twice: receivers dedupe on ``X-Casedesk-Delivery``.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid
from collections.abc import Iterable
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from casedesk.cases.choices import EventKind
from casedesk.core import after_commit, audit, clock, policy
from casedesk.core.errors import InvalidInput
from casedesk.core.operations import operation
from casedesk.core.services import snapshot
from casedesk.webhooks.policy import WebhookAction

from . import formats, selectors
from .choices import DeliveryStatus, WebhookFormat
from .models import Webhook, WebhookDelivery
from .tasks import deliver_webhooks
from .validators import format_problems, validate_webhook_url

log = logging.getLogger(__name__)

RETRY_FIRST = dt.timedelta(minutes=1)
RETRY_MAX = dt.timedelta(hours=1)
EXCERPT = 2000  # bytes of the answer kept (and parsed, for the bots' result code)

# --- Queueing (inside the operation's transaction) ------------------------------------


def on_event(case, event) -> None:
    """Queue ``event`` for every active webhook that wants it; deliver after commit."""
    on_events([(case, event)])


def on_events(case_events: Iterable[tuple[Any, Any]]) -> None:
    """:func:`on_event` for many saved events at once (a supervisor batch's deadlines)."""
    hooks = selectors.active_hooks()
    if not hooks:
        return
    now = clock.now()
    rows = []
    for case, event in case_events:
        wanted = [h for h in hooks if h.wants(case, event)]
        if not wanted:
            continue
        payload = event_payload(case, event)
        rows += [
            WebhookDelivery(
                webhook_id=h.pk,
                case=case,
                event=event,
                event_kind=event.kind,
                payload=payload,
                created_at=now,
                next_attempt_at=now,
            )
            for h in wanted
        ]
    if rows:
        WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        after_commit.once(_kick_delivery)


def event_payload(case, event) -> dict[str, Any]:
    """The JSON document of an event: what happened and the CASE as it was just after."""
    return {
        "event": {
            "id": event.pk,
            "kind": event.kind,
            "at": clock.iso_utc(event.at),
            "actor": _person(event.actor) if event.actor_id else None,
            "internal": event.internal,
            "data": event.data,
        },
        "case": {
            "number": case.number,
            "title": case.title,
            "priority": case.priority,
            "status": case.status,
            "escalation_level": case.escalation_level,
            "organization": {"code": case.organization.code, "name": case.organization.name},
            "engineer": _person(case.engineer) if case.engineer_id else None,
            "created_at": clock.iso_utc(case.created_at),
        },
    }


def _as_sent(payload: dict[str, Any], number: str | None) -> dict[str, Any]:
    """The stored document with the CASE's number and link as they are now.

    An opening's event is written before the CASE draws its number (``case_open`` takes
    it last, to hold the sequence lock briefly), so the row holds a placeholder; the
    number never changes once drawn.
    """
    if number is None or payload.get("case") is None:
        return payload
    placeholder = payload["case"]["number"]
    document = {**payload, "case": {**payload["case"], "number": number, "url": case_url(number)}}
    data = payload["event"].get("data") or {}
    if data.get("number") == placeholder:
        document["event"] = {**payload["event"], "data": {**data, "number": number}}
    return document


def case_url(number: str) -> str:
    """The CASE's page in the console, absolute when CASEDESK_BASE_URL is set."""
    path = reverse("web:case_detail", args=[number])
    base = settings.CASEDESK_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else ""


def _person(user) -> dict[str, str]:
    return {"username": user.username, "name": user.display_name}


def _kick_delivery() -> None:
    try:
        deliver_webhooks.enqueue()
    except Exception:  # the worker's sweep delivers it anyway
        log.exception("could not enqueue webhook delivery")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


# --- Administration --------------------------------------------------------------------


@operation
def webhook_create(
    *,
    by,
    name: str,
    url: str,
    format: str = WebhookFormat.GENERIC,
    secret: str = "",
    event_kinds: Iterable[str] = (),
    organization=None,
    include_internal: bool = False,
    active: bool = True,
) -> tuple[Webhook, str]:
    """Register a webhook (administrators); returns it and the secret if one was generated.

    A JSON webhook without a secret gets a random one, shown to its creator once.
    """
    policy.require(by, WebhookAction.MANAGE_WEBHOOKS)
    name, url, secret = name.strip(), url.strip(), secret.strip()
    if format not in WebhookFormat.values:
        raise InvalidInput(_("Unknown format %(format)r.") % {"format": format})
    kinds = list(dict.fromkeys(event_kinds))
    unknown = [k for k in kinds if k not in EventKind.values]
    if unknown:
        raise InvalidInput(_("Unknown event kinds: %(kinds)s.") % {"kinds": ", ".join(unknown)})
    if not name:
        raise InvalidInput(_("%(field)s is required.") % {"field": "name"})
    try:
        validate_webhook_url(url)
    except ValidationError as exc:
        raise InvalidInput(f"url: {' '.join(exc.messages)}") from None
    problems = format_problems(format=format, url=url, secret=secret)
    if problems:
        raise InvalidInput("; ".join(f"{field}: {text}" for field, text in problems.items()))
    generated = ""
    if format == WebhookFormat.GENERIC and not secret:
        secret = generated = new_secret()
    hook = Webhook(
        name=name,
        url=url,
        format=format,
        secret=secret,
        event_kinds=kinds,
        organization=organization,
        include_internal=include_internal,
        active=active,
        created_at=clock.now(),
    )
    try:
        hook.full_clean()
    except ValidationError as exc:
        raise InvalidInput(
            "; ".join(f"{f}: {' '.join(e)}" for f, e in exc.message_dict.items())
        ) from None
    hook.save()
    audit.record(action="webhook.create", obj=hook, actor=by, data={"after": snapshot(hook)})
    return hook, generated


@operation
def delivery_retry(*, deliveries, by=None) -> int:
    """Send failed or waiting deliveries now, with a full set of attempts again."""
    rows = list(
        deliveries.filter(status__in=[DeliveryStatus.FAILED, DeliveryStatus.PENDING])
        .select_for_update()
        .values("pk", "status", "attempts")
    )
    n = WebhookDelivery.objects.filter(pk__in=[r["pk"] for r in rows]).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=clock.now()
    )
    audit.record_all(
        [
            audit.build(
                action="webhookdelivery.retry",
                object_type=WebhookDelivery._meta.label_lower,
                object_id=r["pk"],
                actor=by,
                before={"status": r["status"], "attempts": r["attempts"]},
                after={"status": DeliveryStatus.PENDING, "attempts": 0},
            )
            for r in rows
        ]
    )
    if n:
        after_commit.once(_kick_delivery)
    return n


def webhook_test(*, webhook: Webhook, by=None) -> WebhookDelivery:
    """Post a test message to ``webhook`` now and record it in its log (an admin's check).

    The one synchronous post in casedesk: an administrator who just typed a URL and a
    secret wants to know at once whether the receiver accepts them.
    """
    now = clock.now()
    token = uuid.uuid4().hex
    row = WebhookDelivery.objects.create(
        webhook=webhook,
        event_kind="test",
        payload={
            "event": {"id": None, "kind": "test", "at": clock.iso_utc(now), "actor": None},
            "case": None,
        },
        status=DeliveryStatus.SENDING,
        claim_token=token,
        claimed_at=clock.wall(),
        created_at=now,
        next_attempt_at=now,
    )
    with _client() as client:
        _attempt(client, row, webhook, token, max_attempts=1)
    row.refresh_from_db()
    audit.record(
        action="webhook.test",
        obj=webhook,
        actor=by,
        data={"delivery": row.pk, "status": row.status, "code": row.last_status_code},
    )
    return row


# --- Delivery (outside transactions) ---------------------------------------------------


def claim_timeout() -> dt.timedelta:
    """How long a claimed row stays its sender's (wall-clock time): well beyond one post."""
    return after_commit.claim_timeout(settings.CASEDESK_WEBHOOK_TIMEOUT)


def _due(now: dt.datetime) -> Q:
    """Rows to post: waiting ones due by ``now`` (the desk's clock), and rows whose
    sender's claim lapsed (the wall clock: see :func:`after_commit.claim_lapsed`)."""
    return Q(webhook__active=True) & (
        Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        | Q(after_commit.claim_lapsed(claim_timeout()), status=DeliveryStatus.SENDING)
    )


def _claim(now: dt.datetime, limit: int, token: str) -> list[WebhookDelivery]:
    """Mark up to ``limit`` due rows as ours (also rows a dead sender left claimed).

    The update repeats the due condition, so of two senders racing for a row only one
    gets it, with or without ``SKIP LOCKED``.
    """
    with transaction.atomic():
        due = WebhookDelivery.objects.filter(_due(now)).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            WebhookDelivery.objects.filter(_due(now), pk__in=ids).update(
                status=DeliveryStatus.SENDING, claimed_at=clock.wall(), claim_token=token
            )
    return list(
        WebhookDelivery.objects.filter(claim_token=token, status=DeliveryStatus.SENDING)
        .annotate(case_number=F("case__number"))
        .order_by("next_attempt_at", "id")
    )


def _client() -> httpx.Client:
    return httpx.Client(timeout=settings.CASEDESK_WEBHOOK_TIMEOUT, follow_redirects=False)


def deliver_due(*, limit: int = 50) -> after_commit.Delivery:
    """Post what is due now; see the module's docstring for retries and claims."""
    token = uuid.uuid4().hex
    rows = _claim(clock.now(), limit, token)
    if not rows:
        return after_commit.Delivery(0, 0, next_retry())
    hooks = Webhook.objects.in_bulk({r.webhook_id for r in rows})
    sent = failed = 0
    with _client() as client:
        for row in rows:
            hook = hooks.get(row.webhook_id)
            if hook is None:  # deleted since the claim, and its deliveries with it
                continue
            outcome = _attempt(client, row, hook, token)
            if outcome is True:
                sent += 1
            elif outcome is False:
                failed += 1
    if failed:
        log.warning("%d webhook delivery(ies) failed; will retry or gave up", failed)
    return after_commit.Delivery(sent, failed, next_retry())


def _attempt(
    client: httpx.Client,
    row: WebhookDelivery,
    hook: Webhook,
    token: str,
    *,
    max_attempts: int | None = None,
) -> bool | None:
    """Post one row; True delivered, False failed, None no longer ours (not posted)."""
    mine = WebhookDelivery.objects.filter(
        pk=row.pk, claim_token=token, status=DeliveryStatus.SENDING
    )
    if not mine.update(claimed_at=clock.wall()):
        return None
    status_code, text, error = None, "", None
    try:
        request = formats.build(
            format=hook.format,
            url=hook.url,
            secret=hook.secret,
            payload=_as_sent(row.payload, getattr(row, "case_number", None)),
            delivery_id=row.pk,
            now=clock.wall(),  # the receiver checks the signature's time against its clock
        )
        with client.stream(
            "POST", request.url, content=request.body, headers=request.headers
        ) as response:
            status_code, text = response.status_code, _excerpt(response)
        error = formats.accepted(hook.format, status_code, text)
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # a bad URL or payload must not stop the batch
        log.exception("webhook %s: delivery %s", hook.pk, row.pk)
        error = f"{type(exc).__name__}: {exc}"
    done = clock.now()
    attempts = row.attempts + 1
    result: dict[str, Any] = {
        "attempts": attempts,
        "last_status_code": status_code,
        "response_excerpt": text,
        "claim_token": "",
    }
    if error is None:
        mine.update(status=DeliveryStatus.SENT, sent_at=done, last_error="", **result)
        return True
    if attempts >= (max_attempts or settings.CASEDESK_WEBHOOK_MAX_ATTEMPTS):
        mine.update(status=DeliveryStatus.FAILED, last_error=error[:2000], **result)
    else:
        mine.update(
            status=DeliveryStatus.PENDING,
            next_attempt_at=done + backoff(attempts),
            last_error=error[:2000],
            **result,
        )
    return False


def _excerpt(response: httpx.Response) -> str:
    """The start of the answer: enough to log and to read a bot's result code, never a
    whole download from a receiver that answers with something large."""
    body = b""
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) >= EXCERPT:
            break
    return body[:EXCERPT].decode(response.encoding or "utf-8", errors="replace")


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failure: 1, 2, 4 … minutes, at most an hour."""
    return min(RETRY_FIRST * 2 ** min(attempts - 1, 20), RETRY_MAX)


def next_retry() -> dt.datetime | None:
    return (
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, webhook__active=True)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def any_due() -> bool:
    """Is a delivery waiting (the worker's sweep asks each minute)?"""
    return WebhookDelivery.objects.filter(_due(clock.now())).exists()
