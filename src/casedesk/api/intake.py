"""Intake that is not a JSON CASE: a received fax, uploaded as its scan (multipart)."""

from __future__ import annotations

from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from casedesk.accounts import selectors as people
from casedesk.core import policy
from casedesk.mailgate import intake
from casedesk.mailgate.policy import MailAction

from .cases import ERRORS, CaseOut, PriorityField, case_out

router = Router(tags=["intake"])


@router.post("/fax", response={201: CaseOut, **ERRORS})
def receive_fax(
    request,
    organization: Form[str],
    title: Form[str],
    scan: File[UploadedFile],
    priority: Form[PriorityField] = "P3",
    contact: Form[int | None] = None,
    description: Form[str] = "",
):
    """A faxed problem report: a CASE on the fax channel with the PDF/TIFF scan attached
    (``multipart/form-data``; desk staff only)."""
    policy.require(request.auth, MailAction.RECEIVE_FAX)  # before naming anything unknown
    org = people.organization_by_code(organization)
    person = people.contact_by_id(contact) if contact is not None else None
    case = intake.fax_open(
        organization=org,
        contact=person,
        title=title,
        priority=priority,
        description=description,
        scan=scan,
        by=request.auth,
    )
    return Status(201, case_out(case, request.auth, helpers=[]))
