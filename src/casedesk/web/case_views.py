"""The CASE page, its one-click actions, opening a CASE from a phone call, assigning.

Each view: parse → permission-checked fetch (``selectors.case_get`` scoped by ``policy``)
→ one operation from ``cases/services.py`` → redirect back with a message.  A refusal
(``DomainError``) re-renders the page with the operation's message and its 4xx status;
nothing was changed.  The actions offered are ``cases.actions.available_actions``: the
operation layer's own answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casedesk import policy
from casedesk.accounts import selectors as people
from casedesk.accounts.choices import Tier
from casedesk.accounts.models import Contact, User
from casedesk.cases import attachments, selectors, services
from casedesk.cases.actions import available_actions
from casedesk.cases.choices import (
    CaseAction,
    Channel,
    EscalationLevel,
    EscalationTarget,
    EventKind,
    PendingReason,
    Priority,
    Status,
    WorkLogKind,
)
from casedesk.cases.models import Attachment, Case, CaseEvent
from casedesk.core import clock
from casedesk.core.errors import DomainError, InvalidInput, NotFound, TransitionNotAllowed
from casedesk.routing.selectors import recommendations
from casedesk.sla.choices import DeadlineKind, Recipient

from . import case_forms as f
from .guards import forbidden, staff_required
from .templatetags.console import countdown_text, person

A = CaseAction
LIVE = (Status.ASSIGNED, Status.IN_PROGRESS, Status.PENDING)

# The actions done from the CASE page itself (assigning has its own screen) and their forms.
PAGE_FORMS: dict[str, type] = {
    A.ACCEPT: f.EmptyForm,
    A.LOG_WORK: f.LogWorkForm,
    A.ADD_HELPER: f.EngineerForm,
    A.REMOVE_HELPER: f.EngineerForm,
    A.REQUEST_REASSIGNMENT: f.ReasonForm,
    A.SET_PRIORITY: f.PriorityForm,
    A.ESCALATE_SENIOR: f.EscalateSeniorForm,
    A.ESCALATE_VENDOR: f.VendorEscalationForm,
    A.PEND: f.PendForm,
    A.RESUME: f.NoteForm,
    A.RESOLVE: f.ResolveForm,
    A.CONFIRM: f.NoteForm,
    A.CLOSE: f.EmptyForm,
    A.REOPEN: f.ReasonForm,
}

# SPEC §2: the Cisco severity definitions the call taker grades a CASE by.
SEVERITY_HELP = {
    Priority.P1: gettext_lazy(
        "Network down: an existing network or environment is down, or there is a critical "
        "impact on the business; work continues around the clock until it is restored."
    ),
    Priority.P2: gettext_lazy(
        "Severely degraded: operation of an existing network is severely degraded, or "
        "significant parts of the business are hurt by its poor performance."
    ),
    Priority.P3: gettext_lazy(
        "Degraded: performance of the network is impaired, but most business operations still work."
    ),
    Priority.P4: gettext_lazy(
        "Information or configuration request: about capabilities, installation or "
        "configuration; little or no effect on business operations."
    ),
}


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _case(request, number: str) -> Case:
    return selectors.case_get(number=number, fetched_by=request.user)


def _back(case: Case, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("web:case_detail", args=[case.number])
    return HttpResponseRedirect(url + (f"#{anchor}" if anchor else ""))


# --- the timeline --------------------------------------------------------------------------


def _before_after(data: dict, field: str) -> tuple[Any, Any]:
    change = data.get(field) or {}
    return change.get("before"), change.get("after")


def _describe(event: CaseEvent, names: dict[str, str]) -> tuple[str, list[str], list[str]]:
    """The event's headline and detail lines, in the reader's language, and what people
    wrote with it (notes, reasons, the solution: shown as their text, ``markup``); ``names``
    gives the display name of each login the event names (``selectors.event_people``)."""
    kind, data = event.kind, event.data or {}
    lines: list[str] = []
    texts: list[str] = []

    def name(login):
        return names.get(login, login) if login else login

    if kind == EventKind.OPENED:
        head = _("Opened by %(channel)s as %(priority)s") % {
            "channel": _label(Channel, data.get("channel", "")),
            "priority": data.get("priority", ""),
        }
    elif kind == EventKind.ASSIGNED:
        before, after = _before_after(data, "engineer")
        head = _("Assigned to %(engineer)s") % {"engineer": name(after) or "—"}
        if before:
            lines.append(_("Previously %(engineer)s") % {"engineer": name(before)})
        if data.get("override") == "tier":
            lines.append(
                _("Tier rule overridden (P1/P2 go to a senior engineer): %(reason)s")
                % {"reason": data.get("override_reason", "")}
            )
    elif kind == EventKind.WORK_LOGGED:
        head = _("%(kind)s, %(minutes)s min") % {
            "kind": _label(WorkLogKind, data.get("kind", "")),
            "minutes": data.get("minutes", 0),
        }
        if _before_after(data, "status")[1] == Status.IN_PROGRESS:
            lines.append(_("The engineer called back: the CASE is in progress."))
    elif kind == EventKind.PRIORITY_CHANGED:
        before, after = _before_after(data, "priority")
        head = _("Priority %(before)s → %(after)s") % {"before": before, "after": after}
    elif kind == EventKind.ESCALATED:
        head = _("Escalated to %(target)s") % {
            "target": _label(EscalationTarget, data.get("target", ""))
        }
        vendor_reference = _before_after(data, "vendor_reference")[1]
        if vendor_reference:
            lines.append(_("Vendor case number: %(ref)s") % {"ref": vendor_reference})
        engineer = _before_after(data, "engineer")[1]
        if engineer:
            lines.append(_("Handed to %(engineer)s") % {"engineer": name(engineer)})
    elif kind == EventKind.PENDED:
        reason = _before_after(data, "pending_reason")[1] or ""
        head = f"{_label(EventKind, kind)} · {_label(PendingReason, reason)}"
    elif kind in (EventKind.HELPER_ADDED, EventKind.HELPER_REMOVED):
        head = f"{_label(EventKind, kind)}: {name(data.get('helper', ''))}"
    elif kind == EventKind.CONFIRMED:
        head = _label(EventKind, kind)
        if data.get("on_behalf"):
            lines.append(_("Recorded by the desk on the customer's behalf."))
    elif kind == EventKind.DEADLINE_FIRED:
        head = _("Deadline reached: %(deadline)s") % {
            "deadline": _label(DeadlineKind, data.get("deadline", ""))
        }
        if data.get("to"):
            people = ", ".join(name(u) for u in data["to"])
            lines.append(_("Notified: %(people)s") % {"people": people})
        chosen = {"engineer": name(data.get("engineer", ""))}
        if data.get("action") == "proposed":
            lines.append(_("Proposed reassignment to %(engineer)s") % chosen)
        elif data.get("action") == "reassigned":
            lines.append(_("Reassigned to %(engineer)s") % chosen)
    elif kind == EventKind.RESOLVED:
        head = _label(EventKind, kind)
        solution = _before_after(data, "solution")[1]
        if solution:
            texts.append(solution)
    elif kind == EventKind.ATTACHMENT_ADDED:
        head = _label(EventKind, kind)  # the file itself is linked by ``timeline``
    else:
        head = _label(EventKind, kind)
        if data.get("name"):
            lines.append(str(data["name"]))
    for key in ("note", "reason"):
        if data.get(key) and isinstance(data[key], str):
            texts.append(data[key])
    return head, lines, texts


def timeline(
    case: Case, user: User, files: dict[int, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Events and work logs in one list, oldest first: a work log is its WORK_LOGGED event,
    which the operation writes with the log's kind, minutes and note in the same
    transaction.  One query whatever the length; internal entries only for staff.  A file's
    event links the file (``files``: ``case_files`` by id) while it is there to open."""
    files = files or {}
    entries = []
    events = list(selectors.case_events(case=case, fetched_by=user))
    names = selectors.event_people(events)
    for event in events:
        head, lines, texts = _describe(event, names)
        data = event.data or {}
        file = (
            files.get(data.get("attachment")) if event.kind == EventKind.ATTACHMENT_ADDED else None
        )
        entries.append(
            {
                "at": event.at,
                "actor": person(event.actor) if event.actor_id else None,
                "username": event.actor.username if event.actor_id else "",
                "kind": event.kind,
                "worklog": event.kind == EventKind.WORK_LOGGED,
                "internal": event.internal,
                "head": head,
                "lines": lines,
                "texts": texts,
                "file": file,
                "file_name": str(data.get("name", ""))
                if event.kind == EventKind.ATTACHMENT_ADDED
                else "",
            }
        )
    return entries


