"""The console's complaint pages (the list, open first and overdue marked; one complaint
with its steps; the monthly counts) and the portal's "Make a complaint"."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import Role
from casedesk.accounts.models import Organization
from casedesk.core import policy
from casedesk.core.errors import DomainError
from casedesk.web.guards import forbidden, staff_required

from . import selectors, services
from .choices import ComplaintSource
from .policy import ComplaintAction


class ComplaintForm(forms.Form):
    """A complaint taken by the desk (by phone, mostly) for any organization; naming a CASE
    is enough: the organization is then the CASE's."""

    organization = forms.ModelChoiceField(
        label=gettext_lazy("organization"),
        queryset=Organization.objects.filter(is_active=True).order_by("code"),
        to_field_name="code",
        required=False,
        help_text=gettext_lazy("Leave it empty when you name a CASE: its organization is taken."),
    )
    description = forms.CharField(
        label=gettext_lazy("What the customer complains of"),
        max_length=services.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    case = forms.CharField(
        label=gettext_lazy("CASE"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("The CASE number (C…) the complaint is about, if any."),
    )
    source = forms.ChoiceField(
        label=gettext_lazy("source"),
        choices=[(s.value, s.label) for s in ComplaintSource if s != ComplaintSource.SURVEY],
        initial=ComplaintSource.PHONE,
    )

    def clean(self):
        data = super().clean()
        if not data.get("organization") and not data.get("case") and not self.errors:
            raise forms.ValidationError(_("Choose the organization, or name the CASE."))
        return data


class PortalComplaintForm(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("What went wrong?"),
        max_length=services.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    case = forms.CharField(
        label=gettext_lazy("CASE number (if it is about one)"), required=False, max_length=20
    )


class StepForm(forms.Form):
    text = forms.CharField(
        required=False,
        max_length=services.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _file(request, form, organization, source: str):
    """File the complaint the valid ``form`` describes; the complaint, or None with the
    refusal added to the form."""
    data = form.cleaned_data
    try:
        cases = (
            [selectors.case_named(number=data["case"], fetched_by=request.user)]
            if data.get("case")
            else []
        )
        return services.complaint_file(
            organization=organization or cases[0].organization,
            description=data["description"],
            source=source,
            cases=cases,
            by=request.user,
        )
    except DomainError as exc:
        form.add_error(None, exc.detail)
        return None


@staff_required
def complaint_list(request):
    if not policy.can(request.user, ComplaintAction.VIEW):
        return forbidden(request)
    complaints = selectors.complaint_list(fetched_by=request.user)
    return render(
        request,
        "complaints/complaint_list.html",
        {
            "complaints": complaints,
            "may_file": policy.can(request.user, ComplaintAction.FILE),
        },
    )


@staff_required
def complaint_new(request):
    if not policy.can(request.user, ComplaintAction.FILE):
        return forbidden(request)
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        complaint = _file(request, form, data["organization"], data["source"])
        if complaint is not None:
            return redirect("complaints:complaint_detail", complaint.number)
    status = 400 if form.errors else 200
    return render(request, "complaints/complaint_new.html", {"form": form}, status=status)


@staff_required
def complaint_detail(request, number: str):
    try:
        complaint = selectors.complaint_get(number=number, fetched_by=request.user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    return _page(request, complaint)


def _page(request, complaint, form=None, status: int = 200):
    return render(
        request,
        "complaints/complaint_detail.html",
        {
            "complaint": complaint,
            "form": form or StepForm(),
            "may_work": policy.can(request.user, ComplaintAction.WORK, complaint),
        },
        status=status,
    )


STEPS = {
    "acknowledge": lambda c, text, by: services.complaint_acknowledge(
        complaint=c, note=text, by=by
    ),
    "resolve": lambda c, text, by: services.complaint_resolve(complaint=c, resolution=text, by=by),
    "close": lambda c, text, by: services.complaint_close(complaint=c, by=by),
}


@staff_required
def complaint_step(request, number: str, step: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        complaint = selectors.complaint_get(number=number, fetched_by=request.user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    if step not in STEPS:
        return forbidden(request, _("No such step."), status=404)
    if not policy.can(request.user, ComplaintAction.WORK, complaint):
        return forbidden(request)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            STEPS[step](complaint, form.cleaned_data["text"], request.user)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            return redirect("complaints:complaint_detail", complaint.number)
    complaint = selectors.complaint_get(number=number, fetched_by=request.user)
    return _page(request, complaint, form, status=400)


@staff_required
def complaint_report(request):
    if not policy.can(request.user, ComplaintAction.VIEW):
        return forbidden(request)
    counts = selectors.monthly_counts(fetched_by=request.user)
    return render(request, "complaints/complaint_report.html", {"counts": counts})


def customer_required(view):
    """Customers only: anonymous → the login page; staff → the console's complaints."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.role != Role.CUSTOMER:
            return redirect("complaints:complaint_list")
        return view(request, *args, **kwargs)

    return wrapper


@customer_required
def portal_complaint(request):
    """A customer files a complaint for their own organization; their complaints below."""
    user = request.user
    if not policy.can(user, ComplaintAction.FILE) or user.organization is None:
        return render(
            request,
            "portal/refused.html",
            {"message": _("You may not file complaints."), "heading": _("Not allowed")},
            status=403,
        )
    form = PortalComplaintForm(request.POST or None)
    filed = None
    if request.method == "POST" and form.is_valid():
        filed = _file(request, form, user.organization, ComplaintSource.PORTAL)
        if filed is not None:
            form = PortalComplaintForm()
    status = 400 if form.errors else 200
    return render(
        request,
        "complaints/portal_complaint.html",
        {
            "form": form,
            "filed": filed,
            "complaints": selectors.complaint_list(fetched_by=user, limit=20),
        },
        status=status,
    )
