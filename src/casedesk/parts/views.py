"""The console's stock pages: every part's stock per location with the reorder list, and one
part's page with its ledger (and, for the stock keepers, a form to move it); and the RMA
steps the CASE page's RMA block posts (``case_panels``), each back to the CASE with what
happened, or with why nothing did."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casedesk.core import policy
from casedesk.core.errors import DomainError, InvalidInput
from casedesk.web.guards import forbidden, staff_required

from . import selectors, services
from .choices import Condition, MoveKind, RmaStatus
from .policy import PartsAction

PAGE_SIZE = 50
FORM_KINDS = (MoveKind.RECEIPT, MoveKind.TRANSFER, MoveKind.SHIPMENT, MoveKind.LOSS)


class MoveForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("kind"),
        choices=[(k.value, k.label) for k in FORM_KINDS],
    )
    quantity = forms.IntegerField(label=gettext_lazy("quantity"), min_value=1, max_value=1_000_000)
    from_location = forms.ChoiceField(label=gettext_lazy("from location"), required=False)
    to_location = forms.ChoiceField(label=gettext_lazy("to location"), required=False)
    condition = forms.ChoiceField(label=gettext_lazy("condition"), choices=Condition.choices)
    serial_numbers = forms.CharField(
        label=gettext_lazy("serial numbers"),
        required=False,
        max_length=5000,
        help_text=gettext_lazy("One per piece, separated by spaces or commas."),
    )
    reason = forms.CharField(label=gettext_lazy("why"), required=False, max_length=500)

    def __init__(self, *args, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(loc.code, f"{loc.code} {loc.name}") for loc in locations]
        self.fields["from_location"].choices = choices
        self.fields["to_location"].choices = choices


@staff_required
def stock(request):
    user = request.user
    if not policy.can(user, PartsAction.VIEW):
        return forbidden(request)
    overview = selectors.stock_overview(fetched_by=user)
    return render(
        request,
        "parts/stock.html",
        {"overview": overview, "reorder": [p for p in overview if p.below_safety]},
    )


def _part_page(request, part, form: MoveForm | None = None, status: int = 200):
    user = request.user
    may_manage = policy.can(user, PartsAction.MANAGE)
    locations = selectors.location_list(fetched_by=user)
    if form is None and may_manage:
        form = MoveForm(locations=locations)
    moves = Paginator(selectors.part_moves(part=part, fetched_by=user), PAGE_SIZE)
    rows = selectors.on_hand(part=part, fetched_by=user)
    return render(
        request,
        "parts/part_detail.html",
        {
            "part": part,
            "rows": rows,
            "good": selectors.good_stock(part=part),
            "page": moves.get_page(request.GET.get("page")),
            "query": request.GET.urlencode(),
            "form": form if may_manage else None,
        },
        status=status,
    )


@staff_required
def part_detail(request, part_number: str):
    try:
        part = selectors.part_get(part_number=part_number, fetched_by=request.user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    return _part_page(request, part)


@staff_required
def part_move(request, part_number: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = request.user
    try:
        part = selectors.part_get(part_number=part_number, fetched_by=user)
        if not policy.can(user, PartsAction.MANAGE):
            return forbidden(request)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    locations = selectors.location_list(fetched_by=user)
    form = MoveForm(request.POST, locations=locations)
    if not form.is_valid():
        return _part_page(request, part, form, status=422)
    data = form.cleaned_data
    by_code = {loc.code: loc for loc in locations}
    try:
        services.stock_move(
            part=part,
            kind=data["kind"],
            quantity=data["quantity"],
            from_location=by_code.get(data["from_location"]),
            to_location=by_code.get(data["to_location"]),
            condition=data["condition"],
            serial_numbers=data["serial_numbers"].replace(",", " ").split(),
            reason=data["reason"],
            by=user,
        )
    except DomainError as exc:
        form.add_error(None, exc.detail)
        return _part_page(request, part, form, status=exc.status)
    return redirect("parts:part_detail", part.part_number)


# --- RMA steps from the CASE page ----------------------------------------------------------


class RmaRequestForm(forms.Form):
    part_number = forms.CharField(label=gettext_lazy("part number"), max_length=64)
    from_location = forms.CharField(label=gettext_lazy("ship from"), required=False, max_length=32)
    advance = forms.BooleanField(label=gettext_lazy("advance replacement"), required=False)
    defective_serial = forms.CharField(
        label=gettext_lazy("defective serial number"), required=False, max_length=100
    )


class ShippingForm(forms.Form):
    courier = forms.CharField(label=gettext_lazy("courier"), required=False, max_length=64)
    tracking_number = forms.CharField(label=gettext_lazy("courier number"), max_length=64)


class LocationForm(forms.Form):
    location = forms.CharField(label=gettext_lazy("location"), max_length=32)
    serial_number = forms.CharField(
        label=gettext_lazy("serial number"), required=False, max_length=100
    )


class VendorForm(forms.Form):
    vendor = forms.CharField(label=gettext_lazy("vendor"), max_length=32)


def _back(request, case_number: str, *, error: str = "", done: str = ""):
    if error:
        messages.error(request, error)
    if done:
        messages.success(request, done)
    return redirect("web:case_detail", case_number)


def _form_error(form: forms.Form) -> str:
    return " ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {e}".lstrip(": ")
        for name, errors in form.errors.items()
        for e in errors
    )


def _place(user, code: str):
    try:
        return selectors.location_get(code=code, fetched_by=user)
    except DomainError:
        raise InvalidInput(_("Unknown stock location %(code)r.") % {"code": code}) from None


def _rma_step(request, number: str, form_class, step):
    """One step of an RMA: the form checked, the operation made, back to the CASE."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = request.user
    try:
        rma = selectors.rma_get(number=number, fetched_by=user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    if not policy.can(user, PartsAction.RMA, rma.case):
        return forbidden(request)
    form = form_class(request.POST)
    if not form.is_valid():
        return _back(request, rma.case.number, error=_form_error(form))
    try:
        done = step(rma, form.cleaned_data, user)
    except DomainError as exc:
        return _back(request, rma.case.number, error=str(exc.detail))
    return _back(request, rma.case.number, done=done)


@staff_required
def rma_request(request, number: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = request.user
    try:
        case = selectors.case_get(number=number, fetched_by=user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    if not policy.can(user, PartsAction.RMA, case):
        return forbidden(request)
    form = RmaRequestForm(request.POST)
    if not form.is_valid():
        return _back(request, case.number, error=_form_error(form))
    data = form.cleaned_data
    try:
        try:
            part = selectors.part_get(part_number=data["part_number"], fetched_by=user)
        except DomainError:
            raise InvalidInput(
                _("Unknown part %(part)r.") % {"part": data["part_number"]}
            ) from None
        source = _place(user, data["from_location"]) if data["from_location"] else None
        rma = services.rma_request(
            case=case,
            part=part,
            from_location=source,
            advance=data["advance"],
            defective_serial=data["defective_serial"],
            by=user,
        )
    except DomainError as exc:
        return _back(request, case.number, error=str(exc.detail))
    if rma.status == RmaStatus.SHIPPED:
        done = _("RMA %(rma)s: %(part)s shipped from %(location)s.")
    else:
        done = _("RMA %(rma)s: %(part)s backordered at %(location)s; the managers are told.")
    words = {"rma": rma.number, "part": part.part_number, "location": rma.from_location.code}
    return _back(request, case.number, done=done % words)


@staff_required
def rma_shipping(request, number: str):
    def step(rma, data, user):
        rma = services.rma_set_shipping(
            rma=rma, courier=data["courier"], tracking_number=data["tracking_number"], by=user
        )
        return _("RMA %(rma)s: courier number %(number)s saved.") % {
            "rma": rma.number,
            "number": rma.tracking_number,
        }

    return _rma_step(request, number, ShippingForm, step)


@staff_required
def rma_defective_received(request, number: str):
    def step(rma, data, user):
        rma = services.rma_defective_received(
            rma=rma,
            location=_place(user, data["location"]),
            serial_number=data["serial_number"],
            by=user,
        )
        return _("RMA %(rma)s: defective part received into %(location)s.") % {
            "rma": rma.number,
            "location": rma.held_at.code,
        }

    return _rma_step(request, number, LocationForm, step)


@staff_required
def rma_repair(request, number: str):
    def step(rma, data, user):
        rma = services.rma_repair(rma=rma, vendor=_place(user, data["vendor"]), by=user)
        return _("RMA %(rma)s: defective part sent to %(location)s for repair.") % {
            "rma": rma.number,
            "location": rma.held_at.code,
        }

    return _rma_step(request, number, VendorForm, step)


@staff_required
def rma_repaired(request, number: str):
    def step(rma, data, user):
        rma = services.rma_repaired(rma=rma, location=_place(user, data["location"]), by=user)
        return _("RMA %(rma)s: repaired part back in stock at %(location)s.") % {
            "rma": rma.number,
            "location": rma.held_at.code,
        }

    return _rma_step(request, number, LocationForm, step)
