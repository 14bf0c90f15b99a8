"""Other intake than e-mail that the gateway's staff handle: a received fax."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from casedesk.accounts.models import Contact, Organization, User
from casedesk.cases import attachments
from casedesk.cases.choices import Channel
from casedesk.cases.models import Case
from casedesk.core import policy
from casedesk.core.errors import InvalidInput
from casedesk.mailgate.policy import MailAction

FAX_TYPES = frozenset({"pdf", "tif", "tiff"})


def fax_open(
    *,
    organization: Organization,
    contact: Contact | None,
    title: str,
    priority: str,
    scan: UploadedFile,
    by: User | None,
    description: str = "",
) -> Case:
    """A faxed problem report: a CASE on channel ``fax`` with the scan, all or nothing."""
    policy.require(by, MailAction.RECEIVE_FAX)
    name = attachments.clean_name(scan.name or "")
    if name.rpartition(".")[2].lower() not in FAX_TYPES:
        raise InvalidInput(
            _("%(name)s: a fax is uploaded as its scan, a PDF or TIFF file.") % {"name": name}
        )
    return attachments.case_open_with_attachments(
        organization=organization,
        contact=contact,
        uploads=[scan],
        by=by,
        title=title,
        description=description,
        priority=priority,
        channel=Channel.FAX,
    )
