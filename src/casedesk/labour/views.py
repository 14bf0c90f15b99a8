"""The console's labour pages: the report (by engineer, organization or CASE, per month),
the monthly settlement of work outside the contract, and the rate cards.

Each view: parse (a form) → a selector for the reader or one operation; a refused or
impossible request shows the operation's words and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import Tier
from casedesk.core import clock, policy
from casedesk.core.errors import DomainError
from casedesk.web.guards import forbidden, staff_required

from . import selectors, services, xlsx
from .policy import LabourAction

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BY_LABELS = {
    "engineer": gettext_lazy("engineer"),
    "organization": gettext_lazy("organization"),
    "case": gettext_lazy("CASE"),
}


class DateInput(forms.DateInput):
    input_type = "date"


class ReportForm(forms.Form):
    since = forms.DateField(label=gettext_lazy("from"), widget=DateInput)
    until = forms.DateField(label=gettext_lazy("until (included)"), widget=DateInput)
    by = forms.ChoiceField(label=gettext_lazy("group by"), choices=list(BY_LABELS.items()))
    per_month = forms.BooleanField(label=gettext_lazy("per month"), required=False)


class MonthForm(forms.Form):
    month = forms.RegexField(
        label=gettext_lazy("month"),
        regex=r"^\d{4}-\d{2}$",
        widget=forms.TextInput(attrs={"type": "month"}),
    )


class RateCardForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=120)
    hourly_rate = forms.DecimalField(
        label=gettext_lazy("hourly rate (CNY)"), max_digits=10, decimal_places=2
    )
    night_multiplier = forms.DecimalField(
        label=gettext_lazy("night multiplier"), max_digits=4, decimal_places=2, initial="1.5"
    )
    holiday_multiplier = forms.DecimalField(
        label=gettext_lazy("holiday multiplier"), max_digits=4, decimal_places=2, initial="2"
    )
    organization = forms.CharField(
        label=gettext_lazy("organization"),
        max_length=32,
        required=False,
        help_text=gettext_lazy("Its code; empty for the general card."),
    )
    tier = forms.ChoiceField(
        label=gettext_lazy("tier"),
        required=False,
        choices=[("", gettext_lazy("any engineer")), *Tier.choices],
    )
    valid_from = forms.DateField(
        label=gettext_lazy("valid from"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Empty: today."),
    )
    valid_until = forms.DateField(
        label=gettext_lazy("valid until (included)"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Empty: open-ended."),
    )


class RateCardEditForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=120)
    night_multiplier = forms.DecimalField(
        label=gettext_lazy("night multiplier"), max_digits=4, decimal_places=2
    )
    holiday_multiplier = forms.DecimalField(
        label=gettext_lazy("holiday multiplier"), max_digits=4, decimal_places=2
    )
    valid_until = forms.DateField(
        label=gettext_lazy("valid until (included)"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Empty: open-ended. Not before yesterday: past amounts stay."),
    )


class SupersedeForm(forms.Form):
    hourly_rate = forms.DecimalField(
        label=gettext_lazy("new hourly rate (CNY)"), max_digits=10, decimal_places=2
    )
    valid_from = forms.DateField(
        label=gettext_lazy("from"),
        widget=DateInput,
        help_text=gettext_lazy("Today or later; the card ends the day before."),
    )
    night_multiplier = forms.DecimalField(
        label=gettext_lazy("night multiplier"), max_digits=4, decimal_places=2
    )
    holiday_multiplier = forms.DecimalField(
        label=gettext_lazy("holiday multiplier"), max_digits=4, decimal_places=2
    )


def _this_month() -> tuple[dt.date, dt.date]:
    today = clock.local(clock.now()).date()
    return today.replace(day=1), today


def _report_form(request) -> ReportForm:
    since, until = _this_month()
    data = (
        request.GET
        if "since" in request.GET
        else {"since": since, "until": until, "by": "engineer"}
    )
    return ReportForm(data)


def _report_rows(request, form: ReportForm):
    c = form.cleaned_data
    return selectors.labour_rows(
        since=c["since"],
        until=c["until"],
        by=c["by"],
        per_month=c["per_month"],
        fetched_by=request.user,
    )


@staff_required
def report(request):
    if not policy.can(request.user, LabourAction.VIEW):
        return forbidden(request)
    form = _report_form(request)
    rows, error = [], ""
    if form.is_valid():
        try:
            rows = _report_rows(request, form)
        except DomainError as exc:
            error = exc.detail
    c = form.cleaned_data if form.is_valid() else {}
    return render(
        request,
        "labour/report.html",
        {
            "form": form,
            "rows": rows,
            "error": error,
            "by_label": BY_LABELS.get(c.get("by", ""), ""),
            "per_month": c.get("per_month", False),
            "total_minutes": sum(r.minutes for r in rows),
            "total_hours": selectors.hours(sum(r.minutes for r in rows)),
            "total_amount": sum((r.amount for r in rows), 0),
            "query": request.GET.urlencode() if "since" in request.GET else "",
        },
        status=400 if form.errors or error else 200,
    )


@staff_required
def report_xlsx(request):
    if not policy.can(request.user, LabourAction.VIEW):
        return forbidden(request)
    form = _report_form(request)
    if not form.is_valid():
        return forbidden(request, _("Check the period and the grouping."), status=400)
    try:
        rows = _report_rows(request, form)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    c = form.cleaned_data
    body = xlsx.report(rows, by_label=str(BY_LABELS[c["by"]]), per_month=c["per_month"])
    response = HttpResponse(body, content_type=XLSX)
    name = f"labour-{c['by']}-{c['since']:%Y%m%d}-{c['until']:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _month_form(request) -> MonthForm:
    if "month" in request.GET:
        return MonthForm(request.GET)
    return MonthForm({"month": _this_month()[0].strftime("%Y-%m")})


@staff_required
def settlement(request):
    if not policy.can(request.user, LabourAction.VIEW):
        return forbidden(request)
    form = _month_form(request)
    customers, error = [], ""
    if form.is_valid():
        try:
            customers = selectors.settlement(
                month=form.cleaned_data["month"], fetched_by=request.user
            )
        except DomainError as exc:
            error = exc.detail
    return render(
        request,
        "labour/settlement.html",
        {
            "form": form,
            "customers": customers,
            "error": error,
            "month": form.cleaned_data.get("month", "") if form.is_valid() else "",
        },
        status=400 if form.errors or error else 200,
    )


@staff_required
def settlement_xlsx(request):
    if not policy.can(request.user, LabourAction.VIEW):
        return forbidden(request)
    form = _month_form(request)
    if not form.is_valid():
        return forbidden(request, _("A month is written YYYY-MM."), status=400)
    month = form.cleaned_data["month"]
    try:
        customers = selectors.settlement(month=month, fetched_by=request.user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    response = HttpResponse(xlsx.settlement(month, customers), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="labour-settlement-{month}.xlsx"'
    return response


@staff_required
def rate_cards(request):
    user = request.user
    if not policy.can(user, LabourAction.VIEW):
        return forbidden(request)
    return render(
        request,
        "labour/rate_cards.html",
        {
            "cards": selectors.rate_card_list(fetched_by=user),
            "may_manage": policy.can(user, LabourAction.MANAGE_RATES),
        },
    )


@staff_required
def rate_card_new(request):
    user = request.user
    if not policy.can(user, LabourAction.MANAGE_RATES):
        return forbidden(request)
    form = RateCardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {**form.cleaned_data}
        fields["organization"] = fields["organization"] or ""
        fields["tier"] = fields["tier"] or ""
        fields["valid_from"] = fields["valid_from"] or None
        try:
            card = services.rate_card_create(**fields, by=user)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Rate card %(name)s saved.") % {"name": card.name})
            return redirect("labour:rate_cards")
    return render(
        request,
        "labour/rate_card_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _card_to_manage(request, pk: int):
    """The card ``pk`` if the reader may change it, else the refusal page to answer with."""
    try:
        card = selectors.rate_card_get(pk=pk, fetched_by=request.user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    if not policy.can(request.user, LabourAction.MANAGE_RATES, card):
        return forbidden(request)
    return card


@staff_required
def rate_card_edit(request, pk: int):
    user = request.user
    card = _card_to_manage(request, pk)
    if isinstance(card, HttpResponse):
        return card
    initial = {
        "name": card.name,
        "night_multiplier": card.night_multiplier,
        "holiday_multiplier": card.holiday_multiplier,
        "valid_until": card.valid_until,
    }
    form = RateCardEditForm(request.POST or None, initial=initial)
    if card.valid_from <= services.today():  # it has priced work: new multipliers are a new card
        for name in ("night_multiplier", "holiday_multiplier"):
            form.fields[name].disabled = True
            form.fields[name].help_text = _("This card has priced work: a new rate from a date.")
    if request.method == "POST" and form.is_valid():
        try:
            card = services.rate_card_update(card=card, **form.cleaned_data, by=user)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Rate card %(name)s saved.") % {"name": card.name})
            return redirect("labour:rate_cards")
    return render(
        request,
        "labour/rate_card_edit.html",
        {"form": form, "card": card, "title": _("Edit rate card")},
        status=400 if form.errors else 200,
    )


@staff_required
def rate_card_supersede(request, pk: int):
    user = request.user
    card = _card_to_manage(request, pk)
    if isinstance(card, HttpResponse):
        return card
    initial = {
        "hourly_rate": card.hourly_rate,
        "valid_from": services.today(),
        "night_multiplier": card.night_multiplier,
        "holiday_multiplier": card.holiday_multiplier,
    }
    form = SupersedeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            successor = services.rate_card_supersede(card=card, **form.cleaned_data, by=user)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(
                request,
                _("From %(day)s on, %(name)s costs %(rate)s CNY an hour.")
                % {
                    "day": successor.valid_from.isoformat(),
                    "name": successor.name,
                    "rate": successor.hourly_rate,
                },
            )
            return redirect("labour:rate_cards")
    return render(
        request,
        "labour/rate_card_edit.html",
        {"form": form, "card": card, "title": _("New rate from a date on")},
        status=400 if form.errors else 200,
    )
