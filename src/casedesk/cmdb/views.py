"""The console's CMDB pages: the CI list (by organization, kind, name or serial), a CI's
page (facts, attributes, relations both ways, the services on it, its impact drawn and
listed, its history), the forms to record and change a CI and to add a relation, and the
buttons that remove a relation and retire a CI."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casedesk.accounts.models import Organization
from casedesk.core import policy, presenters
from casedesk.core.errors import DomainError
from casedesk.core.presenters import Reader
from casedesk.web.guards import forbidden, refused, staff_required

from . import selectors, services
from .choices import ItemKind, RelationKind
from .drawing import impact_svg
from .policy import CmdbAction
from .presenters import change_of

PAGE_SIZE = 50
IMPACT_LISTED = 200
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _organizations(user):
    return policy.visible(user, Organization).filter(is_active=True).order_by("code")


def parse_attributes(text: str) -> dict[str, str | int | float]:
    """``name = value`` per line; a value that reads as a number is stored as one."""
    found: dict[str, str | int | float] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if "=" not in line:
            raise forms.ValidationError(
                _("Line %(n)d: write name = value.") % {"n": n}, code="attributes"
            )
        key, value = (part.strip() for part in line.split("=", 1))
        if _NUMBER.match(value) and len(value) < 16:
            found[key] = float(value) if "." in value else int(value)
        else:
            found[key] = value
    return found


def attributes_text(attributes: dict) -> str:
    return "\n".join(f"{k} = {v}" for k, v in attributes.items())


class ItemForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=ItemKind.choices)
    organization = forms.ModelChoiceField(
        label=gettext_lazy("organization"),
        queryset=Organization.objects.none(),
        to_field_name="code",
    )
    serial_number = forms.CharField(
        label=gettext_lazy("serial number"), max_length=64, required=False
    )
    attributes = forms.CharField(
        label=gettext_lazy("attributes"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("One per line: name = value (e.g. mgmt_ip = 10.1.1.1)."),
    )

    def __init__(self, *args, user=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _organizations(user)
        if editing:  # what a CI is and whose it is do not change; retire it and record anew
            del self.fields["kind"]
            del self.fields["organization"]

    def clean_attributes(self):
        return parse_attributes(self.cleaned_data["attributes"])


class RelationForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("relation"), choices=RelationKind.choices)
    to = forms.TypedChoiceField(
        label=gettext_lazy("configuration item"), coerce=int, required=False, empty_value=None
    )
    to_id = forms.IntegerField(
        label=gettext_lazy("or its number"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("The # of a CI of another organization (a carrier's circuit)."),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", "—"), *choices]

    def clean(self):
        data = super().clean()
        if not data.get("to") and not data.get("to_id"):
            raise forms.ValidationError(_("Choose the configuration item."))
        return data


@staff_required
def item_list(request):
    user = request.user
    if not policy.can(user, CmdbAction.VIEW):
        return forbidden(request)
    orgs = list(_organizations(user))
    org = next((o for o in orgs if o.code == request.GET.get("organization")), None)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ItemKind.values else ""
    query = request.GET.get("q", "")[:200]
    items = selectors.ci_list(fetched_by=user, organization=org, kind=kind, query=query)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cmdb/item_list.html",
        {
            "page": page,
            "organizations": orgs,
            "kinds": ItemKind.choices,
            "chosen": {"organization": org.code if org else "", "kind": kind, "q": query},
            "may_edit": policy.can(user, CmdbAction.EDIT),
            "query": request.GET.urlencode(),
        },
    )


def _save(request, form: ItemForm, ci=None):
    data = form.cleaned_data
    try:
        if ci is None:
            return services.ci_create(
                name=data["name"],
                kind=data["kind"],
                organization=data["organization"],
                serial_number=data["serial_number"],
                attributes=data["attributes"],
                by=request.user,
            )
        return services.ci_change(
            ci=ci,
            name=data["name"],
            serial_number=data["serial_number"],
            attributes=data["attributes"],
            by=request.user,
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        form.add_error(None, exc.detail)
        return None


@staff_required
def item_new(request):
    if not policy.can(request.user, CmdbAction.EDIT):
        return forbidden(request, _("You may not keep the CMDB."))
    initial = {"organization": request.GET.get("organization"), "kind": request.GET.get("kind")}
    form = ItemForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ci = _save(request, form)
        except DomainError as exc:
            return refused(request, exc)
        if ci is not None:
            messages.success(request, _("Configuration item recorded."))
            return redirect("cmdb:item_page", pk=ci.pk)
    status = 422 if form.errors else 200
    return render(request, "cmdb/item_form.html", {"form": form, "ci": None}, status=status)


@staff_required
def item_edit(request, pk: int):
    try:
        ci = selectors.ci_get(pk=pk, fetched_by=request.user)
        policy.require(request.user, CmdbAction.EDIT, ci)
    except DomainError as exc:
        return refused(request, exc)
    initial = {
        "name": ci.name,
        "serial_number": ci.serial_number,
        "attributes": attributes_text(ci.attributes),
    }
    form = ItemForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save(request, form, ci)
        except DomainError as exc:
            return refused(request, exc)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("cmdb:item_page", pk=ci.pk)
    status = 422 if form.errors else 200
    return render(request, "cmdb/item_form.html", {"form": form, "ci": ci}, status=status)


def _relation_choices(ci, user):
    same = selectors.ci_list(fetched_by=user, organization=ci.organization).exclude(pk=ci.pk)
    return [(c.pk, f"{c.name} · {c.get_kind_display()}") for c in same[:500]]


def _history(ci, user):
    records = list(selectors.ci_history(ci, fetched_by=user)[:100])
    reader = Reader(names=selectors.people_names({r.actor for r in records}))
    return [
        {"record": record, "said": presenters.present("cmdb", change_of(record), reader)}
        for record in records
    ]


def _item_page(request, ci, relation_form: RelationForm | None = None, status: int = 200):
    user = request.user
    may_edit = policy.can(user, CmdbAction.EDIT, ci)
    if relation_form is None and may_edit and ci.status == "active":
        relation_form = RelationForm(choices=_relation_choices(ci, user))
    found = selectors.impact(ci, fetched_by=user, limit=IMPACT_LISTED)
    total = (
        found.count if found.count < IMPACT_LISTED else selectors.impact_count(ci, fetched_by=user)
    )
    return render(
        request,
        "cmdb/item_page.html",
        {
            "ci": ci,
            "attributes": sorted(ci.attributes.items()),
            "equipment": selectors.equipment_of(ci, fetched_by=user),
            "out": selectors.relations_out(ci, fetched_by=user),
            "into": selectors.relations_in(ci, fetched_by=user),
            "services": selectors.services_of(ci, fetched_by=user),
            "impact": found,
            "impact_total": total,
            "graph": impact_svg(found) if found.items or found.services else "",
            "history": _history(ci, user),
            "may_edit": may_edit,
            "relation_form": relation_form,
        },
        status=status,
    )


@staff_required
def item_page(request, pk: int):
    try:
        ci = selectors.ci_get(pk=pk, fetched_by=request.user)
    except DomainError as exc:
        return refused(request, exc)
    return _item_page(request, ci)


@staff_required
@require_POST
def item_relate(request, pk: int):
    user = request.user
    try:
        ci = selectors.ci_get(pk=pk, fetched_by=user)
        policy.require(user, CmdbAction.EDIT, ci)
    except DomainError as exc:
        return refused(request, exc)
    form = RelationForm(request.POST, choices=_relation_choices(ci, user))
    if form.is_valid():
        try:
            to = selectors.ci_named(
                form.cleaned_data["to"] or form.cleaned_data["to_id"], fetched_by=user
            )
            services.ci_relate(ci=ci, to=to, kind=form.cleaned_data["kind"], by=user)
        except DomainError as exc:
            if exc.status in (403, 404):
                return refused(request, exc)
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Relation added."))
            return redirect("cmdb:item_page", pk=ci.pk)
    return _item_page(request, ci, form, status=422)


@staff_required
@require_POST
def relation_remove(request, pk: int, relation_pk: int):
    user = request.user
    try:
        ci = selectors.ci_get(pk=pk, fetched_by=user)
        policy.require(user, CmdbAction.EDIT, ci)
        relation = selectors.relation_get(ci=ci, pk=relation_pk, fetched_by=user)
        services.ci_unrelate(relation=relation, by=user)
    except DomainError as exc:
        return refused(request, exc)
    messages.success(request, _("Relation removed."))
    return redirect("cmdb:item_page", pk=ci.pk)


@staff_required
@require_POST
def item_retire(request, pk: int):
    user = request.user
    try:
        ci = selectors.ci_get(pk=pk, fetched_by=user)
        services.ci_retire(ci=ci, reason=request.POST.get("reason", "")[:2000], by=user)
    except DomainError as exc:
        return refused(request, exc)
    messages.success(request, _("Configuration item retired."))
    return redirect("cmdb:item_page", pk=ci.pk)
