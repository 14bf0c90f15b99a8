"""Talking to the customer from the CASE: a reply mailed to its contact, and the
acknowledgement every new CASE gets, whatever its channel.

A reply is one operation: a public work log of kind ``reply`` in the CASE's history (the
portal shows it, worded by ``cases.presenters`` and the note below), its files stored as
public CASE attachments, and one outbox message to the CASE's caller that carries them,
threaded under the CASE's earlier mails (the CASE's root id, then the mails it exchanged
with that address) with ``[C…]`` in its subject, so the gateway files the customer's
answer on the CASE.  It obeys the gateway's loop protection (``mailgate.loops``): no reply
to the desk's own address, a mailer daemon, or an address whose last mail was an
auto-reply.  A CASE without an e-mail address gets no reply (422): the desk records a
public note instead (the work log form), which says nothing was mailed.

The acknowledgement (``replies.events``) is queued when a CASE draws its number, unless the
mail gateway opened it (the gateway acknowledges its own CASEs, threaded under the mail).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Sequence

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from casedesk.accounts.models import User
from casedesk.cases import attachments
from casedesk.cases import services as cases
from casedesk.cases.choices import WorkLogKind
from casedesk.cases.models import Attachment, Case, WorkLog
from casedesk.core import audit, policy
from casedesk.core.errors import InvalidInput
from casedesk.core.operations import operation
from casedesk.mailgate import loops
from casedesk.mailgate import services as gateway
from casedesk.mailgate.models import InboundMessage
from casedesk.notify import services as outbox
from casedesk.notify.models import Notification, root_id

from .models import ReplyTemplate
from .policy import ReplyAction
from .presenters import REPLY_MAILED

log = logging.getLogger(__name__)

THREAD_MAX = 10  # ids in References besides the root


@dataclasses.dataclass(frozen=True)
class Recipient:
    """Whom a CASE's mail goes to: the address it was reported from, else its contact's,
    in their portal language if they have a login, else the desk's."""

    address: str
    name: str
    language: str


def recipient(case: Case) -> Recipient:
    contact = case.contact
    address = case.caller_email or (contact.email if contact else "")
    login = getattr(contact, "user", None) if contact else None
    return Recipient(
        address=address,
        name=case.caller_name or (contact.name if contact else ""),
        language=(login.language if login else "") or settings.LANGUAGE_CODE,
    )


def _thread(case: Case, address: str) -> tuple[str, list[str]]:
    """(In-Reply-To, References) of a new mail to ``address`` about ``case``: the mails
    the CASE exchanged with that address, oldest first (the outbox puts the CASE's root id
    before them); it answers the customer's last mail, else the desk's last one."""
    mails: list[tuple[object, int, str, bool]] = [
        (at, pk, mid, True)
        for pk, mid, at in InboundMessage.objects.filter(case=case).values_list(
            "pk", "message_id", "received_at"
        )
    ]
    mails += [
        (at, pk, mid, False)
        for pk, mid, at in Notification.objects.filter(
            case=case, recipient=None, to_email__iexact=address
        )
        .exclude(message_id="")
        .values_list("pk", "message_id", "created_at")
    ]
    mails.sort(key=lambda m: (m[0], not m[3], m[1]))
    ids = [m[2] for m in mails]
    ids = [i for n, i in enumerate(ids) if i not in ids[:n]][-THREAD_MAX:]
    inbound = [m[2] for m in mails if m[3]]
    return (inbound[-1] if inbound else (ids[-1] if ids else "")), ids


def _body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write the reply: it is empty."))
    limit = settings.CASEDESK_TEXT_MAX
    if len(body) > limit:
        raise InvalidInput(
            _("The reply is too long (%(length)d characters; at most %(limit)d).")
            % {"length": len(body), "limit": limit}
        )
    return body


def recipient_checked(case: Case) -> Recipient:
    """The reply's recipient; InvalidInput saying why there is none (no address, or one
    the loop protection refuses)."""
    to = recipient(case)
    if not to.address:
        raise InvalidInput(
            _(
                "%(number)s has no contact e-mail address: nothing can be mailed."
                " Add a public note instead, or give the contact an address."
            )
            % {"number": case.number}
        )
    if (why := loops.answer_refusal(to.address)) is not None:
        raise InvalidInput(_("No reply is mailed: %(why)s") % {"why": why})
    return to


@dataclasses.dataclass(frozen=True)
class Reply:
    worklog: WorkLog
    message: Notification
    attachments: list[Attachment]


@operation
def case_reply(
    *, case: Case, body: str, uploads: Sequence[UploadedFile] = (), by: User | None
) -> Reply:
    """Mail ``body`` (and ``uploads``) to the CASE's contact and keep it, public, in its
    history; all or nothing."""
    policy.require(by, ReplyAction.SEND, case)
    body = _body(body)
    to = recipient_checked(case)
    names = attachments.check_uploads(uploads)
    worklog = cases.case_log_work(
        case=case,
        kind=WorkLogKind.REPLY,
        note=body,
        minutes=0,
        by=by,
        system={"code": REPLY_MAILED, "to": to.address, "files": names},
    )
    files = attachments.case_attach(case=case, uploads=uploads, by=by) if uploads else []
    assert by is not None  # case_log_work refuses the system
    case = worklog.case
    in_reply_to, references = _thread(case, to.address)
    message = outbox.queue_to_address(
        template="case_reply",
        context={
            "case": case,
            "body": body,
            "name": to.name,
            "sender": by.display_name,
            "files": names,
        },
        reason=f"reply:{worklog.pk}",
        to_email=to.address,
        language=to.language,
        case=case,
        in_reply_to=in_reply_to,
        references=references,
        attachments=files,
    )
    audit.record(
        action="case.reply",
        obj=case,
        actor=by,
        after={"to": to.address, "message_id": message.message_id},
        data={"worklog": worklog.pk, "attachments": [f.pk for f in files]},
    )
    return Reply(worklog=worklog, message=message, attachments=files)


def acknowledge(case: Case) -> Notification | None:
    """Queue the one acknowledgement of a new CASE (its number) to its caller, in their
    language; None when it has no address, the gateway acknowledges it itself (a CASE
    opened from a mail), or the address is one the desk must not mail (loops)."""
    if gateway.opening_from_mail():
        return None
    to = recipient(case)
    if not to.address:
        return None
    if (why := loops.answer_refusal(to.address)) is not None:
        log.warning("no acknowledgement of %s to %s: %s", case.number, to.address, why)
        return None
    base = settings.CASEDESK_BASE_URL.rstrip("/")
    return outbox.queue_to_address(
        template="case_ack",
        context={
            "case": case,
            "name": to.name,
            "portal_url": base + reverse("portal:case", args=[case.number]),
        },
        reason=f"ack:{case.number}",
        to_email=to.address,
        language=to.language,
        case=case,
        message_id=root_id(case.number),
    )


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def template_text(template: ReplyTemplate, case: Case) -> str:
    """``template``'s body for ``case``: each known ``{placeholder}`` filled in, anything
    else in braces left as written (never Python formatting: a body is the admin's text)."""
    contact = case.contact
    values = {
        "number": case.number,
        "title": case.title,
        "engineer": case.engineer.display_name if case.engineer is not None else "",
        "contact": case.caller_name or (contact.name if contact else ""),
        "organization": case.organization.name,
    }
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template.body)
