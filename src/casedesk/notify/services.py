"""Queue messages in the outbox (inside the caller's transaction) and deliver them after.

Queueing renders the message in the recipient's language and writes one row per recipient
with a unique key, so firing the same reason twice can never mail anyone twice.  Delivery
claims rows in a short transaction, talks SMTP outside any transaction, and records the
result; a failing server only delays a message (retried with backoff), it never drops it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from casedesk import after_commit, clock
from casedesk.accounts.models import User

from .models import Notification, NotificationStatus

log = logging.getLogger(__name__)

RETRY_MAX = dt.timedelta(minutes=30)
CLAIM_TIMEOUT = dt.timedelta(minutes=5)


def _render(template: str, context: dict[str, Any], language: str, zone) -> tuple[str, str]:
    """Subject (one line) and body of ``template`` in ``language``, times in ``zone``."""
    from django.utils import timezone

    with translation.override(language), timezone.override(zone):
        subject = " ".join(render_to_string(f"notify/{template}.subject.txt", context).split())
        body = render_to_string(f"notify/{template}.body.txt", context)
    return subject, body


def _render_shared(template: str, context: dict[str, Any], user: User) -> tuple[str, str]:
    """Subject and body as everyone of one language and zone reads them (see _personal)."""
    return _render(template, context, _language(user), clock.user_zone(user))


def _labels(context: dict[str, Any]) -> dict[str, Any]:
    """The choice labels a message shows, lazy (each recipient's language at rendering);
    cheaper than ``get_FOO_display``, which hashes every choice on every call."""
    from casedesk.cases.choices import Priority, Status
    from casedesk.sla.choices import DeadlineKind

    labels: dict[str, Any] = {}
    if (case := context.get("case")) is not None:
        labels["priority"] = Priority(case.priority).label
        labels["status"] = Status(case.status).label
    if (deadline := context.get("deadline")) is not None:
        labels["kind"] = DeadlineKind(deadline.kind).label
    return labels


def _personal(user: User, copy: bool, case) -> tuple[str, str]:
    """What differs between people of one language and zone: the subject's tag and CC
    mark, the greeting and the CC note (plain gettext, far cheaper than a template)."""
    with translation.override(_language(user)):
        tag = f"[{case.number}] " if case is not None else ""
        if copy:
            tag += gettext("CC") + ": "  # outside an f-string, where makemessages sees it
        body = gettext("Hello %(name)s,") % {"name": user.display_name}
        body += "\n\n"
        if copy:
            body += gettext("You receive a copy because you were told about this CASE earlier.")
            body += "\n\n"
    return tag, body


def _language(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


def queue(
    *,
    template: str,
    context: dict[str, Any],
    reason: str,
    recipients: Iterable[User],
    copies: Iterable[User] = (),
    case=None,
    deadline=None,
) -> list[Notification]:
    """Write one outbox row per person (``copies`` marked CC); deliver after commit.

    ``reason`` identifies why (``deadline:42``, ``assigned:C2611001:7``); together with the
    recipient it is unique, so queueing the same reason again adds nothing.
    """
    rows = build(
        template=template,
        context=context,
        reason=reason,
        recipients=recipients,
        copies=copies,
        case=case,
        deadline=deadline,
    )
    write(rows)
    return rows


def write(rows: list[Notification]) -> None:
    """Save outbox rows made by :func:`build` (in the caller's transaction), many at once."""
    if rows:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        # One delivery task a transaction (a supervisor batch queues for a hundred deadlines).
        after_commit.once(_kick_delivery)


def queue_to_address(
    *,
    template: str,
    context: dict[str, Any],
    reason: str,
    to_email: str,
    language: str,
    case=None,
    message_id: str = "",
    in_reply_to: str = "",
    references: Iterable[str] = (),
) -> Notification:
    """One message to an address that may have no account (a customer who e-mailed the
    desk, or a stranger refused politely), in ``language``; unique per reason and address.
    ``in_reply_to`` and ``references`` thread it under the mail it answers."""
    now = clock.now()
    context = {**context, "labels": _labels(context)}
    subject, body = _render(template, context, language, clock.desk_zone())
    if case is not None:
        subject = f"[{case.number}] {subject}"
    row = Notification(
        case=case,
        dedupe_key=f"{reason}:{to_email.lower()}"[:150],
        recipient=None,
        to_email=to_email,
        language=language,
        subject=subject[:300],
        body=body,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=" ".join(references),
        created_at=now,
        next_attempt_at=now,
    )
    write([row])
    return row


def build(
    *,
    template: str,
    context: dict[str, Any],
    reason: str,
    recipients: Iterable[User],
    copies: Iterable[User] = (),
    case=None,
    deadline=None,
) -> list[Notification]:
    """The rows :func:`queue` writes, rendered but not saved (to write many in one go)."""
    now = clock.now()
    people: dict[int, tuple[User, bool]] = {}
    for user in recipients:
        people.setdefault(user.pk, (user, False))
    for user in copies:
        people.setdefault(user.pk, (user, True))
    rows = []
    context = {**context, "labels": _labels(context)}
    # The templates render once per language and time zone, not once per person.
    shared: dict[tuple[str, str], tuple[str, str]] = {}
    for user, copy in people.values():
        if not user.email or not user.is_active:
            continue
        key = (_language(user), str(clock.user_zone(user)))
        if key not in shared:
            shared[key] = _render_shared(template, context, user)
        subject, text = shared[key]
        tag, opening = _personal(user, copy, case)
        subject, body = (tag + subject)[:300], opening + text
        rows.append(
            Notification(
                case=case,
                deadline=deadline,
                dedupe_key=f"{reason}:{user.pk}",
                recipient=user,
                to_email=user.email,
                copy=copy,
                language=_language(user),
                subject=subject,
                body=body,
                created_at=now,
                next_attempt_at=now,
            )
        )
    return rows


def _kick_delivery() -> None:
    from .tasks import deliver_notifications

    try:
        deliver_notifications.enqueue()
    except Exception:  # the worker's sweep delivers it anyway
        log.exception("could not enqueue notification delivery")


def _claim(now: dt.datetime, limit: int) -> list[Notification]:
    """Mark up to ``limit`` due rows as ours (also rows a crashed sender left claimed)."""
    with transaction.atomic():
        due = Notification.objects.filter(
            status=NotificationStatus.PENDING, next_attempt_at__lte=now
        ) | Notification.objects.filter(
            status=NotificationStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
        )
        due = due.order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due[:limit])
        if rows:
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
                status=NotificationStatus.SENDING, claimed_at=now
            )
    return rows


