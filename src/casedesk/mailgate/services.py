"""The mail gateway: store every raw message first, then turn it into CASE operations.

``store`` writes the raw bytes to a file (fsynced) and its row in its own commit, so once it
returns the message is safe whatever happens next.  ``process`` then reads it in one
transaction: a new CASE for a customer's new problem (with an acknowledgement), a customer
note on the CASE a reply answers (or a reopening when it says the fix did not work), nothing
for auto-replies and bounces.  Whatever cannot be processed is quarantined with its reason,
never lost: staff see it and re-run it (``reprocess``).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import logging
import os
import re
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from casedesk.accounts import services as people
from casedesk.accounts.choices import Role
from casedesk.accounts.models import Contact, Organization, User
from casedesk.accounts.policy import AccountAction
from casedesk.cases import attachments, services
from casedesk.cases.choices import Channel, Status
from casedesk.cases.models import Case
from casedesk.core import audit, clock, policy
from casedesk.core.errors import Conflict, DomainError, InvalidInput
from casedesk.notify import services as outbox
from casedesk.notify.models import root_id

from . import loops, parse, serials, threading
from .choices import InboundStatus
from .models import InboundMessage
from .presenters import MAIL_SHORTENED

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
PEEK = 256 * 1024  # the headers are read from the start of the message only

# A reply that says the fix did not work (the portal's "not fixed" button, by mail).
NOT_FIXED = re.compile(
    r"not (?:been )?(?:fixed|resolved|solved)|still (?:not working|broken|fail|down|the same|happen)"
    r"|(?:does|did)(?: not|n't) (?:work|help|fix)|problem (?:persists|remains|is back)"
    r"|reopen"
    r"|未解决|没有?解决|未修复|没有?修复|还是不行|仍然不行|依然不行|问题依旧|问题仍然|仍然存在|依然存在"
    r"|还没好|没好|重新打开|又出现|再次出现|故障依旧",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3400-\u9fff]")

# True while the gateway opens a CASE from a mail: it acknowledges that CASE itself (to the
# address the mail came from, threaded under it, refused files listed, within the hourly
# limit), so the acknowledgement every other new CASE gets (``replies.events``) stays away.
_OPENING = contextvars.ContextVar("mailgate_opening", default=False)


def opening_from_mail() -> bool:
    """Whether the CASE being opened now is one the gateway acknowledges itself."""
    return _OPENING.get()


@contextlib.contextmanager
def _opening():
    token = _OPENING.set(True)
    try:
        yield
    finally:
        _OPENING.reset(token)


@dataclass
class Sender:
    """Who wrote a mail, as the desk knows them."""

    address: str
    name: str
    user: User | None = None
    contact: Contact | None = None

    @property
    def is_staff(self) -> bool:
        return self.user is not None and not self.user.is_customer

    @property
    def organization_id(self) -> int | None:
        if self.contact is not None:
            return self.contact.organization_id
        return self.user.organization_id if self.user is not None else None


# --- storing ------------------------------------------------------------------------------


def _mail_dir() -> Path:
    now = clock.now()
    path = Path(settings.MEDIA_ROOT) / "mail" / f"{now:%Y}" / f"{now:%m}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write(stream: BinaryIO) -> tuple[Path, int, str, bytes]:
    """Copy the message to a new file in chunks, fsynced: (path, size, sha256, head)."""
    directory = _mail_dir()
    digest = hashlib.sha256()
    size = 0
    head = b""
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".incoming-", suffix=".eml")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                if len(head) < PEEK:
                    head += chunk[: PEEK - len(head)]
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        final = directory / f"{uuid.uuid4().hex}.eml"
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return final, size, digest.hexdigest(), head


def store(stream: BinaryIO, *, source: str = "stdin") -> tuple[InboundMessage, bool]:
    """Keep one raw message (file and row, committed); (row, created).  The same
    Message-ID again (or, without one, the same bytes) gives the existing row."""
    path, size, sha256, head = _write(stream)
    try:
        return _record(path, size=size, sha256=sha256, head=head, source=source)
    except BaseException:  # not recorded: the MTA keeps the message and retries
        path.unlink(missing_ok=True)
        raise


def _record(
    path: Path, *, size: int, sha256: str, head: bytes, source: str
) -> tuple[InboundMessage, bool]:
    message_id, sender, subject = parse.peek(head)
    if not message_id or len(message_id) > 255:
        message_id = f"<{sha256}@no-message-id.casedesk>"
    row = InboundMessage(
        message_id=message_id,
        size=size,
        sha256=sha256,
        source=source[:16],
        sender=sender,
        subject=subject,
        received_at=clock.now(),
    )
    row.raw.name = str(path.relative_to(Path(settings.MEDIA_ROOT)))
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:  # the same message again (the unique Message-ID says so)
        path.unlink(missing_ok=True)
        return InboundMessage.objects.get(message_id=message_id), False
    return row, True


def raw_bytes(message: InboundMessage) -> bytes:
    with message.raw.open("rb") as f:
        return f.read()


def ingest(stream: BinaryIO, *, source: str = "stdin") -> InboundMessage:
    """Store, then process: what ``casedesk mailgate`` does with one message."""
    message, created = store(stream, source=source)
    if created or message.status == InboundStatus.STORED:
        message = process(message)
    return message


def ingest_spool(directory: Path, *, limit: int | None = None) -> list[InboundMessage]:
    """Store and process the messages ``python -m casedesk.mailgate.spool`` left in
    ``directory``/new, oldest first; each file goes only once its row is committed (a crash
    in between stores it again next time, and its Message-ID makes that the same row)."""
    done = []
    files = sorted((directory / "new").glob("*.eml"), key=lambda p: p.stat().st_mtime)
    for path in files[:limit]:
        try:
            f = path.open("rb")
        except OSError:  # unreadable (or taken by another drainer): not a reason to stop
            log.exception("spool file %s skipped", path)
            continue
        with f:
            message = ingest(f, source="spool")
        path.unlink(missing_ok=True)
        done.append(message)
    return done


def ingest_bytes(raw: bytes, *, source: str = "stdin") -> InboundMessage:
    import io

    return ingest(io.BytesIO(raw), source=source)


# --- processing ---------------------------------------------------------------------------


def _audit(message: InboundMessage, before: str, by: User | None) -> None:
    """One record per processing: the status it went from and to, the reason it stands."""
    audit.record(
        action="inboundmessage.process",
        obj=message,
        actor=by,
        before={"status": before},
        after={"status": message.status},
        data={"case": message.case.number if message.case is not None else None},
        reason=message.reason if message.status == InboundStatus.QUARANTINED else "",
    )


def process(message: InboundMessage, *, by: User | None = None) -> InboundMessage:
    """Turn a stored (or quarantined) message into what it asks for; never raises for
    anything in the message: what cannot be done is quarantined with the reason."""
    try:
        with transaction.atomic(), audit.sealing():
            locked = InboundMessage.objects.select_for_update().get(pk=message.pk)
            if locked.status not in (InboundStatus.STORED, InboundStatus.QUARANTINED):
                return locked
            before = locked.status
            _process(locked)
            locked.attempts += 1
            locked.processed_at = clock.now()
            locked.save()
            _audit(locked, before, by)
            return locked
    except Exception as exc:  # noqa: BLE001 - never lose a message: quarantine it
        if isinstance(exc, DomainError):
            reason = exc.detail
        else:
            log.exception("mail %s quarantined", message.message_id)
            reason = f"{type(exc).__name__}: {exc}"
        with transaction.atomic():
            InboundMessage.objects.filter(pk=message.pk).update(
                status=InboundStatus.QUARANTINED,
                reason=str(reason)[:2000],
                attempts=message.attempts + 1,
                processed_at=clock.now(),
            )
            quarantined = InboundMessage.objects.get(pk=message.pk)
            _audit(quarantined, message.status, by)
        return quarantined


def reprocess(*, message: InboundMessage, by: User | None) -> InboundMessage:
    """Staff re-run a quarantined message (after adding the contact, say)."""
    policy.require(by, AccountAction.MANAGE_CUSTOMERS)
    if message.status not in (InboundStatus.QUARANTINED, InboundStatus.STORED):
        raise InvalidInput(_("Only quarantined messages can be processed again."))
    return process(message, by=by)


def _quarantine(message: InboundMessage, reason: str) -> None:
    message.status = InboundStatus.QUARANTINED
    message.reason = reason


def _process(message: InboundMessage) -> None:
    if message.size > settings.CASEDESK_MAIL_MAX_MB * 1024 * 1024:
        return _quarantine(
            message,
            _("The message is %(size)s MB; messages over %(limit)s MB are not read.")
            % {"size": f"{message.size / 1024 / 1024:.1f}", "limit": settings.CASEDESK_MAIL_MAX_MB},
        )
    try:
        mail = parse.parse(raw_bytes(message))
    except (parse.MailTooComplex, RecursionError) as exc:
        return _quarantine(message, _("Too complex to read: %(why)s") % {"why": exc})
    message.sender = mail.sender
    message.subject = mail.subject[:300]
    if (why := loops.auto_reason(mail)) is not None:
        message.status, message.reason = InboundStatus.IGNORED, why
        return None
    if not mail.sender or not _deliverable(mail.sender):
        return _quarantine(message, _from_problem(mail))
    sender = identify(mail.sender, mail.sender_name)
    case = threading.find_case(subject=mail.subject, ids=mail.thread_ids)
    if case is not None:
        return _reply(message, mail, sender, case)
    if sender.is_staff:
        return _quarantine(
            message,
            _("Mail from a member of staff that names no CASE: open the CASE in the console."),
        )
    if sender.contact is None and sender.user is None:
        if settings.CASEDESK_MAIL_UNKNOWN_SENDER == "reject":
            return _reject(message, mail)
        sender = _triage_contact(mail)
    return _open(message, mail, sender)


def _deliverable(address: str) -> bool:
    """An address the desk could store for a contact and mail (Django's e-mail rules)."""
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def _from_problem(mail: parse.ParsedMail) -> str:
    """Why a message is not taken as anyone's: its From names no one usable mailbox."""
    written = mail.header("from")[:200]
    if mail.from_problem == parse.FROM_SEVERAL:
        return _("The message names more than one sender (From: %(from)s).") % {"from": written}
    if mail.from_problem == parse.FROM_MISSING:
        return _("The message has no sender address.")
    return _("The sender's address cannot be read (From: %(from)s).") % {"from": written}


def _same_address(field: str, address: str) -> Q:
    """``field`` holds ``address`` (a ``parse.normal_address``) in any of its spellings:
    any case, an IDN domain in Unicode or as punycode.  Nothing else: not a plus-tagged
    variant, not a display name."""
    match = Q()
    for spelling in parse.address_spellings(address):
        match |= Q(**{f"{field}__iexact": spelling})
    return match


def identify(address: str, name: str = "") -> Sender:
    """The staff member, customer user or contact whose address this is."""
    sender = Sender(address=address, name=name)
    if not address:
        return sender
    user = (
        User.objects.filter(_same_address("email", address), is_active=True)
        .select_related("contact")
        .order_by("id")
        .first()
    )
    if user is not None and not user.is_customer:
        sender.user = user
        return sender
    if user is not None:
        sender.user, sender.contact = user, user.contact
    if sender.contact is None:
        contacts = Contact.objects.filter(
            _same_address("email", address), organization__is_active=True
        )
        if user is not None:  # a customer's own contact record, in their organization
            org_id = user.organization_id
            contacts = contacts.filter(organization_id=org_id) if org_id else contacts.none()
        sender.contact = contacts.select_related("organization").order_by("id").first()
    return sender


def _language(mail: parse.ParsedMail, sender: Sender | None = None) -> str:
    if sender is not None and sender.user is not None and sender.user.language:
        return sender.user.language
    return "zh-hans" if _CJK.search(mail.subject + mail.text[:2000]) else "en"


def _author(sender: Sender, mail: parse.ParsedMail) -> User:
    """The user a customer's mail acts as: their own, or one made for the contact (no
    password: it cannot log in until the desk gives it one)."""
    if sender.user is not None:
        return sender.user
    contact = sender.contact
    assert contact is not None
    # Two mails from this contact at once must not both make its user: the second waits
    # here for the first's commit, then finds the user it made.
    Contact.objects.select_for_update(no_key=True).filter(pk=contact.pk).first()
    linked = User.objects.filter(contact=contact).first()
    if linked is not None:
        sender.user = linked
        return linked
    username = sender.address[:150]
    if User.objects.filter(username=username).exists():
        username = f"contact-{contact.pk}"

    def make(username: str) -> User:
        return people.user_create(
            username=username,
            role=Role.CUSTOMER,
            email=sender.address,
            organization=contact.organization,
            contact=contact,
            language=_language(mail),
            first_name=contact.name[:150],
        )

    try:
        sender.user = make(username)
    except (Conflict, InvalidInput):  # the name was taken meanwhile, or is no user name
        if username == f"contact-{contact.pk}":
            raise
        sender.user = make(f"contact-{contact.pk}")
    return sender.user


def triage_organization() -> Organization:
    """Where unknown senders' CASEs wait for the desk to find out who they are (made by
    the first mail that needs it, even when two such mails arrive at once)."""
    org, _created = people.organization_get_or_create(
        code=settings.CASEDESK_MAIL_TRIAGE_ORG, name=_("Unverified e-mail senders"), by=None
    )
    return org


def _triage_contact(mail: parse.ParsedMail) -> Sender:
    org = triage_organization()
    # A display name that reads as an address is not shown as the caller's name: staff
    # would take "beta.contact@beta.test" <attacker@evil.test> for Beta.
    name = "" if "@" in mail.sender_name else mail.sender_name
    name = name or mail.sender.partition("@")[0]
    contact, _created = people.contact_get_or_create(
        organization=org, email=mail.sender, name=name[:100], by=None
    )
    return Sender(address=mail.sender, name=name, contact=contact)


def answer_address(mail: parse.ParsedMail, sender: Sender | None = None) -> str:
    """Where the desk answers a mail: its From address; its Reply-To only when the sender
    is a known customer or member of staff and Reply-To stays with them (the same mail
    domain, or another address the desk knows of the same organization).  Anyone can write
    any Reply-To: honoured for an unknown sender, it would have the desk mail a CASE
    number and the sender's text to a stranger (or spam one), and for a known one it would
    let a forged From carry the acknowledgement off to the forger's mailbox."""
    reply_to = mail.reply_to
    if not reply_to or reply_to == mail.sender or sender is None:
        return mail.sender
    if not sender.is_staff:
        org = sender.contact.organization if sender.contact else None
        if org is None and sender.user is not None:
            org = sender.user.organization
        if org is None or _is_triage(org):  # unknown, or known only as an unverified sender
            return mail.sender
    if reply_to.rpartition("@")[2] == mail.sender.rpartition("@")[2]:
        return reply_to
    other = identify(reply_to)
    if sender.is_staff and other.is_staff:
        return reply_to
    if other.organization_id is not None and other.organization_id == sender.organization_id:
        return reply_to
    return mail.sender


def _is_triage(org: Organization) -> bool:
    return org.code.lower() == settings.CASEDESK_MAIL_TRIAGE_ORG.lower()


def _uploads(mail: parse.ParsedMail) -> tuple[list[SimpleUploadedFile], list[str]]:
    """The files the desk accepts, and a line for each it refuses (type, size, count)."""
    accepted: list[SimpleUploadedFile] = []
    refused: list[str] = []
    for f in mail.files:
        upload = SimpleUploadedFile(f.name, f.data, content_type=f.content_type)
        try:
            name = attachments.check_upload(upload)
        except InvalidInput as exc:
            refused.append(exc.detail)
            continue
        if len(accepted) >= attachments.MAX_FILES:
            refused.append(
                _("%(name)s: at most %(count)s files are taken from one e-mail.")
                % {"name": name, "count": attachments.MAX_FILES}
            )
            continue
        upload.name = name
        accepted.append(upload)
    return accepted, refused


def _title(subject: str) -> str:
    """The subject without its reply and forward prefixes; empty for a mail without one
    (every page words that as "(no subject)" in its reader's language)."""
    title = re.sub(r"^\s*((re|fw|fwd|aw|回复|答复|转发)\s*[:：]\s*)+", "", subject, flags=re.I)
    return title.strip()[: settings.CASEDESK_TITLE_MAX]


def _text(text: str) -> tuple[str, dict[str, str] | None]:
    """The text as a CASE holds it, and the system note saying it was shortened (None if
    whole): stored as data, worded when read (``presenters``)."""
    limit = settings.CASEDESK_TEXT_MAX
    if len(text) <= limit:
        return text, None
    return text[: limit - 1].rstrip() + "…", {"code": MAIL_SHORTENED}


def _may_answer(message: InboundMessage, address: str) -> bool:
    """Whether the desk may mail ``address`` about this message: not past
    ``CASEDESK_MAIL_ANSWERS_PER_HOUR`` mails from it in the last hour.  An autoresponder
    that sends no Auto-Submitted header and drops the threading would otherwise answer
    every acknowledgement with a new mail, and each would open a CASE and be answered."""
    since = clock.now() - dt.timedelta(hours=1)
    recent = (
        InboundMessage.objects.filter(sender=message.sender, received_at__gte=since)
        .exclude(pk=message.pk)
        .count()
    )
    if recent < settings.CASEDESK_MAIL_ANSWERS_PER_HOUR:
        return True
    log.warning("no answer to %s: %d messages from it in the last hour", address, recent)
    return False


def _open(message: InboundMessage, mail: parse.ParsedMail, sender: Sender) -> None:
    """A new problem: a CASE for the contact, with the body and files; acknowledge it."""
    contact = sender.contact
    if contact is None:  # a customer user without a contact record
        assert sender.user is not None and sender.user.organization is not None
        org = sender.user.organization
    else:
        org = contact.organization
    by = _author(sender, mail)
    language = _language(mail, sender)
    with translation.override(language):  # the refusals are quoted in the acknowledgement
        uploads, refused = _uploads(mail)
    description, shortened = _text(mail.text)
    with _opening():
        case = attachments.case_open_with_attachments(
            organization=org,
            contact=contact,
            uploads=uploads,
            by=by,
            title=_title(mail.subject),
            description=description,
            serial_number=serials.named_serial(mail.subject, mail.text),
            system=shortened,
            priority=settings.CASEDESK_MAIL_PRIORITY,
            channel=Channel.EMAIL,
        )
    message.case = case
    message.status = InboundStatus.PROCESSED
    message.reason = "\n".join(refused)
    unverified = _is_triage(org)
    to_email = answer_address(mail, sender)
    if not _may_answer(message, to_email):
        return
    outbox.queue_to_address(
        template="mail_ack",
        context={"case": case, "name": sender.name, "refused": refused, "unverified": unverified},
        reason=f"mail-ack:{case.number}",
        to_email=to_email,
        language=language,
        case=case,
        message_id=root_id(case.number),
        in_reply_to=message.message_id,
        references=_chain(mail, message.message_id),
    )


def _chain(mail: parse.ParsedMail, message_id: str) -> list[str]:
    refs = [*mail.references]
    if message_id not in refs:
        refs.append(message_id)
    return refs[-10:]


def _reply(message: InboundMessage, mail: parse.ParsedMail, sender: Sender, case: Case) -> None:
    """A mail about an existing CASE: a note (and files) from its customer or its staff."""
    # What to do depends on the CASE's state: read it under its lock (held until the
    # message is processed), so a CASE closed or reopened meanwhile is seen as it is now.
    case = services.case_lock(case)
    message.case = case
    if not sender.is_staff and sender.organization_id != case.organization_id:
        return _quarantine(
            message,
            _("%(sender)s is not a contact of %(org)s, the customer of %(number)s.")
            % {"sender": sender.address, "org": case.organization.code, "number": case.number},
        )
    by = _author(sender, mail)
    if case.status == Status.CLOSED:
        if sender.is_staff:
            return _quarantine(message, _("%(number)s is closed.") % {"number": case.number})
        message.case = None
        return _open(message, mail, sender)  # a closed CASE is archived: a new one
    note, shortened = _text(parse.reply_text(mail.text))
    language = _language(mail, sender)
    with translation.override(language):  # the refusals are quoted to the sender
        uploads, refused = _uploads(mail)
    if case.status == Status.RESOLVED and by.is_customer and NOT_FIXED.search(note):
        services.case_reopen(case=case, reason=note, by=by, system=shortened)
        if uploads:
            attachments.case_attach(case=case, uploads=uploads, by=by)
    elif note or uploads:
        attachments.case_add_information(
            case=case, note=note, uploads=uploads, by=by, system=shortened
        )
    else:
        message.status = InboundStatus.IGNORED
        message.reason = "\n".join([_("Nothing to add: no text and no file."), *refused])
        return None
    message.status = InboundStatus.PROCESSED
    message.reason = "\n".join(refused)
    to_email = answer_address(mail, sender)
    if refused and _may_answer(message, to_email):
        outbox.queue_to_address(
            template="mail_refused",
            context={"case": case, "refused": refused},
            reason=f"mail-refused:{message.pk}",
            to_email=to_email,
            language=language,
            case=case,
            in_reply_to=message.message_id,
            references=_chain(mail, message.message_id),
        )


def _reject(message: InboundMessage, mail: parse.ParsedMail) -> None:
    message.status = InboundStatus.REJECTED
    message.reason = _("Unknown sender %(sender)s; answered with a refusal.") % {
        "sender": mail.sender
    }
    if not _may_answer(message, mail.sender):  # a stranger: only ever the From address
        return
    outbox.queue_to_address(
        template="mail_reject",
        context={"subject": mail.subject[:200]},
        reason=f"mail-reject:{message.pk}",
        to_email=mail.sender,
        language=_language(mail),
        in_reply_to=message.message_id,
        references=_chain(mail, message.message_id),
    )
