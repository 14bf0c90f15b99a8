"""Assigning a CASE: the ranked engineers, one click assigns (``case_assign``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casedesk.accounts import selectors as people
from casedesk.accounts.choices import Tier
from casedesk.cases import services
from casedesk.cases.actions import available_actions
from casedesk.cases.choices import (
    Status,
)
from casedesk.cases.models import Case
from casedesk.core import policy
from casedesk.core.errors import DomainError, TransitionNotAllowed
from casedesk.routing.selectors import recommendations

from . import case_forms as f
from .case_common import SEVERITY_HELP, A, _back, _case, _label, _refused
from .guards import staff_required
from .templatetags.console import person


def _assign_page(
    request, case: Case, *, error: str = "", status: int = 200, form: f.AssignForm | None = None
):
    """``form``: a refused assignment, shown again in the "someone else" form (with the
    tier warning and the override reason when the rule refused it)."""
    ranked = recommendations(case, fetched_by=request.user, exclude=[case.engineer_id], limit=20)
    everyone = [u for u in people.assignable_staff() if u.pk != case.engineer_id]
    rows = [
        {
            "user": r.engineer,
            "name": person(r.engineer),
            "tier": _label(Tier, r.engineer.staff.tier),
            "senior": r.engineer.staff.tier == Tier.SENIOR,
            "skills": r.skills,
            "load": r.load,
            "capacity": r.capacity,
            "on_duty": r.on_duty,
            "role": r.engineer.get_role_display(),
            "score": r.score,
            "reasons": r.reasons,
        }
        for r in ranked
    ]
    chosen = form.data.get("engineer", "") if form is not None else ""
    context = {
        "case": case,
        "rows": rows,
        "everyone": everyone,
        "error": error,
        "severity_help": SEVERITY_HELP.get(case.priority, ""),
        "status_label": _label(Status, case.status),
        # SPEC §2: P1/P2 go to senior engineers; a first-line one needs a stated reason.
        "tier_rule": case.priority in services.SENIOR_PRIORITIES,
        "chosen": chosen,
        "note": form.data.get("note", "") if form is not None else "",
        "override_reason": form.data.get("override_reason", "") if form is not None else "",
        "overridable": any(
            u.username == chosen and services.tier_warning(case, u) for u in everyone
        ),
    }
    return render(request, "web/case/assign.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def case_assign(request, number: str):
    """The ranked engineers for this CASE; one click assigns (``case_assign``)."""
    try:
        case = _case(request, number)
        policy.require(request.user, A.ASSIGN, case)
    except DomainError as exc:
        return _refused(request, exc)
    if request.method == "GET":
        if A.ASSIGN not in available_actions(case=case, user=request.user):
            message = _("%(number)s is %(status)s: it cannot be assigned now.") % {
                "number": case.number,
                "status": _label(Status, case.status),
            }
            return _refused(request, TransitionNotAllowed(message))
        return _assign_page(request, case)
    form = f.AssignForm(request.POST)
    if not form.is_valid():
        return _assign_page(request, case, error=f.first_error(form), status=422, form=form)
    try:
        engineer = people.engineer_by_username(form.cleaned_data["engineer"])
        services.case_assign(
            case=case,
            engineer=engineer,
            note=form.cleaned_data["note"],
            override_reason=form.cleaned_data["override_reason"],
            by=request.user,
        )
    except DomainError as exc:
        return _assign_page(request, case, error=exc.detail, status=exc.status, form=form)
    messages.success(
        request,
        _("%(number)s assigned to %(engineer)s. Phone the engineer and mark it below.")
        % {"number": case.number, "engineer": person(engineer)},
    )
    return _back(case, "phoned")
