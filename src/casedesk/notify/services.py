"""Queue messages in the outbox (inside the caller's transaction) and deliver them after.

Queueing renders the message in the recipient's language and writes one row per recipient
with a unique key, so firing the same reason twice can never mail anyone twice, and with its
``Message-ID``.  Delivery claims rows in a short transaction, talks SMTP outside any
transaction, and records each message as sent in its own short transaction as soon as the
server accepts it; a failing server only delays a message (retried with backoff), it never
drops it.

A sender's claim on its rows is wall-clock time (never the desk's clock, which
``supervise --now`` moves) and renewed before half of :func:`claim_timeout` has passed, so a
row whose sender died is taken over after the timeout and a live sender never sends a row
taken from it.  Only a sender that dies between the server's acceptance and recording it
sends a message twice: one message per crash, with the same ``Message-ID``, which mail
servers and clients recognise.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from casedesk.accounts.models import User
from casedesk.cases.choices import Priority, Status
from casedesk.cases.models import Attachment, Case
from casedesk.core import after_commit, audit, clock
from casedesk.core.operations import operation

from .models import Notification, NotificationStatus, new_message_id, root_id
from .tasks import deliver_notifications

log = logging.getLogger(__name__)

RETRY_MAX = dt.timedelta(minutes=30)


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
    labels: dict[str, Any] = {}
    if (case := context.get("case")) is not None:
        labels["priority"] = Priority(case.priority).label
        labels["status"] = Status(case.status).label
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


def queue_to_caller(
    *, case, template: str, context: dict[str, Any], reason: str
) -> Notification | None:
    """One message to the CASE's caller (the address the CASE was reported from, else its
    contact's), in their portal language if they have a login, else the desk's; None when
    there is no address.  ``context`` gets ``name`` (the caller's) unless it gives one."""
    contact = case.contact
    address = case.caller_email or (contact.email if contact else "")
    if not address:
        return None
    login = getattr(contact, "user", None) if contact else None
    context = {
        "name": case.caller_name or (contact.name if contact else ""),
        **context,
    }
    return queue_to_address(
        template=template,
        context=context,
        reason=reason,
        to_email=address,
        language=(login.language if login else "") or settings.LANGUAGE_CODE,
        case=case,
    )


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
    attachments: Iterable[Attachment] = (),
) -> Notification:
    """One message to an address that may have no account (a customer who e-mailed the
    desk, or a stranger refused politely), in ``language``; unique per reason and address.
    ``in_reply_to`` and ``references`` thread it under the mail it answers; it carries
    ``attachments`` (attached when it is sent)."""
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
        message_id=message_id or new_message_id(),
        in_reply_to=in_reply_to,
        references=" ".join(references),
        attachments=[{"id": a.pk, "name": a.name} for a in attachments],
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
    try:
        deliver_notifications.enqueue()
    except Exception:  # the worker's sweep delivers it anyway
        log.exception("could not enqueue notification delivery")


def claim_timeout() -> dt.timedelta:
    """How long a claimed row stays its sender's (wall-clock time): well beyond one send."""
    return after_commit.claim_timeout(settings.EMAIL_TIMEOUT)


def _due(now: dt.datetime) -> Q:
    """Rows to send: waiting ones due by ``now`` (the desk's clock), and rows whose
    sender's claim lapsed (the wall clock: see :func:`after_commit.claim_lapsed`)."""
    return Q(status=NotificationStatus.PENDING, next_attempt_at__lte=now) | Q(
        after_commit.claim_lapsed(claim_timeout()), status=NotificationStatus.SENDING
    )


def _claim(now: dt.datetime, limit: int, token: str) -> list[Notification]:
    """Mark up to ``limit`` due rows as ours (also rows a dead sender left claimed).

    The update repeats the due condition, so of two senders racing for a row only one
    gets it, with or without ``SKIP LOCKED``.
    """
    with transaction.atomic():
        due = Notification.objects.filter(_due(now)).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            Notification.objects.filter(_due(now), pk__in=ids).update(
                status=NotificationStatus.SENDING, claimed_at=clock.wall(), claim_token=token
            )
    return list(
        Notification.objects.filter(claim_token=token, status=NotificationStatus.SENDING).order_by(
            "next_attempt_at", "id"
        )
    )


def _message(n: Notification, number: str | None = None) -> EmailMessage:
    """The e-mail of one outbox row.  Mail about a CASE threads in the customer's client:
    ``References`` starts with the CASE's root id ``<C2611001@domain>`` (the Message-ID of
    its acknowledgement), then the customer's mails this answers; ``In-Reply-To`` names
    the customer's mail, or the root."""
    message_id = n.message_id
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
    msg = EmailMessage(
        subject=n.subject,
        body=n.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[n.to_email],
        headers=headers,
    )
    if n.attachments:
        files = Attachment.objects.in_bulk([ref["id"] for ref in n.attachments])
        for ref in n.attachments:
            if (attachment := files.get(ref["id"])) is None:
                continue
            try:
                with attachment.file.open("rb") as f:
                    msg.attach(attachment.name, f.read(), attachment.content_type or None)
            except OSError:  # gone from the storage: the mail goes without it
                log.warning("attachment %s could not be read", attachment.pk)
    return msg


