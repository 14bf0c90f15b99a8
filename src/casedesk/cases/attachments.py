"""Files on a CASE: the operations that store them and the reads that list them.

Like every operation in ``cases.services`` (whose helpers these reuse), storing a file runs
in one transaction, asks the policy, checks the transition table and writes one CaseEvent.
A file is checked (type allowlist, size limit) before anything is written, so a refused
upload stores nothing; files lie under MEDIA_ROOT with random names and are served only by
a permission-checked view (``file_response``, shared by the console and the portal): a
download, or shown in the browser for the few types it shows safely (images, PDF).
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import unicodedata
from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, Protocol

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _

from casedesk.accounts.models import Contact, Organization, User
from casedesk.core import clock, policy
from casedesk.core.errors import Forbidden, InvalidInput, NotFound
from casedesk.core.operations import operation

from . import services
from .choices import CaseAction, EventKind, WorkLogKind
from .models import Attachment, Case, WorkLog

# What a customer or engineer attaches to a CASE: documents, images, logs, configs,
# captures and archives of them.  Nothing a browser would run (html, svg, js) or a desktop
# would execute; the download view serves even these as downloads, never inline.
ALLOWED_EXTENSIONS = frozenset(
    {
        # documents
        "pdf", "txt", "log", "csv", "rtf", "md", "doc", "docx", "xls", "xlsx", "ppt",
        "pptx", "odt", "ods", "odp", "vsd", "vsdx",
        # images
        "png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff",
        # network and device data
        "cfg", "conf", "ini", "json", "yaml", "yml", "pcap", "pcapng", "cap", "dmp", "core",
        # archives
        "zip", "gz", "tgz", "tar", "7z", "rar", "bz2", "xz",
    }
)  # fmt: skip
MAX_FILES = 10  # per submission
NAME_MAX = 255

# What a browser may show in the page instead of saving it: images and PDF, served with
# their own type (never what the uploader claimed) and ``nosniff``.  Never SVG (it can carry
# script; it is off the allowlist anyway), never text or HTML; TIFF and BMP are downloads.
PREVIEW_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "pdf": "application/pdf",
}
# No script, no plugin, nothing loaded from elsewhere, never framed.  An image is also
# sandboxed; Chrome's PDF viewer refuses to run sandboxed, and a PDF's own scripts run in
# the viewer, never with the desk's origin.
_CSP_DOWNLOAD = "default-src 'none'; sandbox"
_CSP_IMAGE = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"
)
_CSP_PDF = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "object-src 'self'; frame-ancestors 'none'"
)


def max_bytes() -> int:
    return settings.CASEDESK_MAX_ATTACHMENT_MB * 1024 * 1024


def allowed_types_text() -> str:
    """The allowlist as users read it: ``.7z, .bmp, …``."""
    return ", ".join(f".{ext}" for ext in sorted(ALLOWED_EXTENSIONS))


def clean_name(raw: str) -> str:
    """The uploader's file name without any directory, control characters or excess length;
    Chinese and other letters are kept as they are."""
    name = unicodedata.normalize("NFC", raw or "")
    name = PureWindowsPath(PurePosixPath(name).name).name  # both kinds of separator
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: NAME_MAX - len(ext) - 1] + dot + ext) if dot and len(ext) < 16 else name
        name = name[:NAME_MAX]
    return name


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


class StoredFile(Protocol):
    """A stored file as the views serve it: a CASE's ``Attachment``, an article's file."""

    name: str
    file: Any


def preview_type(attachment: StoredFile) -> str | None:
    """The type a browser may show ``attachment`` as, in the page; None: download only."""
    return PREVIEW_TYPES.get(_extension(attachment.name))


def is_image(attachment: StoredFile) -> bool:
    return (preview_type(attachment) or "").startswith("image/")


def file_response(attachment: StoredFile, *, inline: bool = False) -> FileResponse:
    """``attachment`` for the browser (the caller has checked the reader may see it).

    A download (``Content-Disposition: attachment``, ``application/octet-stream``) unless
    ``inline`` is asked for a type a browser shows safely (``PREVIEW_TYPES``): then
    ``inline`` with that type.  Always ``nosniff``, a restrictive Content-Security-Policy
    and no caching outside the reader's browser.  Raises FileNotFoundError if the stored
    file is gone.
    """
    kind = preview_type(attachment) if inline else None
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=kind is None,
        filename=attachment.name,
        content_type=kind or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        _CSP_DOWNLOAD if kind is None else _CSP_PDF if kind == "application/pdf" else _CSP_IMAGE
    )
    response["Cache-Control"] = "private, no-store"
    return response


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files for a form (the console's and the portal's): the browser is told
    the allowlist and the size limit; the operation checks type, size and count."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        accept = ",".join(f".{ext}" for ext in sorted(ALLOWED_EXTENSIONS))
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": accept, "data-max-bytes": max_bytes()})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data if item]
        return [one(data, initial)] if data else []


def limits() -> dict[str, Any]:
    """The limits as a form's help shows them."""
    return {
        "max_mb": max_bytes() // (1024 * 1024),
        "max_files": MAX_FILES,
        "types": allowed_types_text(),
    }


