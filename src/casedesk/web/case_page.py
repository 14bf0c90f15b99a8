"""The CASE page: its timeline (worded by ``cases.presenters``), files, deadlines and the
forms of the actions offered (``cases.actions.available_actions``)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import render
from django.views.decorators.http import require_GET

from casedesk.accounts import selectors as people
from casedesk.accounts.choices import Tier
from casedesk.accounts.models import User
from casedesk.cases import attachments, presenters, selectors
from casedesk.cases.actions import available_actions
from casedesk.cases.choices import (
    EscalationLevel,
    EventKind,
    PendingReason,
    Priority,
    Status,
)
from casedesk.cases.models import Case, CaseEvent
from casedesk.contracts import selectors as catalogue
from casedesk.core import clock, discovery
from casedesk.core.errors import DomainError
from casedesk.core.presenters import Reader

from . import case_forms as f
from .case_common import LIVE, SEVERITY_HELP, A, _case, _label, _refused
from .case_deadlines import deadlines
from .case_files import case_files
from .guards import staff_required
from .templatetags.console import person

# The actions done from the CASE page itself (assigning has its own screen) and their forms.
# Escalating to the vendor is opening a vendor case: the vendors panel on the page does it.
PAGE_FORMS: dict[str, type] = {
    A.ACCEPT: f.EmptyForm,
    A.LOG_WORK: f.LogWorkForm,
    A.ADD_HELPER: f.EngineerForm,
    A.REMOVE_HELPER: f.EngineerForm,
    A.REQUEST_REASSIGNMENT: f.ReasonForm,
    A.SET_PRIORITY: f.PriorityForm,
    A.ESCALATE_SENIOR: f.EscalateSeniorForm,
    A.PEND: f.PendForm,
    A.RESUME: f.NoteForm,
    A.RESOLVE: f.ResolveForm,
    A.CONFIRM: f.NoteForm,
    A.CLOSE: f.EmptyForm,
    A.REOPEN: f.ReasonForm,
    A.APPROVE_GOODWILL: f.GoodwillForm,
}


def _describe(event: CaseEvent, names: dict[str, str]) -> tuple[str, list[str], list[str]]:
    """The event's headline, detail lines and what people wrote, in the reader's language:
    the presenter the portal, mail and webhooks use too (``cases.presenters``)."""
    shown = presenters.present(event, Reader(names=names))
    return shown.headline, shown.lines, shown.texts


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


def _page(request, case: Case, *, forms: dict | None = None, error: str = "", status: int = 200):
    user = request.user
    helpers = selectors.helper_usernames(case)
    # Subcontracting is offered by the partners' panel below (it needs a partner to choose).
    offered = [
        a for a in available_actions(case=case, user=user, helpers=helpers) if a != A.SUBCONTRACT
    ]
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
        "goodwill_products": (
            list(catalogue.service_product_list(fetched_by=user, active_only=True))
            if A.APPROVE_GOODWILL in offered
            else []
        ),
        "timeline": timeline(case, user, {f["file"].pk: f for f in files}),
        "files": files,
        "attach_form": forms.get("attach") or f.AttachForm(auto_id="id_attach_%s"),
        "can_attach": A.LOG_WORK in offered,
        "limits": attachments.limits(),
        "deadlines": deadlines(case, user),
        "panels": discovery.case_panels("console", request, case),
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
