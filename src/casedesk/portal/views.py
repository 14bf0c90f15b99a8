"""客户之家: a customer contact's own organization's CASEs.

Every view: parse → permission-checked fetch (``policy.visible`` through the CASE
selectors) → one operation → render.  Another organization's CASE or file is a 404;
a refused action shows the operation's message and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casedesk.accounts.models import User
from casedesk.caselist import selectors as caselist
from casedesk.cases import actions, attachments, presenters, selectors, services
from casedesk.cases.choices import (
    CaseAction,
    Channel,
    EventKind,
    Priority,
    Status,
)
from casedesk.cases.models import Case, CaseEvent
from casedesk.core import discovery, policy
from casedesk.core.errors import DomainError, NotFound
from casedesk.core.presenters import Reader
from casedesk.web.guards import refusal_heading
from casedesk.web.views import preferences_page

from .forms import (
    PRIORITY_HELP,
    CaseForm,
    ConfirmForm,
    FilterForm,
    InformationForm,
    ReopenForm,
)
from .templatetags.portal import display_name

PAGE_SIZE = 25


def _FILES_AGAIN() -> str:  # noqa: N802  (a message, read when shown)
    return _("Nothing was saved: please choose your files again.")


def _refusal(request, message: str, status: int):
    context = {"message": message, "heading": refusal_heading(status)}
    return render(request, "portal/refused.html", context, status=status)


def customer_required(view):
    """Customers only: anonymous → the login page; staff → their console."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_customer:  # the same CASE in the console, or the console's home
            try:
                return redirect("web:case_detail", number=kwargs["number"])
            except (KeyError, NoReverseMatch):
                return redirect("web:home")
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            return _refusal(request, _("There is no such CASE in your organization."), 404)

    return wrapper


# --- the list ------------------------------------------------------------------------


