"""Opening a CASE from a phone call: find the caller, grade it P1–P4, describe it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from casedesk.accounts import selectors as people
from casedesk.accounts.models import Contact
from casedesk.cases import selectors, services
from casedesk.cases.choices import (
    Channel,
    Priority,
)
from casedesk.core import policy
from casedesk.core.errors import DomainError, InvalidInput

from . import case_forms as f
from .case_common import SEVERITY_HELP, A, _back
from .guards import staff_required


def _contact_id(value: object) -> int | None:
    """A contact id from a query string or form, or None (never a number the database
    cannot hold)."""
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= 12 else None


def _contact_json(contact: Contact, *, defaults: dict[str, str] | None = None) -> dict:
    org = contact.organization
    out: dict[str, Any] = {
        "id": contact.pk,
        "name": contact.name,
        "phone": contact.phone,
        "email": contact.email,
        "organization": {
            "code": org.code,
            "name": org.name,
            "service_level": org.get_service_level_display(),
        },
    }
    if defaults is not None:
        out["defaults"] = defaults
    return out


@staff_required
@require_GET
def contact_lookup(request):
    """JSON for the new-CASE form: contacts matching ``q``, or one ``contact`` with the
    contract and equipment of their latest CASE."""
    if "contact" in request.GET:
        contact_id = _contact_id(request.GET["contact"])
        try:
            if contact_id is None:
                raise InvalidInput("not a contact id")
            contact = people.contact_by_id(contact_id)
        except InvalidInput:
            return JsonResponse({"detail": _("Unknown contact.")}, status=404)
        return JsonResponse(
            {"contact": _contact_json(contact, defaults=selectors.contact_case_defaults(contact))}
        )
    found = people.contact_search(q=request.GET.get("q", ""), fetched_by=request.user)
    return JsonResponse({"contacts": [_contact_json(c) for c in found]})


def _new_page(request, form: f.CaseNewForm, *, error: str = "", status: int = 200):
    q = request.GET.get("q", "").strip()
    chosen = None
    contact_id = _contact_id(form["contact"].value())
    if contact_id is not None:
        try:
            chosen = people.contact_by_id(contact_id)
        except InvalidInput:
            chosen = None
    context = {
        "form": form,
        "q": q,
        "results": people.contact_search(q=q, fetched_by=request.user) if q else [],
        "chosen": chosen,
        "severities": [
            {"value": value, "label": label, "help": SEVERITY_HELP[value]}
            for value, label in Priority.choices
        ],
        "error": error,
    }
    return render(request, "web/case/new.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    """Open a CASE: find the caller, grade it P1–P4, describe it → ``case_open``."""
    if request.method == "GET":
        initial: dict[str, Any] = {"channel": Channel.PHONE}
        contact_id = _contact_id(request.GET.get("contact"))
        if contact_id is not None:
            try:
                contact = people.contact_by_id(contact_id)
            except InvalidInput:
                contact = None
            if contact is not None:
                initial.update(contact=contact.pk, **selectors.contact_case_defaults(contact))
        return _new_page(request, f.CaseNewForm(initial=initial))
    form = f.CaseNewForm(request.POST)
    if not form.is_valid():
        return _new_page(request, form, error=f.first_error(form), status=422)
    data = dict(form.cleaned_data)
    try:
        policy.require(request.user, A.OPEN)
        contact = people.contact_by_id(data.pop("contact"))
        case = services.case_open(
            organization=contact.organization, contact=contact, by=request.user, **data
        )
    except DomainError as exc:
        return _new_page(request, form, error=exc.detail, status=exc.status)
    messages.success(request, _("%(number)s opened.") % {"number": case.number})
    return _back(case)
