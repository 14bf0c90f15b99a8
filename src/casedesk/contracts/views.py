"""The console's pages of the service catalogue, contracts and installed base, and the
portal's page of a customer's own contracts and equipment.

Each view: parse (a form) → permission-checked fetch (a selector for the reader) → one
operation → redirect; a refused or impossible request shows the operation's words and
changes nothing.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casedesk.accounts import selectors as accounts
from casedesk.accounts.choices import Role
from casedesk.core import clock, policy
from casedesk.core.errors import DomainError
from casedesk.web.guards import forbidden, refused, staff_required

from . import presenters, quote_files, quotes, selectors, services
from .choices import AllowancePeriod, AllowanceUnit, ContractStatus, Coverage
from .policy import ContractAction

PAGE_SIZE = 50
RENEWAL_DAYS = (30, 60)  # the windows the renewals section and notices use


def _form_error(form: forms.Form, exc: DomainError) -> None:
    form.add_error(None, exc.detail)


# --- forms (they parse; the operations hold the rules) -----------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"


class ProductForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("code"), max_length=32)
    name = forms.CharField(label=gettext_lazy("name"), max_length=200)
    coverage = forms.ChoiceField(label=gettext_lazy("coverage"), choices=Coverage.choices)
    callback_minutes = forms.IntegerField(
        label=gettext_lazy("phone callback within (minutes)"), min_value=0
    )
    first_worklog_minutes = forms.IntegerField(
        label=gettext_lazy("first work log within (minutes)"), min_value=0
    )
    onsite_hours = forms.IntegerField(
        label=gettext_lazy("on site within (hours)"), min_value=0, required=False
    )
    repair_days = forms.IntegerField(
        label=gettext_lazy("repair returned within (days)"), min_value=0, required=False
    )
    replacement_hours = forms.IntegerField(
        label=gettext_lazy("replacement delivered within (hours)"), min_value=0, required=False
    )
    annual_price = forms.DecimalField(
        label=gettext_lazy("annual price per box (CNY)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    allowance_quantity = forms.IntegerField(
        label=gettext_lazy("allowance (units per period)"),
        min_value=1,
        required=False,
        help_text=gettext_lazy("Empty: no allowance, service is not counted."),
    )
    allowance_unit = forms.ChoiceField(
        label=gettext_lazy("allowance unit"), choices=AllowanceUnit.choices
    )
    allowance_period = forms.ChoiceField(
        label=gettext_lazy("allowance period"), choices=AllowancePeriod.choices
    )

    def product(self) -> dict:
        """The operation's arguments: the product's fields and its allowances."""
        data = dict(self.cleaned_data)
        quantity = data.pop("allowance_quantity")
        unit, period = data.pop("allowance_unit"), data.pop("allowance_period")
        data["allowances"] = (
            [{"unit": unit, "quantity": quantity, "period": period}] if quantity else []
        )
        return data


class ContractForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("number"), max_length=64)
    organization = forms.CharField(label=gettext_lazy("organization"), max_length=32)
    service_product = forms.CharField(label=gettext_lazy("service product"), max_length=32)
    starts_on = forms.DateField(label=gettext_lazy("starts on"), widget=DateInput)
    ends_on = forms.DateField(
        label=gettext_lazy("ends on"),
        widget=DateInput,
        help_text=gettext_lazy("The last day covered."),
    )


class AmendForm(forms.Form):
    effective_on = forms.DateField(label=gettext_lazy("effective on"), widget=DateInput)
    ends_on = forms.DateField(label=gettext_lazy("new end"), widget=DateInput, required=False)
    service_product = forms.CharField(
        label=gettext_lazy("new service product"), max_length=32, required=False
    )
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=2000, widget=forms.Textarea)


class CoverageForm(forms.Form):
    serial_number = forms.CharField(label=gettext_lazy("serial number"), max_length=64)
    service_product = forms.CharField(
        label=gettext_lazy("service product"), max_length=32, required=False
    )
    starts_on = forms.DateField(label=gettext_lazy("starts on"), widget=DateInput, required=False)
    ends_on = forms.DateField(label=gettext_lazy("ends on"), widget=DateInput, required=False)


class EquipmentForm(forms.Form):
    serial_number = forms.CharField(label=gettext_lazy("serial number"), max_length=64)
    organization = forms.CharField(label=gettext_lazy("organization"), max_length=32)
    model = forms.CharField(label=gettext_lazy("model"), max_length=100)
    vendor = forms.CharField(label=gettext_lazy("vendor"), max_length=100)
    site = forms.CharField(label=gettext_lazy("site"), max_length=300, required=False)
    installed_on = forms.DateField(
        label=gettext_lazy("installed on"), widget=DateInput, required=False
    )
    warranty_ends_on = forms.DateField(
        label=gettext_lazy("warranty ends on"), widget=DateInput, required=False
    )
    contract = forms.CharField(label=gettext_lazy("contract"), max_length=64, required=False)


# --- service products --------------------------------------------------------------------------


@staff_required
def product_list(request):
    user = request.user
    if not policy.can(user, ContractAction.VIEW):
        return forbidden(request)
    products = [
        (
            product,
            presenters.targets_text(selectors.Targets.of(product)),
            [presenters.allowance_text(a.unit, a.quantity, a.period) for a in allowances],
        )
        for product in selectors.service_product_list(fetched_by=user)
        .select_related("calendar")
        .prefetch_related("allowances")
        for allowances in [product.allowances.all()]
    ]
    return render(
        request,
        "contracts/product_list.html",
        {"products": products, "may_manage": policy.can(user, ContractAction.MANAGE_CATALOGUE)},
    )


@staff_required
def product_new(request):
    user = request.user
    if not policy.can(user, ContractAction.MANAGE_CATALOGUE):
        return forbidden(request)
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.service_product_create(**form.product(), by=user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Service product %(code)s saved.") % {"code": product.code})
            return redirect("contracts:product_list")
    return render(
        request,
        "contracts/form.html",
        {"form": form, "title": _("New service product")},
        status=400 if form.errors else 200,
    )


# --- contracts -----------------------------------------------------------------------------------


def _with_status(contracts) -> list:
    today = selectors.local_day()
    rows = []
    for contract in contracts:
        status = selectors.contract_status(contract, today)
        contract.status = status
        contract.status_label = presenters.status_label(status)
        contract.days_left = (contract.ends_on - today).days
        rows.append(contract)
    return rows


@staff_required
def contract_list(request):
    user = request.user
    if not policy.can(user, ContractAction.VIEW):
        return forbidden(request)
    status = request.GET.get("status", "")
    if status not in ContractStatus.values:
        status = ""
    try:
        within = int(request.GET.get("within", "") or -1)
    except ValueError:
        within = -1
    contracts = selectors.contract_list(
        fetched_by=user,
        status=status,
        ending_within_days=within if within >= 0 else None,
        organization=request.GET.get("organization", "")[:32],
    )
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    renewals = [
        (days, _with_status(selectors.ending_soon(fetched_by=user, days=days)))
        for days in RENEWAL_DAYS
    ]
    return render(
        request,
        "contracts/contract_list.html",
        {
            "page": page,
            "rows": _with_status(page.object_list),
            "status": status,
            "within": within if within >= 0 else "",
            "statuses": ContractStatus.choices,
            "renewals": renewals,
            "query": request.GET.urlencode(),
            "may_manage": policy.can(user, ContractAction.MANAGE_CONTRACTS),
        },
    )


@staff_required
def contract_new(request):
    user = request.user
    if not policy.can(user, ContractAction.MANAGE_CONTRACTS):
        return forbidden(request)
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contract = services.contract_create(
                number=data["number"],
                organization=accounts.organization_by_code(data["organization"].strip()),
                service_product=selectors.service_product_by_code(
                    data["service_product"], fetched_by=user
                ),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                by=user,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("contracts:contract_detail", number=contract.number)
    return render(
        request,
        "contracts/form.html",
        {
            "form": form,
            "title": _("New contract"),
            "products": selectors.service_product_list(fetched_by=user, active_only=True),
        },
        status=400 if form.errors else 200,
    )


def _contract_page(request, contract, *, amend=None, cover=None, status=200):
    user = request.user
    [row] = _with_status([contract])
    amendments = [
        (a, presenters.amendment_text(a.changes))
        for a in selectors.contract_amendments(contract=contract, fetched_by=user)
    ]
    may_manage = policy.can(user, ContractAction.MANAGE_CONTRACTS, contract)
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "contract": row,
            "lines": selectors.contract_lines(contract=contract, fetched_by=user),
            "amendments": amendments,
            "may_manage": may_manage,
            "may_quote": policy.can(user, ContractAction.QUOTE, contract),
            "amend_form": amend or AmendForm(),
            "coverage_form": cover or CoverageForm(),
        },
        status=status,
    )


@staff_required
def contract_detail(request, number: str):
    try:
        contract = selectors.contract_get(number=number, fetched_by=request.user)
    except DomainError as exc:
        return refused(request, exc)
    return _contract_page(request, contract)


# The renewal quote: a read (nothing stored, nothing audited), as a file to download.
QUOTE_FILES = {
    "xlsx": (quote_files.to_xlsx, quote_files.XLSX_TYPE),
    "pdf": (quote_files.to_pdf, quote_files.PDF_TYPE),
}


def _quote(request, number: str, fmt: str):
    try:
        quote = quotes.renewal_quote(number=number, fetched_by=request.user)
    except DomainError as exc:
        return refused(request, exc)
    write, content_type = QUOTE_FILES[fmt]
    response = HttpResponse(write(quote), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{quote_files.filename(quote, fmt)}"'
    return response


@staff_required
def contract_quote_xlsx(request, number: str):
    return _quote(request, number, "xlsx")


@staff_required
def contract_quote_pdf(request, number: str):
    return _quote(request, number, "pdf")


@staff_required
@require_POST
def contract_amend(request, number: str):
    user = request.user
    try:
        contract = selectors.contract_get(number=number, fetched_by=user)
        policy.require(user, ContractAction.MANAGE_CONTRACTS, contract)
    except DomainError as exc:
        return refused(request, exc)
    form = AmendForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            product = (
                selectors.service_product_by_code(data["service_product"], fetched_by=user)
                if data["service_product"].strip()
                else None
            )
            services.contract_amend(
                contract=contract,
                effective_on=data["effective_on"],
                reason=data["reason"],
                ends_on=data["ends_on"],
                service_product=product,
                by=user,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The amendment is recorded."))
            return redirect("contracts:contract_detail", number=contract.number)
    return _contract_page(request, contract, amend=form, status=400)


@staff_required
@require_POST
def coverage_add(request, number: str):
    user = request.user
    try:
        contract = selectors.contract_get(number=number, fetched_by=user)
        policy.require(user, ContractAction.MANAGE_CONTRACTS, contract)
    except DomainError as exc:
        return refused(request, exc)
    form = CoverageForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.coverage_add(
                contract=contract,
                equipment=selectors.equipment_by_serial(data["serial_number"], fetched_by=user),
                service_product=(
                    selectors.service_product_by_code(data["service_product"], fetched_by=user)
                    if data["service_product"].strip()
                    else None
                ),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                by=user,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The coverage is added."))
            return redirect("contracts:contract_detail", number=contract.number)
    return _contract_page(request, contract, cover=form, status=400)


# --- equipment -----------------------------------------------------------------------------------


@staff_required
def equipment_list(request):
    user = request.user
    if not policy.can(user, ContractAction.VIEW):
        return forbidden(request)
    q = request.GET.get("q", "")[:64]
    equipment = selectors.equipment_list(
        fetched_by=user, q=q, organization=request.GET.get("organization", "")[:32]
    )
    page = Paginator(equipment, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "contracts/equipment_list.html",
        {
            "page": page,
            "q": q,
            "query": request.GET.urlencode(),
            "may_manage": policy.can(user, ContractAction.MANAGE_EQUIPMENT),
        },
    )


@staff_required
def equipment_new(request):
    user = request.user
    if not policy.can(user, ContractAction.MANAGE_EQUIPMENT):
        return forbidden(request)
    form = EquipmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            number = data.pop("contract").strip()
            organization = accounts.organization_by_code(data.pop("organization").strip())
            equipment = services.equipment_create(
                **data,
                organization=organization,
                contract=(
                    selectors.contract_by_number(number, fetched_by=user) if number else None
                ),
                by=user,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("contracts:equipment_detail", serial_number=equipment.serial_number)
    return render(
        request,
        "contracts/form.html",
        {"form": form, "title": _("New equipment")},
        status=400 if form.errors else 200,
    )


@staff_required
def equipment_detail(request, serial_number: str):
    user = request.user
    try:
        equipment = selectors.equipment_get(serial_number=serial_number, fetched_by=user)
    except DomainError as exc:
        return refused(request, exc)
    found = selectors.entitlement(serial_number=equipment.serial_number, fetched_by=user)
    return render(
        request,
        "contracts/equipment_detail.html",
        {
            "equipment": equipment,
            "lines": selectors.equipment_coverage(equipment=equipment, fetched_by=user),
            "entitlement": found,
            "entitlement_text": presenters.entitlement_text(found),
            "now": clock.now(),
        },
    )


# --- the portal ------------------------------------------------------------------------------------


def customer_required(view):
    """Customers only: anonymous → the login page; staff → the console's contracts."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.role != Role.CUSTOMER:
            return redirect("contracts:contract_list")
        return view(request, *args, **kwargs)

    return wrapper


@customer_required
def portal_contracts(request):
    """A customer's own contracts (with their end dates) and equipment (with its cover)."""
    user = request.user
    if not policy.can(user, ContractAction.VIEW):
        return render(
            request,
            "portal/refused.html",
            {"message": _("You may not see contracts."), "heading": _("Not allowed")},
            status=403,
        )
    today = selectors.local_day()
    equipment = []
    for box, lines in selectors.equipment_with_coverage(fetched_by=user):
        last = max(lines, key=lambda line: line.ends_on, default=None)
        covered = any(line.starts_on <= today <= line.ends_on for line in lines)
        equipment.append((box, last, covered))
    return render(
        request,
        "contracts/portal_contracts.html",
        {
            "contracts": _with_status(selectors.contract_list(fetched_by=user)),
            "equipment": equipment,
        },
    )
