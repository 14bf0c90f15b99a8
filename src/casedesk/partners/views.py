"""The desk's partner page (partners, targets, rules, monthly figures), subcontracting from a
CASE's page, and the partner area: a partner engineer's CASEs, accepted, worked and
resolved under the partner's due times."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casedesk.cases import services as cases
from casedesk.cases.choices import CaseAction, Status, WorkLogKind
from casedesk.cases.models import WorkLog
from casedesk.core import policy
from casedesk.core.errors import DomainError
from casedesk.web.guards import forbidden, staff_required

from . import selectors, services
from .policy import PartnerAction


class SubcontractForm(forms.Form):
    partner = forms.CharField(label=gettext_lazy("partner"), max_length=32)
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=500, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=500)


class WorkLogForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("kind"),
        choices=[(k.value, k.label) for k in WorkLogKind if k != WorkLogKind.REPLY],
        initial=WorkLogKind.REMOTE,
    )
    minutes = forms.IntegerField(label=gettext_lazy("minutes"), min_value=0, max_value=24 * 60)
    note = forms.CharField(label=gettext_lazy("note"), widget=forms.Textarea(attrs={"rows": 3}))


class SolutionForm(forms.Form):
    solution = forms.CharField(
        label=gettext_lazy("solution"), widget=forms.Textarea(attrs={"rows": 3})
    )


# --- the desk's ---------------------------------------------------------------------------------


@staff_required
def partner_list(request):
    if not policy.can(request.user, PartnerAction.VIEW):
        return forbidden(request)
    return render(
        request,
        "partners/partner_list.html",
        {
            "partners": selectors.partner_list(fetched_by=request.user),
            "figures": selectors.figures(fetched_by=request.user),
        },
    )


def _case_step(request, number: str, form_class, act):
    """A POST from a CASE's console page: one operation, then back to the page."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        case = selectors.case_for_partner(number=number, fetched_by=request.user)
        policy.require(request.user, CaseAction.SUBCONTRACT, case)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    form = form_class(request.POST)
    if not form.is_valid():
        message = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return forbidden(request, message, status=400)
    try:
        act(case, form.cleaned_data)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    return redirect("web:case_detail", case.number)


@staff_required
def case_subcontract(request, number: str):
    def act(case, data):
        partner = selectors.partner_named(code=data["partner"], fetched_by=request.user)
        services.subcontract_open(
            case=case, partner=partner, reason=data["reason"], by=request.user
        )

    return _case_step(request, number, SubcontractForm, act)


@staff_required
def case_withdraw(request, number: str):
    def act(case, data):
        services.subcontract_withdraw(case=case, reason=data["reason"], by=request.user)

    return _case_step(request, number, WithdrawForm, act)


# --- the partner area -------------------------------------------------------------------------


def partner_required(view):
    """Signed in (else the login page); what a page shows is then the policy's answer."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _refused(request, message: str | None = None, status: int = 403):
    return render(
        request,
        "partners/refused.html",
        {"message": message or _("This page is for partner engineers."), "status": status},
        status=status,
    )


@partner_required
def partner_home(request):
    user = request.user
    if not policy.can(user, PartnerAction.WORK):
        return _refused(request)
    return render(
        request,
        "partners/partner_home.html",
        {
            "partner": selectors.partner_of(user),
            "cases": selectors.partner_cases(fetched_by=user),
        },
    )


def _partner_page(request, case, *, log_form=None, solution_form=None, error=None, status=200):
    user = request.user
    return render(
        request,
        "partners/partner_case.html",
        {
            "case": case,
            "subcontract": selectors.live_subcontract(case=case, fetched_by=user),
            "worklogs": WorkLog.objects.filter(case=case).select_related("author"),
            "may": {
                step: policy.can(user, action, case) and case.status in cases.ALLOWED_FROM[action]
                for step, action in (
                    ("accept", CaseAction.ACCEPT),
                    ("log", CaseAction.LOG_WORK),
                    ("resolve", CaseAction.RESOLVE),
                )
            },
            "log_form": log_form or WorkLogForm(),
            "solution_form": solution_form or SolutionForm(),
            "error": error,
            "S": Status,
        },
        status=status,
    )


def _partner_case(request, number: str):
    """The CASE if the reader may see it (404) and works as a partner (403)."""
    case = selectors.case_for_partner(number=number, fetched_by=request.user)
    policy.require(request.user, PartnerAction.WORK)
    policy.require(request.user, CaseAction.VIEW, case)
    return case


@partner_required
def partner_case(request, number: str):
    try:
        case = _partner_case(request, number)
    except DomainError as exc:
        return _refused(request, exc.detail, status=exc.status)
    return _partner_page(request, case)


STEPS = ("accept", "log", "resolve")


@partner_required
def partner_step(request, number: str, step: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        case = _partner_case(request, number)
    except DomainError as exc:
        return _refused(request, exc.detail, status=exc.status)
    if step not in STEPS:
        return _refused(request, _("No such step."), status=404)
    user = request.user
    log_form = WorkLogForm(request.POST) if step == "log" else None
    solution_form = SolutionForm(request.POST) if step == "resolve" else None
    form = log_form or solution_form
    if form is not None and not form.is_valid():
        return _partner_page(
            request, case, log_form=log_form, solution_form=solution_form, status=400
        )
    try:
        if step == "accept":
            cases.case_accept(case=case, by=user)
        elif step == "log":
            data = log_form.cleaned_data
            cases.case_log_work(
                case=case, kind=data["kind"], note=data["note"], minutes=data["minutes"], by=user
            )
        else:
            cases.case_resolve(case=case, solution=solution_form.cleaned_data["solution"], by=user)
    except DomainError as exc:
        return _partner_page(
            request,
            case,
            log_form=log_form,
            solution_form=solution_form,
            error=exc.detail,
            status=exc.status,
        )
    return redirect("partners:partner_case", case.number)