def _message(n: Notification, number: str | None = None) -> EmailMessage:
    """The e-mail of one outbox row.  Mail about a CASE threads in the customer's client:
    ``References`` starts with the CASE's root id ``<C2611001@domain>`` (the Message-ID of
    its acknowledgement), then the customer's mails this answers; ``In-Reply-To`` names
    the customer's mail, or the root."""
    from casedesk.mailgate.threading import domain, root_id

    message_id = n.message_id or make_msgid(idstring=f"n{n.pk}", domain=domain())
    headers = {"Message-ID": message_id, "Auto-Submitted": "auto-generated"}
    references = n.references.split()
    if number:
        references.insert(0, root_id(number))
    references = [r for i, r in enumerate(references) if r not in references[:i]]
    references = [r for r in references if r != message_id]
    in_reply_to = n.in_reply_to or (references[-1] if references else "")
    if in_reply_to and in_reply_to != message_id:
        headers["In-Reply-To"] = in_reply_to
    if references:
        headers["References"] = " ".join(references)
    return EmailMessage(
        subject=n.subject,
        body=n.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[n.to_email],
        headers=headers,
    )


def deliver_due(*, limit: int = 200) -> after_commit.Delivery:
    """Send what is due now; failures wait ``2**attempts`` minutes (at most 30) and retry."""
    now = clock.now()
    rows = _claim(now, limit)
    if not rows:
        return after_commit.Delivery(0, 0, _next_retry())
    sent, failed = [], []
    numbers = _case_numbers(rows)
    try:
        conn = get_connection(fail_silently=False)
        conn.open()
    except (smtplib.SMTPException, OSError) as exc:
        conn, error = None, exc
    for n in rows:
        if conn is None:
            failed.append((n, error))
            continue
        msg = _message(n, numbers.get(n.case_id))
        msg.connection = conn
        try:
            msg.send()
            sent.append((n, msg.extra_headers["Message-ID"]))
        except (smtplib.SMTPException, OSError) as exc:
            failed.append((n, exc))
    if conn is not None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            conn.close()
    done = clock.now()
    with transaction.atomic():
        for n, message_id in sent:
            Notification.objects.filter(pk=n.pk).update(
                status=NotificationStatus.SENT,
                sent_at=done,
                message_id=message_id,
                attempts=n.attempts + 1,
                last_error="",
            )
        for n, exc in failed:
            attempts = n.attempts + 1
            wait = min(dt.timedelta(minutes=2 ** min(attempts - 1, 10)), RETRY_MAX)
            Notification.objects.filter(pk=n.pk).update(
                status=NotificationStatus.PENDING,
                attempts=attempts,
                next_attempt_at=done + wait,
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
            )
    if failed:
        log.warning("%d notification(s) not delivered; will retry", len(failed))
    return after_commit.Delivery(len(sent), len(failed), _next_retry())


def _case_numbers(rows: list[Notification]) -> dict[int, str]:
    from casedesk.cases.models import Case

    ids = {n.case_id for n in rows if n.case_id}
    return dict(Case.objects.filter(pk__in=ids).values_list("pk", "number")) if ids else {}


def _next_retry() -> dt.datetime | None:
    row = (
        Notification.objects.filter(status=NotificationStatus.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return row