@customer_required
@require_GET
def home(request):
    user = request.user
    form = FilterForm(request.GET or None)
    status = q = ""
    if form.is_bound and form.is_valid():
        status, q = form.cleaned_data["status"], form.cleaned_data["q"].strip()
    # A CASE number of the organization opens that CASE; another's is not found, like any
    # search without a match.
    number = selectors.number_named(q=q, fetched_by=user) if q else None
    if number is not None:
        return redirect("portal:case", number=number)
    cases = caselist.case_list(fetched_by=user, status=status or None, q=q or None)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(
        policy.visible(user, Case).order_by().values_list("status").annotate(n=Count("id"))
    )
    tabs = [("", _("All"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in Status.choices
    ]
    return render(
        request,
        "portal/home.html",
        {
            "page": page,
            "form": form,
            "status": status,
            "q": q,
            "tabs": tabs,
            "resolved_waiting": counts.get(Status.RESOLVED, 0),
        },
        status=200 if not form.is_bound or form.is_valid() else 400,
    )


# --- a new CASE ----------------------------------------------------------------------


def _new_form_context(form):
    return {
        "form": form,
        "priorities": [
            (value, label, PRIORITY_HELP[value], form["priority"].value() == value)
            for value, label in Priority.choices
        ],
        "limits": _limits(),
    }


def _limits():
    return attachments.limits()


@customer_required
def case_new(request):
    user = request.user
    if request.method == "GET":
        return render(request, "portal/case_new.html", _new_form_context(CaseForm()))
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = CaseForm(request.POST, request.FILES)
    if not form.is_valid():
        if request.FILES:
            form.add_error(None, _FILES_AGAIN())
        return render(request, "portal/case_new.html", _new_form_context(form), status=400)
    data = form.cleaned_data
    try:
        if user.organization is None:
            raise NotFound(_("Your login belongs to no organization; call the service desk."))
        case = attachments.case_open_with_attachments(
            organization=user.organization,
            contact=user.contact,
            uploads=data.pop("files"),
            by=user,
            channel=Channel.WEB,
            **data,
        )
    except DomainError as exc:
        form.add_error(None, exc.detail)
        if request.FILES:
            form.add_error(None, _FILES_AGAIN())
        return render(request, "portal/case_new.html", _new_form_context(form), status=exc.status)
    messages.success(
        request,
        _("CASE %(number)s is open. The service desk will call you back.")
        % {"number": case.number},
    )
    return redirect("portal:case", number=case.number)


# --- one CASE ------------------------------------------------------------------------


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _entry(event: CaseEvent, names: dict[str, str], files: dict[int, object]) -> dict:
    """What the customer reads about one history event: the console's wording
    (``cases.presenters``) without the desk's internal detail; user text is escaped by
    the template (``detail`` is ours, ``texts`` what people wrote)."""
    data, kind = event.data or {}, event.kind
    shown = presenters.present(event, Reader(names=names, customer=True))
    detail, texts, file = " · ".join(shown.lines), shown.texts, None
    label = shown.headline
    if kind == EventKind.ATTACHMENT_ADDED:
        file = files.get(data.get("attachment"))
        detail = data.get("name", "")
    actor = event.actor
    if kind == EventKind.WORK_LOGGED and actor is not None and actor.is_customer:
        label, detail = _("Information added"), ""
    return {
        "at": event.at,
        "kind": kind,
        "label": label,
        "actor": display_name(actor) if actor else _("Service desk"),
        "by_customer": actor is not None and actor.is_customer,
        "detail": detail,
        "texts": texts,
        "file": file,
    }


def _promises(case: Case, user: User) -> list[dict]:
    """The promises still ahead of the customer (callback, resolution) with their times."""
    if case.status in (Status.RESOLVED, Status.CLOSED):
        return []
    return [
        {"kind": d["kind"], "due_at": dt.datetime.fromisoformat(d["due_at"])}
        for d in caselist.deadlines_of(case, user)
        if d["due_at"] and not d["met_at"]
    ]


def _case_page(request, case: Case, *, forms=None, error: str = "", status: int = 200):
    user = request.user
    events = list(selectors.case_events(case=case, fetched_by=user))
    files = list(attachments.attachments_for(case, user))
    by_pk = {f.pk: f for f in files}
    names = selectors.event_people(events)
    offered = set(
        actions.available_actions(case=case, user=user, helpers=selectors.helper_usernames(case))
    )
    forms = forms or {}
    return render(
        request,
        "portal/case_detail.html",
        {
            "case": case,
            "timeline": [_entry(e, names, by_pk) for e in reversed(events)],
            "files": files,
            "promises": _promises(case, user),
            "panels": discovery.case_panels("portal", request, case),
            "can_add": CaseAction.LOG_WORK in offered,
            "can_confirm": CaseAction.CONFIRM in offered,
            "can_reopen": CaseAction.REOPEN in offered,
            "info_form": forms.get("info") or InformationForm(),
            "confirm_form": forms.get("confirm") or ConfirmForm(),
            "reopen_form": forms.get("reopen") or ReopenForm(),
            "error": error,
            "limits": _limits(),
            "engineer_name": display_name(case.engineer) if case.engineer_id else "",
        },
        status=status,
    )


def _case(request, number: str) -> Case:
    return caselist.case_get(number=number, fetched_by=request.user)


@customer_required
@require_GET
def case_detail(request, number: str):
    return _case_page(request, _case(request, number))


def _act(request, number: str, form_class, key: str, operate, done: str):
    """POST an action: valid form → one operation → back to the CASE with a message;
    otherwise the CASE page again with the refusal and nothing changed."""
    case = _case(request, number)
    form = form_class(request.POST, request.FILES)
    again = f" {_FILES_AGAIN()}" if request.FILES else ""
    if not form.is_valid():
        return _case_page(request, case, forms={key: form}, error=again.strip(), status=400)
    try:
        operate(case, form.cleaned_data)
    except DomainError as exc:
        case = _case(request, number)  # as it is now
        return _case_page(
            request, case, forms={key: form}, error=exc.detail + again, status=exc.status
        )
    messages.success(request, done)
    return redirect("portal:case", number=case.number)


@customer_required
@require_POST
def case_add_information(request, number: str):
    return _act(
        request,
        number,
        InformationForm,
        "info",
        lambda case, data: attachments.case_add_information(
            case=case, note=data["note"], uploads=data["files"], by=request.user
        ),
        _("Your information was added to the CASE."),
    )


@customer_required
@require_POST
def case_confirm(request, number: str):
    return _act(
        request,
        number,
        ConfirmForm,
        "confirm",
        lambda case, data: services.case_confirm(case=case, note=data["note"], by=request.user),
        _("Thank you: you confirmed the CASE is solved. The service desk will close it."),
    )


@customer_required
@require_POST
def case_reopen(request, number: str):
    return _act(
        request,
        number,
        ReopenForm,
        "reopen",
        lambda case, data: services.case_reopen(case=case, reason=data["reason"], by=request.user),
        _("The CASE is open again; the engineer will come back to you."),
    )


# --- the customer's own preferences --------------------------------------------------


@customer_required
def preferences(request):
    """The customer's language and time zone (the console's page, the portal's look)."""
    return preferences_page(request, template="portal/preferences.html", done="portal:preferences")


# --- files ---------------------------------------------------------------------------


@require_GET
def attachment_download(request, pk: int):
    """A CASE's file, for whoever may see it (staff: any; a customer: its organization's
    public files), always as a download: never shown inline, never run by the browser."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        attachment = attachments.attachment_get(pk=pk, fetched_by=user)
        return attachments.file_response(attachment)
    except (NotFound, FileNotFoundError):
        return _refusal(request, _("There is no such file."), 404)
