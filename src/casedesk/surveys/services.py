"""The survey's life: mailed once per closing of a CASE, answered once through its link.

The link carries ``secrets.token_urlsafe(32)``; only its SHA-256 is stored, so the table
cannot be turned back into links.  A link opens one survey (the CASE's number and title,
nothing else of the desk), answers once, and expires after ``CASEDESK_SURVEY_DAYS``.  A score
of 2 or less opens a complaint (source ``survey``) for the customer service managers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from casedesk.accounts.choices import Role
from casedesk.accounts.selectors import users_with_role
from casedesk.complaints import services as complaints
from casedesk.complaints.choices import ComplaintSource
from casedesk.core import audit, clock
from casedesk.core.errors import Conflict, DomainError, InvalidInput, NotFound
from casedesk.core.operations import operation
from casedesk.notify import services as outbox

from .models import Survey

LOW_SCORE = 2
COMMENT_MAX = 5_000


class SurveyExpired(DomainError):
    status = 410


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_days() -> int:
    return int(getattr(settings, "CASEDESK_SURVEY_DAYS", 30))


@operation
def survey_send(*, case, closing, by=None) -> tuple[Survey, str] | None:
    """Mail the CASE's caller a survey about its ``closing`` (a CaseEvent), once; the survey
    and its token (to be mailed, never stored), or None when there is nobody to mail or it
    was sent already."""
    if Survey.objects.filter(closing=closing.pk).exists():
        return None
    token = secrets.token_urlsafe(32)
    link = settings.CASEDESK_BASE_URL.rstrip("/") + reverse("surveys:answer", args=[token])
    row = outbox.queue_to_caller(
        case=case,
        template="survey",
        context={"case": case, "link": link, "days": survey_days()},
        reason=f"survey:{closing.pk}",
    )
    if row is None:
        return None
    now = clock.now()
    survey = Survey.objects.create(
        case=case,
        closing=closing.pk,
        organization_id=case.organization_id,
        engineer_id=case.engineer_id,
        token_hash=token_hash(token),
        sent_to=row.to_email,
        language=row.language,
        sent_at=now,
        expires_at=now + dt.timedelta(days=survey_days()),
    )
    audit.record(
        action="survey.send",
        obj=survey,
        actor=by,
        data={"case": case.number, "to": row.to_email, "expires_at": survey.expires_at},
    )
    return survey, token


def open_survey(token: str, *, lock: bool = False) -> Survey:
    """The survey a link names: NotFound for none, SurveyExpired past its days."""
    qs = Survey.objects.select_related("case")
    if lock:
        qs = qs.select_for_update()
    survey = qs.filter(token_hash=token_hash(token or "")).first()
    if survey is None:
        raise NotFound(_("No such survey: the link is not right."))
    if survey.answered_at is None and survey.expires_at <= clock.now():
        raise SurveyExpired(_("This survey has expired."))
    return survey


@operation
def survey_answer(*, token: str, score: int, comment: str = "", by=None) -> Survey:
    """The caller's answer (1–5, a comment), once.  A low score opens a complaint."""
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise InvalidInput(_("The score is a whole number from 1 to 5."))
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(_("The comment is too long."))
    survey = open_survey(token, lock=True)
    if survey.answered_at is not None:
        raise Conflict(_("This survey has been answered already."))
    survey.score, survey.comment, survey.answered_at = score, comment, clock.now()
    fields = ["score", "comment", "answered_at"]
    if score <= LOW_SCORE:
        case = survey.case
        survey.complaint = complaints.complaint_file(
            organization=case.organization,
            description=_("Survey of %(number)s scored %(score)s of 5. %(comment)s")
            % {"number": case.number, "score": score, "comment": comment},
            source=ComplaintSource.SURVEY,
            cases=[case],
            by=None,
        )
        fields.append("complaint")
        outbox.queue(  # the customer service managers follow it up
            template="survey_low",
            context={"survey": survey, "case": case, "complaint": survey.complaint},
            reason=f"survey_low:{survey.pk}",
            recipients=users_with_role(Role.CS_MANAGER),
            case=case,
        )
    survey.save(update_fields=fields)
    audit.record(
        action="survey.answer",
        obj=survey,
        actor=by,
        after={"score": score, "comment": comment},
        data={
            "case": survey.case.number,
            "complaint": survey.complaint.number if survey.complaint else None,
        },
    )
    return survey
