"""The live entitlement hint of the intake forms (the console's phone form, the portal's
"report a problem"): as a serial number is typed, what it is entitled to, worded here in
the reader's language (``presenters.entitlement_hint``), never by the page's script.

JSON ``{"text", "state", "reason"}``; bad input is a 4xx ``{"detail"}``.  The portal's
answers only for the customer's own organization: another organization's box reads as an
unknown serial number (``policy.visible``)."""

from __future__ import annotations

from django import forms
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from casedesk.core import policy
from casedesk.core.errors import DomainError
from casedesk.web.guards import staff_required

from . import presenters, selectors
from .policy import ContractAction
from .serials import normalize_serial
from .views import customer_required


def _not_staff(request) -> JsonResponse:
    return JsonResponse({"detail": _("Only the desk's staff see entitlements here.")}, status=403)


class HintQuery(forms.Form):
    serial_number = forms.CharField(max_length=64, required=False, strip=True)
    organization = forms.CharField(max_length=32, required=False, strip=True)


def _hint(request, *, organization: str | None = None) -> JsonResponse:
    query = HintQuery(request.GET)
    if not query.is_valid():
        errors = [e for field in query.errors.values() for e in field]
        return JsonResponse({"detail": str(errors[0])}, status=400)
    serial = query.cleaned_data["serial_number"]
    if organization is None:
        organization = query.cleaned_data["organization"]
    try:
        policy.require(request.user, ContractAction.VIEW)
        found = selectors.entitlement(
            serial_number=serial, organization=organization, fetched_by=request.user
        )
    except DomainError as exc:
        return JsonResponse({"detail": exc.detail}, status=exc.status)
    text, state = presenters.entitlement_hint(found, of_serial=bool(normalize_serial(serial)))
    return JsonResponse({"text": text, "state": state, "reason": str(found.reason)})


@staff_required(refuse=_not_staff)
@require_GET
def entitlement_hint(request):
    """The phone form's: ``serial_number``, else the caller's ``organization`` (its code)."""
    return _hint(request)


@customer_required
@require_GET
def portal_entitlement_hint(request):
    """The portal's: ``serial_number`` among the customer's own equipment, else their
    organization's contracts."""
    organization = request.user.organization
    return _hint(request, organization=organization.code if organization else "")
