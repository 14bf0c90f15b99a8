"""A CASE's files: the list its page shows, downloading and viewing one."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from casedesk.accounts.models import User
from casedesk.cases import attachments
from casedesk.cases.models import Attachment, Case
from casedesk.core.errors import DomainError, NotFound

from .case_common import _case, _refused
from .guards import staff_required
from .templatetags.console import person


def _file_entry(case: Case, attachment: Attachment) -> dict[str, Any]:
    args = [case.number, attachment.pk]
    preview = attachments.preview_type(attachment)
    return {
        "file": attachment,
        "uploader": person(attachment.uploaded_by) if attachment.uploaded_by_id else "",
        "image": attachments.is_image(attachment),
        "preview": preview is not None,
        "url": reverse("web:case_file", args=args),
        "view_url": reverse("web:case_file_view", args=args) if preview else "",
    }


def case_files(case: Case, user: User) -> list[dict[str, Any]]:
    """The CASE's files ``user`` may open (staff: all, internal ones too), oldest first."""
    return [_file_entry(case, a) for a in attachments.attachments_for(case, user)]


def _serve(request, number: str, pk: int, *, inline: bool):
    """One of the CASE's files for whoever may see the CASE (internal ones: staff only)."""
    try:
        case = _case(request, number)
        attachment = attachments.attachment_get(pk=pk, fetched_by=request.user)
        if attachment.case_id != case.pk:
            raise NotFound(_("No such file."))
        return attachments.file_response(attachment, inline=inline)
    except FileNotFoundError:
        return _refused(request, NotFound(_("No such file.")))
    except DomainError as exc:
        return _refused(request, exc)


@staff_required
@require_GET
def case_file(request, number: str, pk: int):
    """Download a file (``Content-Disposition: attachment``)."""
    return _serve(request, number, pk, inline=False)


@staff_required
@require_GET
def case_file_view(request, number: str, pk: int):
    """Show an image or a PDF in the browser; any other type is a download."""
    return _serve(request, number, pk, inline=True)
