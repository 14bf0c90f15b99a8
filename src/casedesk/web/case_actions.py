"""The CASE page's one-click actions: one form, one operation from ``cases/services.py``,
then back to the page with a message; a refusal (``DomainError``) re-renders the page with
the operation's message and its 4xx status, nothing changed.  Also the desk's phone call to
the engineer and attaching files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from casedesk.accounts import selectors as people
from casedesk.accounts.models import User
from casedesk.cases import attachments, presenters, services
from casedesk.cases.choices import (
    WorkLogKind,
)
from casedesk.cases.models import Case
from casedesk.core import policy
from casedesk.core.errors import DomainError, InvalidInput

from . import case_forms as f
from .case_common import A, _back, _case, _refused
from .case_page import PAGE_FORMS, _page
from .guards import staff_required


def _run(action: str, case: Case, data: dict[str, Any], by: User) -> str:
    """Call the one operation behind ``action``; returns the success message."""
    if action == A.ACCEPT:
        services.case_accept(case=case, by=by)
        return _("You accepted %(number)s.")
    if action == A.LOG_WORK:
        services.case_log_work(
            case=case,
            kind=data["kind"],
            note=data["note"],
            minutes=data["minutes"],
            internal=data["internal"],
            by=by,
        )
        return _("Work logged on %(number)s.")
    if action == A.ADD_HELPER:
        helper = people.engineer_by_username(data["engineer"])
        services.case_add_helper(case=case, helper=helper, by=by)
        return _("Helper added to %(number)s.")
    if action == A.REMOVE_HELPER:
        helper = people.user_by_username(data["engineer"])
        services.case_remove_helper(case=case, helper=helper, by=by)
        return _("Helper removed from %(number)s.")
    if action == A.REQUEST_REASSIGNMENT:
        services.case_request_reassignment(case=case, reason=data["reason"], by=by)
        return _("Reassignment of %(number)s requested; the duty engineer will decide.")
    if action == A.SET_PRIORITY:
        services.case_set_priority(
            case=case, priority=data["priority"], reason=data["reason"], by=by
        )
        return _("Priority of %(number)s changed.")
    if action == A.ESCALATE_SENIOR:
        username = data["engineer"]
        if username:  # handing the CASE over is assigning it: asked before the name is
            policy.require(by, A.ASSIGN, case)  # looked up
        engineer = people.engineer_by_username(username) if username else None
        services.case_escalate(
            case=case, target="senior", reason=data["reason"], engineer=engineer, by=by
        )
        return _("%(number)s escalated to a senior engineer.")
    if action == A.PEND:
        services.case_pend(case=case, reason=data["reason"], note=data["note"], by=by)
        return _("%(number)s is pending.")
    if action == A.RESUME:
        services.case_resume(case=case, note=data["note"], by=by)
        return _("%(number)s resumed.")
    if action == A.RESOLVE:
        services.case_resolve(case=case, solution=data["solution"], by=by)
        return _("%(number)s resolved; waiting for the customer's confirmation.")
    if action == A.CONFIRM:
        services.case_confirm(case=case, note=data["note"], by=by)
        return _("The customer's confirmation of %(number)s is recorded.")
    if action == A.CLOSE:
        services.case_close(case=case, by=by)
        return _("%(number)s closed.")
    if action == A.REOPEN:
        services.case_reopen(case=case, reason=data["reason"], by=by)
        return _("%(number)s reopened.")
    if action == A.APPROVE_GOODWILL:
        services.case_approve_goodwill(
            case=case,
            reason=data["reason"],
            service_product=data["service_product"] or None,
            by=by,
        )
        return _("%(number)s is served as goodwill.")
    raise InvalidInput(_("Unknown action %(action)r.") % {"action": action})


@staff_required
@require_POST
def case_action(request, number: str, action: str):
    """One lifecycle action from the CASE page: one form, one operation."""
    try:
        case = _case(request, number)
    except DomainError as exc:
        return _refused(request, exc)
    form_class = PAGE_FORMS.get(action)
    if form_class is None:
        return _refused(request, InvalidInput(_("Unknown action.")))
    try:  # who may comes first: a refusal never depends on what the form names
        policy.require(request.user, action, case)
    except DomainError as exc:
        return _page(request, case, error=exc.detail, status=exc.status)
    form = form_class(request.POST, auto_id=f"id_{action}_%s")
    if not form.is_valid():
        return _page(request, case, forms={action: form}, error=f.first_error(form), status=422)
    try:
        message = _run(action, case, form.cleaned_data, request.user)
    except DomainError as exc:
        return _page(request, case, forms={action: form}, error=exc.detail, status=exc.status)
    messages.success(request, message % {"number": case.number})
    return _back(case, "timeline" if action == A.LOG_WORK else "")


@staff_required
@require_POST
def case_phoned(request, number: str):
    """The desk phoned the engineer (SPEC §2: "the duty engineer's phone call is logged").

    There is no operation of its own: it is an internal work log of kind "phone" by the
    one who called, through ``case_log_work``, naming the engineer.
    """
    try:
        case = _case(request, number)
    except DomainError as exc:
        return _refused(request, exc)
    try:
        policy.require(request.user, A.LOG_WORK, case)
    except DomainError as exc:
        return _page(request, case, error=exc.detail, status=exc.status)
    form = f.PhonedForm(request.POST, auto_id="id_phoned_%s")
    if not form.is_valid():
        return _page(request, case, forms={"phoned": form}, error=f.first_error(form), status=422)
    if case.engineer_id is None:
        return _page(
            request,
            case,
            error=_("%(number)s has no engineer to phone.") % {"number": case.number},
            status=409,
        )
    engineer = case.engineer
    phone = getattr(getattr(engineer, "staff", None), "phone", "")
    try:
        services.case_log_work(
            case=case,
            kind=WorkLogKind.PHONE,
            note=form.cleaned_data["note"],
            system={
                "code": presenters.PHONED_ENGINEER,
                "engineer": engineer.username,
                "phone": phone,
            },
            minutes=form.cleaned_data["minutes"],
            internal=True,
            by=request.user,
        )
    except DomainError as exc:
        return _page(request, case, forms={"phoned": form}, error=exc.detail, status=exc.status)
    messages.success(
        request, _("Phone call to the engineer logged on %(number)s.") % {"number": case.number}
    )
    return _back(case)


@staff_required
@require_POST
def case_attach(request, number: str):
    """Files from the CASE page: one ``attachments.case_attach`` (one event per file, all or
    nothing); an internal file is for the desk only."""
    try:
        case = _case(request, number)
    except DomainError as exc:
        return _refused(request, exc)
    form = f.AttachForm(request.POST, request.FILES, auto_id="id_attach_%s")
    again = _("Nothing was saved: please choose your files again.") if request.FILES else ""
    if not form.is_valid():
        error = " ".join(filter(None, [f.first_error(form), again]))
        return _page(request, case, forms={"attach": form}, error=error, status=422)
    try:
        stored = attachments.case_attach(
            case=case,
            uploads=form.cleaned_data["files"],
            internal=form.cleaned_data["internal"],
            by=request.user,
        )
    except DomainError as exc:
        error = " ".join(filter(None, [exc.detail, again]))
        return _page(request, case, forms={"attach": form}, error=error, status=exc.status)
    messages.success(
        request,
        ngettext(
            "%(count)d file attached to %(number)s.",
            "%(count)d files attached to %(number)s.",
            len(stored),
        )
        % {"count": len(stored), "number": case.number},
    )
    return _back(case, "files")