# --- files -----------------------------------------------------------------------------------


def _file_entry(case: Case, attachment: Attachment) -> dict[str, Any]:
    args = [case.number, attachment.pk]
    preview = attachments.preview_type(attachment)
    return {
        "file": attachment,
        "uploader": person(attachment.uploaded_by) if attachment.uploaded_by_id else "",
        "image": attachments.is_image(attachment),
        "preview": preview is not None,
        "url": reverse("web:case_file", args=args),
        "view_url": reverse("web:case_file_view", args=args) if preview else "",
    }


def case_files(case: Case, user: User) -> list[dict[str, Any]]:
    """The CASE's files ``user`` may open (staff: all, internal ones too), oldest first."""
    return [_file_entry(case, a) for a in attachments.attachments_for(case, user)]


# --- deadlines -----------------------------------------------------------------------------


def _parse(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


# Deadlines that are alarms, not promises: once fired they are done (the people were told),
# they are never "kept" later.
ALARMS = frozenset(
    {DeadlineKind.ESCALATION, DeadlineKind.CALLBACK_CHASE, DeadlineKind.CALLBACK_REASSIGN}
)


def deadlines(case: Case, user: User) -> list[dict[str, Any]]:
    """The CASE's deadlines: the live ones nearest first, then the kept and the sent ones.

    Running: a countdown to ``due_at``; paused: no due time while the clock is stopped;
    overdue: a promise past due and not kept yet; met: kept (perhaps late); sent: an alarm
    (escalation level, callback check) that fired.
    """
    now = clock.now()
    rows = []
    for row in selectors.deadlines_of(case, user):
        due, fired, met = _parse(row["due_at"]), _parse(row["fired_at"]), _parse(row["met_at"])
        if met is not None:
            state = "met"
        elif fired is not None and row["kind"] in ALARMS:
            state = "sent"
        elif due is None and fired is None:
            state = "paused"
        elif fired is not None or due <= now:
            state = "overdue"
        else:
            state = "running"
        rows.append(
            {
                "kind": row["kind"],
                "label": _label(DeadlineKind, row["kind"]),
                "recipient": _label(Recipient, row["recipient"]) if row["recipient"] else "",
                "due_at": due,
                "fired_at": fired,
                "met_at": met,
                "state": state,
                "remaining": countdown_text((due - now).total_seconds()) if due else "",
            }
        )
    order = {"overdue": 0, "running": 1, "paused": 2, "sent": 3, "met": 3}
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    rows.sort(key=lambda r: (order[r["state"]], r["due_at"] or far))
    for row in rows:
        row["live"] = row["state"] in ("overdue", "running", "paused")
    return rows


# --- the CASE page ---------------------------------------------------------------------------


def _page(request, case: Case, *, forms: dict | None = None, error: str = "", status: int = 200):
    user = request.user
    helpers = selectors.helper_usernames(case)
    offered = available_actions(case=case, user=user, helpers=helpers)
    forms = forms or {}
    hand_over = A.ESCALATE_SENIOR in offered and A.ASSIGN in offered
    staff = people.assignable_staff() if hand_over or A.ADD_HELPER in offered else []
    others = [u for u in staff if u.pk != case.engineer_id]
    seniors = [u for u in others if u.staff.tier == Tier.SENIOR] if hand_over else []
    candidates = [u for u in others if u.username not in helpers]
    names = people.display_names(helpers)
    if A.ADD_HELPER in offered and not candidates:
        offered.remove(A.ADD_HELPER)
    action_forms = {
        action: forms.get(action) or PAGE_FORMS[action](auto_id=f"id_{action}_%s")
        for action in offered
        if action in PAGE_FORMS
    }
    phoned = (
        A.LOG_WORK in offered
        and case.engineer_id is not None
        and case.status in LIVE
        and user.pk != case.engineer_id
    )
    files = case_files(case, user)
    context = {
        "case": case,
        "helpers": helpers,
        "helper_people": [(u, names.get(u, u)) for u in helpers],
        "offered": offered,
        "forms": action_forms,
        "phoned_form": forms.get("phoned") or f.PhonedForm(auto_id="id_phoned_%s"),
        "can_phone_engineer": phoned,
        "can_assign": A.ASSIGN in offered,
        "helper_candidates": candidates,
        "seniors": seniors,
        "priorities": [(v, label) for v, label in Priority.choices if v != case.priority],
        "timeline": timeline(case, user, {f["file"].pk: f for f in files}),
        "files": files,
        "attach_form": forms.get("attach") or f.AttachForm(auto_id="id_attach_%s"),
        "can_attach": A.LOG_WORK in offered,
        "limits": attachments.limits(),
        "deadlines": deadlines(case, user),
        "now": clock.now(),
        "error": error,
        "status_label": _label(Status, case.status),
        "escalation_label": _label(EscalationLevel, case.escalation_level),
        "pending_label": _label(PendingReason, case.pending_reason) if case.pending_reason else "",
        "severity_help": SEVERITY_HELP.get(case.priority, ""),
    }
    return render(request, "web/case/detail.html", context, status=status)


@staff_required
@require_GET
def case_detail(request, number: str):
    try:
        case = _case(request, number)
    except DomainError as exc:
        return _refused(request, exc)
    return _page(request, case)


def _refused(request, exc: DomainError):
    return forbidden(request, exc.detail, status=exc.status)


def _run(action: str, case: Case, data: dict[str, Any], by: User) -> str:
    """Call the one operation behind ``action``; returns the success message."""
    if action == A.ACCEPT:
        services.case_accept(case=case, by=by)
        return _("You accepted %(number)s.")
    if action == A.LOG_WORK:
        services.case_log_work(
            case=case,
            kind=data["kind"],
            note=data["note"],
            minutes=data["minutes"],
            internal=data["internal"],
            by=by,
        )
        return _("Work logged on %(number)s.")
    if action == A.ADD_HELPER:
        helper = people.engineer_by_username(data["engineer"])
        services.case_add_helper(case=case, helper=helper, by=by)
        return _("Helper added to %(number)s.")
    if action == A.REMOVE_HELPER:
        helper = people.user_by_username(data["engineer"])
        services.case_remove_helper(case=case, helper=helper, by=by)
        return _("Helper removed from %(number)s.")
    if action == A.REQUEST_REASSIGNMENT:
        services.case_request_reassignment(case=case, reason=data["reason"], by=by)
        return _("Reassignment of %(number)s requested; the duty engineer will decide.")
    if action == A.SET_PRIORITY:
        services.case_set_priority(
            case=case, priority=data["priority"], reason=data["reason"], by=by
        )
        return _("Priority of %(number)s changed.")
    if action == A.ESCALATE_SENIOR:
        username = data["engineer"]
        if username:  # handing the CASE over is assigning it: asked before the name is
            policy.require(by, A.ASSIGN, case)  # looked up
        engineer = people.engineer_by_username(username) if username else None
        services.case_escalate(
            case=case, target="senior", reason=data["reason"], engineer=engineer, by=by
        )
        return _("%(number)s escalated to a senior engineer.")
    if action == A.ESCALATE_VENDOR:
        services.case_escalate(
            case=case,
            target="vendor",
            reason=data["reason"],
            vendor_reference=data["vendor_reference"],
            by=by,
        )
        return _("%(number)s escalated to the vendor.")
    if action == A.PEND:
        services.case_pend(case=case, reason=data["reason"], note=data["note"], by=by)
        return _("%(number)s is pending.")
    if action == A.RESUME:
        services.case_resume(case=case, note=data["note"], by=by)
        return _("%(number)s resumed.")
    if action == A.RESOLVE:
        services.case_resolve(case=case, solution=data["solution"], by=by)
        return _("%(number)s resolved; waiting for the customer's confirmation.")
    if action == A.CONFIRM:
        services.case_confirm(case=case, note=data["note"], by=by)
        return _("The customer's confirmation of %(number)s is recorded.")
    if action == A.CLOSE:
        services.case_close(case=case, by=by)
        return _("%(number)s closed.")
    if action == A.REOPEN:
        services.case_reopen(case=case, reason=data["reason"], by=by)
        return _("%(number)s reopened.")
    raise InvalidInput(_("Unknown action %(action)r.") % {"action": action})


@staff_required
@require_POST
def case_action(request, number: str, action: str):
    """One lifecycle action from the CASE page: one form, one operation."""
    try:
        case = _case(request, number)
    except DomainError as exc:
        return _refused(request, exc)
    form_class = PAGE_FORMS.get(action)
    if form_class is None:
        return _refused(request, InvalidInput(_("Unknown action.")))
    try:  # who may comes first: a refusal never depends on what the form names
        policy.require(request.user, action, case)
    except DomainError as exc:
        return _page(request, case, error=exc.detail, status=exc.status)
    form = form_class(request.POST, auto_id=f"id_{action}_%s")
    if not form.is_valid():
        return _page(request, case, forms={action: form}, error=f.first_error(form), status=422)
    try:
        message = _run(action, case, form.cleaned_data, request.user)
    except DomainError as exc:
        return _page(request, case, forms={action: form}, error=exc.detail, status=exc.status)
    messages.success(request, message % {"number": case.number})
    return _back(case, "timeline" if action == A.LOG_WORK else "")


@staff_required
@require_POST
def case_phoned(request, number: str):
    """The desk phoned the engineer (SPEC §2: "the duty engineer's phone call is logged").

    There is no operation of its own: it is an internal work log of kind "phone" by the
    one who called, through ``case_log_work``, naming the engineer.
    """
    try:
        case = _case(request, number)
    except DomainError as exc:
        return _refused(request, exc)
    try:
        policy.require(request.user, A.LOG_WORK, case)
    except DomainError as exc:
        return _page(request, case, error=exc.detail, status=exc.status)
    form = f.PhonedForm(request.POST, auto_id="id_phoned_%s")
    if not form.is_valid():
        return _page(request, case, forms={"phoned": form}, error=f.first_error(form), status=422)
    if case.engineer_id is None:
        return _page(
            request,
            case,
            error=_("%(number)s has no engineer to phone.") % {"number": case.number},
            status=409,
        )
    engineer = case.engineer
    phone = getattr(getattr(engineer, "staff", None), "phone", "")
    note = _("Phoned engineer %(engineer)s%(phone)s.") % {
        "engineer": person(engineer),
        "phone": f" ({phone})" if phone else "",
    }
    if form.cleaned_data["note"]:
        note = f"{note} {form.cleaned_data['note']}"
    try:
        services.case_log_work(
            case=case,
            kind=WorkLogKind.PHONE,
            note=note,
            minutes=form.cleaned_data["minutes"],
            internal=True,
            by=request.user,
        )
    except DomainError as exc:
        return _page(request, case, forms={"phoned": form}, error=exc.detail, status=exc.status)
    messages.success(
        request, _("Phone call to the engineer logged on %(number)s.") % {"number": case.number}
    )
    return _back(case)


@staff_required
@require_POST
def case_attach(request, number: str):
    """Files from the CASE page: one ``attachments.case_attach`` (one event per file, all or
    nothing); an internal file is for the desk only."""
    try:
        case = _case(request, number)
    except DomainError as exc:
        return _refused(request, exc)
    form = f.AttachForm(request.POST, request.FILES, auto_id="id_attach_%s")
    again = _("Nothing was saved: please choose your files again.") if request.FILES else ""
    if not form.is_valid():
        error = " ".join(filter(None, [f.first_error(form), again]))
        return _page(request, case, forms={"attach": form}, error=error, status=422)
    try:
        stored = attachments.case_attach(
            case=case,
            uploads=form.cleaned_data["files"],
            internal=form.cleaned_data["internal"],
            by=request.user,
        )
    except DomainError as exc:
        error = " ".join(filter(None, [exc.detail, again]))
        return _page(request, case, forms={"attach": form}, error=error, status=exc.status)
    messages.success(
        request,
        ngettext(
            "%(count)d file attached to %(number)s.",
            "%(count)d files attached to %(number)s.",
            len(stored),
        )
        % {"count": len(stored), "number": case.number},
    )
    return _back(case, "files")


def _serve(request, number: str, pk: int, *, inline: bool):
    """One of the CASE's files for whoever may see the CASE (internal ones: staff only)."""
    try:
        case = _case(request, number)
        attachment = attachments.attachment_get(pk=pk, fetched_by=request.user)
        if attachment.case_id != case.pk:
            raise NotFound(_("No such file."))
        return attachments.file_response(attachment, inline=inline)
    except FileNotFoundError:
        return _refused(request, NotFound(_("No such file.")))
    except DomainError as exc:
        return _refused(request, exc)


@staff_required
@require_GET
def case_file(request, number: str, pk: int):
    """Download a file (``Content-Disposition: attachment``)."""
    return _serve(request, number, pk, inline=False)


@staff_required
@require_GET
def case_file_view(request, number: str, pk: int):
    """Show an image or a PDF in the browser; any other type is a download."""
    return _serve(request, number, pk, inline=True)


# --- assigning -------------------------------------------------------------------------------


def _assign_page(
    request, case: Case, *, error: str = "", status: int = 200, form: f.AssignForm | None = None
):
    """``form``: a refused assignment, shown again in the "someone else" form (with the
    tier warning and the override reason when the rule refused it)."""
    ranked = recommendations(case, exclude=[case.engineer_id], limit=20)
    everyone = [u for u in people.assignable_staff() if u.pk != case.engineer_id]
    rows = [
        {
            "user": r.engineer,
            "name": person(r.engineer),
            "tier": _label(Tier, r.engineer.staff.tier),
            "senior": r.engineer.staff.tier == Tier.SENIOR,
            "skills": r.skills,
            "load": r.load,
            "capacity": r.capacity,
            "on_duty": r.on_duty,
            "role": r.engineer.get_role_display(),
            "score": r.score,
            "reasons": r.reasons,
        }
        for r in ranked
    ]
    chosen = form.data.get("engineer", "") if form is not None else ""
    context = {
        "case": case,
        "rows": rows,
        "everyone": everyone,
        "error": error,
        "severity_help": SEVERITY_HELP.get(case.priority, ""),
        "status_label": _label(Status, case.status),
        # SPEC §2: P1/P2 go to senior engineers; a first-line one needs a stated reason.
        "tier_rule": case.priority in services.SENIOR_PRIORITIES,
        "chosen": chosen,
        "note": form.data.get("note", "") if form is not None else "",
        "override_reason": form.data.get("override_reason", "") if form is not None else "",
        "overridable": any(
            u.username == chosen and services.tier_warning(case, u) for u in everyone
        ),
    }
    return render(request, "web/case/assign.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def case_assign(request, number: str):
    """The ranked engineers for this CASE; one click assigns (``case_assign``)."""
    try:
        case = _case(request, number)
        policy.require(request.user, A.ASSIGN, case)
    except DomainError as exc:
        return _refused(request, exc)
    if request.method == "GET":
        if A.ASSIGN not in available_actions(case=case, user=request.user):
            message = _("%(number)s is %(status)s: it cannot be assigned now.") % {
                "number": case.number,
                "status": _label(Status, case.status),
            }
            return _refused(request, TransitionNotAllowed(message))
        return _assign_page(request, case)
    form = f.AssignForm(request.POST)
    if not form.is_valid():
        return _assign_page(request, case, error=f.first_error(form), status=422, form=form)
    try:
        engineer = people.engineer_by_username(form.cleaned_data["engineer"])
        services.case_assign(
            case=case,
            engineer=engineer,
            note=form.cleaned_data["note"],
            override_reason=form.cleaned_data["override_reason"],
            by=request.user,
        )
    except DomainError as exc:
        return _assign_page(request, case, error=exc.detail, status=exc.status, form=form)
    messages.success(
        request,
        _("%(number)s assigned to %(engineer)s. Phone the engineer and mark it below.")
        % {"number": case.number, "engineer": person(engineer)},
    )
    return _back(case, "phoned")


# --- opening a CASE from a phone call -------------------------------------------------------


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
