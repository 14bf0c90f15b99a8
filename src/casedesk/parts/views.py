"""The console's stock pages: every part's stock per location with the reorder list, and one
part's page with its ledger (and, for the stock keepers, a form to move it)."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from casedesk.core import policy
from casedesk.core.errors import DomainError
from casedesk.web.guards import forbidden, staff_required

from . import selectors, services
from .choices import Condition, MoveKind
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