def check_upload(upload: UploadedFile) -> str:
    """Refuse a file of a type not on the allowlist, empty, or over the size limit.

    Returns the cleaned file name.  Raises InvalidInput with a message for the uploader.
    """
    name = clean_name(upload.name or "")
    if not name:
        raise InvalidInput(_("A file without a name cannot be attached."))
    if _extension(name) not in ALLOWED_EXTENSIONS:
        raise InvalidInput(
            _("%(name)s: files of this type cannot be attached. Allowed types: %(types)s.")
            % {"name": name, "types": allowed_types_text()}
        )
    if not upload.size:
        raise InvalidInput(_("%(name)s is empty.") % {"name": name})
    if upload.size > max_bytes():
        raise InvalidInput(
            _("%(name)s is too large (%(size)s MB); the limit is %(limit)s MB per file.")
            % {
                "name": name,
                "size": f"{upload.size / 1024 / 1024:.1f}",
                "limit": settings.CASEDESK_MAX_ATTACHMENT_MB,
            }
        )
    return name


def check_uploads(uploads: Sequence[UploadedFile]) -> list[str]:
    """Check every file of one submission before any is stored; their cleaned names."""
    if len(uploads) > MAX_FILES:
        raise InvalidInput(
            _("At most %(count)s files can be attached at once.") % {"count": MAX_FILES}
        )
    return [check_upload(upload) for upload in uploads]


class OversizedUpload(UploadedFile):
    """What is left of a file that passed the size limit while it was received: its name
    and full size, no content (``check_upload`` refuses it with the usual message)."""

    def __init__(self, name: str, size: int, content_type: str | None = None):
        super().__init__(io.BytesIO(), name=name, content_type=content_type, size=size)


class SizeLimitUploadHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: once a file passes the attachment limit, the rest
    of it is counted and dropped instead of written to a temporary file, so an oversized
    upload costs the server no more disk than the limit before it is refused."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > max_bytes():
            self.oversized = True
        return None if self.oversized else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.oversized:
            return None  # the next handler (memory or temporary file) has it all
        return OversizedUpload(self.file_name or "", file_size, self.content_type)


class _Stored:
    """The files written in this operation, removed again if it fails."""

    def __init__(self) -> None:
        self.attachments: list[Attachment] = []

    def __enter__(self) -> _Stored:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            for attachment in self.attachments:
                attachment.file.delete(save=False)


