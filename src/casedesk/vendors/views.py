"""The console's vendor pages: the vendor list (and a new vendor), one vendor with its
contacts and its cases (edited through the services), the time-at-vendor report with its
CSV; and the vendor-case steps the CASE page's panel posts (``case_panels``), each back to
the CASE with what happened, or with why nothing did."""

from __future__ import annotations

import csv
import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casedesk.core import clock, policy
from casedesk.core.errors import DomainError
from casedesk.web.guards import forbidden, staff_required

from . import selectors, services
from .choices import ContactRole, Severity
from .policy import VendorsAction


class VendorForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("code"), max_length=32)
    name = forms.CharField(label=gettext_lazy("name"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("e-mail"), required=False)
    support_hours = forms.CharField(
        label=gettext_lazy("support hours"), max_length=200, required=False
    )
    update_hours = forms.IntegerField(
        label=gettext_lazy("update interval (hours)"), min_value=1, max_value=services.MAX_HOURS
    )
    s1 = forms.IntegerField(
        label=format_lazy(gettext_lazy("{severity} interval (hours)"), severity="S1"),
        min_value=1,
        max_value=services.MAX_HOURS,
        required=False,
    )
    s2 = forms.IntegerField(
        label=format_lazy(gettext_lazy("{severity} interval (hours)"), severity="S2"),
        min_value=1,
        max_value=services.MAX_HOURS,
        required=False,
    )
    s3 = forms.IntegerField(
        label=format_lazy(gettext_lazy("{severity} interval (hours)"), severity="S3"),
        min_value=1,
        max_value=services.MAX_HOURS,
        required=False,
    )
    s4 = forms.IntegerField(
        label=format_lazy(gettext_lazy("{severity} interval (hours)"), severity="S4"),
        min_value=1,
        max_value=services.MAX_HOURS,
        required=False,
    )
    active = forms.BooleanField(label=gettext_lazy("active"), required=False, initial=True)

    def severity_hours(self) -> dict[str, int]:
        return {
            s: self.cleaned_data[s.lower()]
            for s in Severity.values
            if self.cleaned_data.get(s.lower())
        }


class ContactForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=100)
    role = forms.ChoiceField(label=gettext_lazy("role"), choices=ContactRole.choices)
    phone = forms.CharField(label=gettext_lazy("phone"), max_length=40, required=False)
    email = forms.EmailField(label=gettext_lazy("e-mail"), required=False)


class OpenForm(forms.Form):
    vendor = forms.CharField(max_length=32)
    reference = forms.CharField(label=gettext_lazy("vendor case number"), max_length=64)
    severity = forms.ChoiceField(label=gettext_lazy("severity"), choices=Severity.choices)
    sent = forms.CharField(label=gettext_lazy("what was sent"), max_length=10_000, required=False)
    files = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, file_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].choices = [(pk, pk) for pk in file_ids]


class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("note"), max_length=10_000, required=False)


def _back(request, case_number: str, *, error: str = "", done: str = ""):
    if error:
        messages.error(request, error)
    if done:
        messages.success(request, done)
    return redirect(reverse("web:case_detail", args=[case_number]) + "#vendor-cases")


def _form_error(form: forms.Form) -> str:
    return " ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {e}".lstrip(": ")
        for name, errors in form.errors.items()
        for e in errors
    )


@staff_required
def vendor_list(request):
    user = request.user
    if not policy.can(user, VendorsAction.VIEW):
        return forbidden(request)
    may_manage = policy.can(user, VendorsAction.MANAGE)
    form = VendorForm(initial={"update_hours": 24, "active": True}) if may_manage else None
    if request.method == "POST":
        if not may_manage:
            return forbidden(request)
        form = VendorForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                vendor = services.vendor_create(
                    code=data["code"],
                    name=data["name"],
                    email=data["email"],
                    support_hours=data["support_hours"],
                    update_hours=data["update_hours"],
                    severity_hours=form.severity_hours(),
                    by=user,
                )
            except DomainError as exc:
                form.add_error(None, str(exc.detail))
            else:
                messages.success(request, _("Vendor %(code)s added.") % {"code": vendor.code})
                return redirect("vendors:vendor_detail", vendor.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "vendors/vendor_list.html",
        {
            "vendors": selectors.vendor_list(fetched_by=user),
            "form": form,
            "may_report": policy.can(user, VendorsAction.REPORT),
        },
        status=status,
    )