def deliver_due(*, limit: int = 200) -> after_commit.Delivery:
    """Send what is due now; failures wait ``2**attempts`` minutes (at most 30) and retry.

    Each message is recorded as sent in its own transaction right after the server took
    it (see the module's docstring for claims and crashes).
    """
    token = uuid.uuid4().hex
    rows = _claim(clock.now(), limit, token)
    if not rows:
        return after_commit.Delivery(0, 0, _next_retry())
    numbers = _case_numbers(rows)
    try:
        conn = get_connection(fail_silently=False)
        conn.open()
    except (smtplib.SMTPException, OSError) as exc:
        with transaction.atomic():  # the server is down: every row waits for a retry
            for n in rows:
                _retry_later(n, token, exc)
        log.warning("%d notification(s) not delivered; will retry", len(rows))
        return after_commit.Delivery(0, len(rows), _next_retry())
    sent = failed = 0
    held = _Claim(token, rows)
    try:
        for n in rows:
            if not held.still_ours(n):
                continue  # our claim lapsed and another sender took the row: not ours
            msg = _message(n, numbers.get(n.case_id) if n.case_id is not None else None)
            msg.connection = conn
            try:
                msg.send()
            except (smtplib.SMTPException, OSError) as exc:
                _retry_later(n, token, exc)
                failed += 1
                continue
            recorded = held.mine(n).update(
                status=NotificationStatus.SENT,
                sent_at=clock.now(),
                attempts=n.attempts + 1,
                last_error="",
                claim_token="",
            )
            if not recorded:
                log.warning("notification %s was taken over while it was sent", n.pk)
            sent += 1
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            conn.close()
    if failed:
        log.warning("%d notification(s) not delivered; will retry", failed)
    return after_commit.Delivery(sent, failed, _next_retry())


class _Claim:
    """The rows a sender holds, renewed (all at once) before half the claim timeout has
    passed, so no other sender can take one over while this one sends it."""

    def __init__(self, token: str, rows: list[Notification]):
        self.token, self.rows = token, {n.pk: n for n in rows}
        self.renewed = clock.wall()

    def mine(self, n: Notification):
        return Notification.objects.filter(
            pk=n.pk, claim_token=self.token, status=NotificationStatus.SENDING
        )

    def still_ours(self, n: Notification) -> bool:
        if clock.wall() - self.renewed > claim_timeout() / 2:
            with transaction.atomic():
                claimed = Notification.objects.filter(
                    pk__in=self.rows, claim_token=self.token, status=NotificationStatus.SENDING
                )
                self.renewed = clock.wall()
                keep = set(claimed.select_for_update().values_list("pk", flat=True))
                claimed.update(claimed_at=self.renewed)
            self.rows = {pk: row for pk, row in self.rows.items() if pk in keep}
        ours = n.pk in self.rows
        if ours and not n.message_id:  # written without one: fixed before it goes out
            n.message_id = new_message_id()
            ours = bool(self.mine(n).update(message_id=n.message_id))
        self.rows.pop(n.pk, None)
        return ours


def _retry_later(n: Notification, token: str, exc: Exception) -> None:
    """Put a row we hold back in the queue, to be tried again after the backoff."""
    attempts = n.attempts + 1
    wait = min(dt.timedelta(minutes=2 ** min(attempts - 1, 10)), RETRY_MAX)
    Notification.objects.filter(
        pk=n.pk, claim_token=token, status=NotificationStatus.SENDING
    ).update(
        status=NotificationStatus.PENDING,
        attempts=attempts,
        next_attempt_at=clock.now() + wait,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        claim_token="",
    )


def any_due() -> bool:
    """Is a message waiting (the worker's sweep asks), or a dead sender's claim lapsed?"""
    return Notification.objects.filter(_due(clock.now())).exists()


def _case_numbers(rows: list[Notification]) -> dict[int, str]:
    ids = {n.case_id for n in rows if n.case_id}
    return dict(Case.objects.filter(pk__in=ids).values_list("pk", "number")) if ids else {}


@operation
def retry_now(*, notifications, by: User | None = None) -> int:
    """Send the waiting messages among ``notifications`` now (an admin's action)."""
    now = clock.now()
    rows = list(
        notifications.filter(status=NotificationStatus.PENDING)
        .select_for_update()
        .values("pk", "next_attempt_at")
    )
    n = Notification.objects.filter(pk__in=[r["pk"] for r in rows]).update(next_attempt_at=now)
    audit.record_all(
        [
            audit.build(
                action="notification.retry",
                object_type=Notification._meta.label_lower,
                object_id=r["pk"],
                actor=by,
                before={"next_attempt_at": r["next_attempt_at"]},
                after={"next_attempt_at": now},
            )
            for r in rows
        ]
    )
    return n


def _next_retry() -> dt.datetime | None:
    row = (
        Notification.objects.filter(status=NotificationStatus.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return row
