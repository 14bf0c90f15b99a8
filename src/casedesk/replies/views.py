"""The console's reply to the customer: posted from the composer on the CASE page
(``case_panels``), answered by a redirect to the CASE's timeline; a refused reply shows the
composer again on a page of its own, with the text as written and the reason."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casedesk.cases import attachments
from casedesk.core.errors import DomainError
from casedesk.web.guards import forbidden, staff_required

from . import selectors, services
from .forms import ReplyForm


def composer_context(request, case, form: ReplyForm | None = None, error: str = "") -> dict:
    """What the composer shows: the recipient (or why there is none), the templates filled
    in for this CASE, the internal-note form's target."""
    to = services.recipient(case)
    refusal = ""
    try:
        services.recipient_checked(case)
    except DomainError as exc:
        refusal = exc.detail
    templates = selectors.template_list(fetched_by=request.user, language=to.language)
    return {
        "case": case,
        "to": to,
        "refusal": refusal,
        "form": form or ReplyForm(auto_id="id_reply_%s"),
        "error": error,
        "templates": [
            {
                "id": t.pk,
                "name": t.name,
                "language": t.language,
                "text": services.template_text(t, case),
            }
            for t in templates
        ],
        "limits": attachments.limits(),
    }


@staff_required
@require_http_methods(["GET", "POST"])
def case_reply(request, number: str):
    try:
        case = selectors.case_to_reply(number=number, fetched_by=request.user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    form = ReplyForm(request.POST or None, request.FILES or None, auto_id="id_reply_%s")
    error, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reply = services.case_reply(
                    case=case,
                    body=form.cleaned_data["body"],
                    uploads=form.cleaned_data["files"],
                    by=request.user,
                )
            except DomainError as exc:
                error, status = exc.detail, exc.status
            else:
                messages.success(
                    request,
                    _("Reply mailed to %(address)s.") % {"address": reply.message.to_email},
                )
                return redirect(reverse("web:case_detail", args=[case.number]) + "#timeline")
        else:
            error, status = _("Check the reply's files."), 422
        if error and form.cleaned_data.get("files"):
            error += " " + _("Choose the files again.")
    context = composer_context(request, case, form, error)
    return render(request, "replies/reply_page.html", context, status=status)