def _store(
    case: Case, upload: UploadedFile, name: str, *, by: User, internal: bool, stored: _Stored
) -> Attachment:
    """Write the file and its row, then the one event (the CASE is locked and checked)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    attachment = Attachment(
        case=case,
        name=name,
        size=upload.size,
        content_type=content_type,
        sha256=digest.hexdigest(),
        internal=internal,
        uploaded_by=by,
        uploaded_at=clock.now(),
    )
    attachment.file.save(name, upload, save=False)
    stored.attachments.append(attachment)
    attachment.save(force_insert=True)
    services._commit(
        case,
        kind=EventKind.ATTACHMENT_ADDED,
        by=by,
        changes={},
        extra={"attachment": attachment.pk, "name": name, "size": attachment.size},
        internal=internal,
    )
    return attachment


def _attach_all(
    case: Case, uploads: Sequence[UploadedFile], names: list[str], *, by: User, internal: bool
) -> list[Attachment]:
    with _Stored() as stored:
        return [
            _store(case, upload, name, by=by, internal=internal, stored=stored)
            for upload, name in zip(uploads, names, strict=True)
        ]


def _author(by: User | None, internal: bool) -> User:
    if by is None:
        raise InvalidInput(_("A file needs its uploader: the system cannot attach files."))
    if internal and by.is_customer:
        raise Forbidden(_("Customers cannot add internal files."))
    return by


# --- operations --------------------------------------------------------------------------


@operation
def case_attach(
    *, case: Case, uploads: Sequence[UploadedFile], by: User | None, internal: bool = False
) -> list[Attachment]:
    """Add files to a CASE (whoever may log work on it, while it may be worked on)."""
    case = services._locked(case, CaseAction.LOG_WORK, by)
    by = _author(by, internal)
    names = check_uploads(uploads)
    if not names:
        raise InvalidInput(_("Choose a file to attach."))
    return _attach_all(case, uploads, names, by=by, internal=internal)


@operation
def case_open_with_attachments(
    *,
    organization: Organization,
    contact: Contact | None,
    uploads: Sequence[UploadedFile],
    by: User | None,
    **fields: Any,
) -> Case:
    """Open a CASE (``services.case_open``) with its files, all or nothing."""
    names = check_uploads(uploads)  # before the CASE takes a number
    case = services.case_open(organization=organization, contact=contact, by=by, **fields)
    if uploads:
        case = services._lock(case)
        _attach_all(case, uploads, names, by=_author(by, False), internal=False)
    return case


@operation
def case_add_information(
    *,
    case: Case,
    note: str,
    uploads: Sequence[UploadedFile],
    by: User | None,
    system: dict[str, Any] | None = None,
) -> tuple[WorkLog | None, list[Attachment]]:
    """A customer's (or anyone's) public note with files: one work log note, one event per
    file, all or nothing.  ``system``: what the system says of the note (see
    ``services.case_log_work``)."""
    names = check_uploads(uploads)
    note = (note or "").strip()
    if not note and not uploads:
        raise InvalidInput(_("Write what you want to add, or attach a file."))
    worklog = None
    if note:
        worklog = services.case_log_work(
            case=case, kind=WorkLogKind.NOTE, note=note, minutes=0, by=by, system=system
        )
    attachments: list[Attachment] = []
    if uploads:
        case = services._locked(case, CaseAction.LOG_WORK, by)
        attachments = _attach_all(case, uploads, names, by=_author(by, False), internal=False)
    return worklog, attachments


# --- reads -------------------------------------------------------------------------------


def attachments_for(case: Case, user: User | None) -> QuerySet[Attachment]:
    """The files of ``case`` that ``user`` may see (the caller has fetched the CASE through
    ``policy.visible``): customers do not see internal files."""
    qs = (
        Attachment.objects.filter(case=case)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "id")
    )
    if user is not None and user.is_customer:
        qs = qs.filter(internal=False)
    return qs


def attachment_get(*, pk: int, fetched_by: User | None) -> Attachment:
    """One file ``fetched_by`` may download; NotFound when unknown or not theirs to see."""
    qs = Attachment.objects.select_related("case").filter(
        pk=pk, case__in=policy.visible(fetched_by, Case)
    )
    if fetched_by is not None and fetched_by.is_customer:
        qs = qs.filter(internal=False)
    attachment = qs.first()
    if attachment is None or not policy.can(fetched_by, CaseAction.VIEW, attachment.case):
        raise NotFound(_("No such file."))
    return attachment