@staff_required
def vendor_detail(request, pk: int):
    user = request.user
    try:
        vendor = selectors.vendor_get(pk=pk, fetched_by=user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    may_manage = policy.can(user, VendorsAction.MANAGE, vendor)
    form = contact_form = None
    status = 200
    if may_manage:
        form = _edit_form(vendor)
        contact_form = ContactForm()
    if request.method == "POST":
        if not may_manage:
            return forbidden(request)
        result = _change(request, vendor)
        if result is None:
            return redirect("vendors:vendor_detail", vendor.pk)
        form, contact_form = result
        status = 400
    return render(
        request,
        "vendors/vendor_detail.html",
        {
            "vendor": vendor,
            "cases": selectors.vendor_case_list(fetched_by=user, vendor=vendor),
            "form": form,
            "contact_form": contact_form,
            "may_manage": may_manage,
        },
        status=status,
    )


def _edit_form(vendor, data=None) -> VendorForm:
    """The vendor's edit form: its code names it for good (the API's ``vendor``)."""
    form = VendorForm(
        data,
        initial={
            "code": vendor.code,
            "name": vendor.name,
            "email": vendor.email,
            "support_hours": vendor.support_hours,
            "update_hours": vendor.update_hours,
            "active": vendor.active,
            **{s.lower(): h for s, h in vendor.severity_hours.items()},
        },
    )
    form.fields["code"].disabled = True
    return form


def _change(request, vendor):
    """One of the vendor page's forms, through its service; None when done, else the forms
    to show again with their errors."""
    user, what = request.user, request.POST.get("form")
    form, contact_form = _edit_form(vendor), ContactForm()
    try:
        if what == "contact":
            contact_form = ContactForm(request.POST)
            if not contact_form.is_valid():
                return form, contact_form
            services.vendor_contact_add(vendor=vendor, **contact_form.cleaned_data, by=user)
            messages.success(request, _("Contact added."))
        elif what == "remove-contact":
            contact = vendor.contacts.filter(pk=request.POST.get("contact") or 0).first()
            if contact is None:
                messages.error(request, _("No such contact."))
                return None
            services.vendor_contact_remove(contact=contact, by=user)
            messages.success(request, _("Contact removed."))
        else:
            form = _edit_form(vendor, request.POST)
            if not form.is_valid():
                return form, contact_form
            data = form.cleaned_data
            services.vendor_change(
                vendor=vendor,
                name=data["name"],
                email=data["email"],
                support_hours=data["support_hours"],
                update_hours=data["update_hours"],
                severity_hours=form.severity_hours(),
                active=data["active"],
                by=user,
            )
            messages.success(request, _("Vendor %(code)s saved.") % {"code": vendor.code})
    except DomainError as exc:
        target = contact_form if what == "contact" else form
        target.add_error(None, str(exc.detail))
        return form, contact_form
    return None


def _month(value: str | None) -> dt.date:
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        today = timezone.localtime(clock.now()).date()
        return today.replace(day=1)


def _period(first: dt.date) -> tuple[dt.datetime, dt.datetime]:
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first, dt.time(), tzinfo=tz),
        dt.datetime.combine(nxt, dt.time(), tzinfo=tz),
    )


@staff_required
def report(request):
    user = request.user
    if not policy.can(user, VendorsAction.REPORT):
        return forbidden(request)
    first = _month(request.GET.get("month"))
    start, end = _period(first)
    rows = selectors.time_at_vendor(start=start, end=end, fetched_by=user)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="time-at-vendor-{first:%Y-%m}.csv"'
        response.write("\ufeff")  # so that Excel reads the Chinese names as UTF-8
        out = csv.writer(response)
        out.writerow(
            [_("vendor"), _("closed"), _("median hours"), _("p90 hours"), _("open now"),
             _("updates"), _("late updates")]
        )  # fmt: skip
        for r in rows:
            out.writerow(
                [f"{r.vendor.code} {r.vendor.name}", r.closed, r.median if r.median is not None
                 else "", r.p90 if r.p90 is not None else "", r.open_now, r.updates, r.late_updates]
            )  # fmt: skip
        return response
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "vendors/report.html",
        {"rows": rows, "month": first, "previous": previous, "following": following},
    )


def _case_step(request, pk: int, step):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = request.user
    try:
        vendor_case = selectors.vendor_case_get(pk=pk, fetched_by=user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    if not policy.can(user, VendorsAction.WORK, vendor_case):
        return forbidden(request)
    form = NoteForm(request.POST)
    number = vendor_case.case.number
    if not form.is_valid():
        return _back(request, number, error=_form_error(form))
    try:
        done = step(vendor_case, form.cleaned_data["note"], user)
    except DomainError as exc:
        return _back(request, number, error=str(exc.detail))
    return _back(request, number, done=done % {"reference": vendor_case.reference})


def _update(vendor_case, note, user) -> str:
    services.vendor_case_update(vendor_case=vendor_case, note=note, by=user)
    return _("Update on vendor case %(reference)s recorded; the next one is promised.")


def _close(vendor_case, note, user) -> str:
    services.vendor_case_close(vendor_case=vendor_case, note=note, by=user)
    return _("Vendor case %(reference)s closed.")


@staff_required
def vendor_case_update(request, pk: int):
    return _case_step(request, pk, _update)


@staff_required
def vendor_case_close(request, pk: int):
    return _case_step(request, pk, _close)


@staff_required
def vendor_case_open(request, number: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = request.user
    try:
        case = selectors.case_to_escalate(number=number, fetched_by=user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    form = OpenForm(request.POST, file_ids=selectors.case_file_ids(case=case, fetched_by=user))
    if not form.is_valid():
        return _back(request, case.number, error=_form_error(form))
    data = form.cleaned_data
    try:
        vendor = selectors.vendor_by_code(code=data["vendor"], fetched_by=user)
        vc = services.vendor_case_open(
            case=case,
            vendor=vendor,
            reference=data["reference"],
            severity=data["severity"],
            sent=data["sent"],
            files=data["files"],
            by=user,
        )
    except DomainError as exc:
        return _back(request, case.number, error=str(exc.detail))
    return _back(
        request,
        case.number,
        done=_("Vendor case %(reference)s opened with %(vendor)s.")
        % {"reference": vc.reference, "vendor": vendor.name},
    )
