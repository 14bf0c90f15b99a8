"""What field service publishes, and what it follows: a signed form is mailed to the CASE's
contact (an outbox row in the signing transaction): the PDF attached, and its link in the
portal (the PDF is the CASE's file)."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.urls import reverse

from casedesk.accounts.models import User
from casedesk.core.events import Event, Phase, subscribe
from casedesk.notify import services as outbox

from .models import Visit, VisitForm


@dataclasses.dataclass(frozen=True)
class VisitScheduled(Event):
    visit: Visit
    by: User


@dataclasses.dataclass(frozen=True)
class VisitCheckedIn(Event):
    visit: Visit
    by: User


@dataclasses.dataclass(frozen=True)
class VisitSigned(Event):
    """Check-out (version 1) or a correction (a later version)."""

    visit: Visit
    form: VisitForm
    by: User


@dataclasses.dataclass(frozen=True)
class VisitCancelled(Event):
    visit: Visit
    by: User


@subscribe(VisitSigned, phase=Phase.IN_TRANSACTION)
def mail_the_form(published: VisitSigned) -> None:
    """The CASE's contact gets the signed form's PDF (that version's), its link and hash,
    once per version."""
    case, form = published.visit.case, published.form
    base = settings.CASEDESK_BASE_URL.rstrip("/")
    outbox.queue_to_caller(
        case=case,
        template="visit_form",
        context={
            "case": case,
            "form": form,
            "engineer": published.visit.engineer.display_name,
            "link": base + reverse("portal:attachment", args=[form.attachment_id]),
        },
        reason=f"visit_form:{form.pk}",
        attachments=[form.attachment],
    )
