"""How articles get used: suggestions while a CASE title is typed (JSON for the console's
new-CASE form and the portal's "report a problem", worded here, never by the script),
"this solved my problem" in the portal (a deflection: no CASE), linking an article to the
CASE it solved, and a reviewer's "still good" on an article flagged stale."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casedesk.core import policy
from casedesk.core.errors import DomainError, NotFound
from casedesk.web.guards import forbidden, staff_required

from . import presenters, selectors, services
from .policy import KnowledgeAction
from .views import _portal_refusal, _refused, customer_required


class SuggestQuery(forms.Form):
    q = forms.CharField(max_length=200, required=False, strip=True)


def _not_staff(request) -> JsonResponse:
    return JsonResponse({"detail": _("Only the desk's staff use this.")}, status=403)


def _suggest(request, *, portal: bool) -> JsonResponse:
    query = SuggestQuery(request.GET)
    if not query.is_valid():
        errors = [e for field in query.errors.values() for e in field]
        return JsonResponse({"detail": str(errors[0])}, status=400)
    if not policy.can(request.user, KnowledgeAction.VIEW):
        return JsonResponse({"detail": _("You may not read knowledge articles.")}, status=403)
    q = query.cleaned_data["q"]
    found = selectors.suggestions(q=q, fetched_by=request.user)
    working = not portal
    rows = []
    for article in found:
        if portal:
            url = reverse("knowledge:portal_article", args=[article.pk])
            url += "?" + urlencode({"typed": q})
        else:
            url = reverse("knowledge:article_page", args=[article.pk])
        rows.append(
            {
                "id": article.pk,
                "title": presenters.reader_title(article, working=working),
                "url": url,
                "product": article.product,
                "used": presenters.solved_words(article),
            }
        )
    return JsonResponse({"text": presenters.suggestions_heading(len(rows)), "articles": rows})


@staff_required(refuse=_not_staff)
@require_GET
def suggest(request):
    """The console's: ``q`` the CASE title being typed → up to 5 live articles."""
    return _suggest(request, portal=False)


@customer_required
@require_GET
def portal_suggest(request):
    """The portal's: published public articles only."""
    return _suggest(request, portal=True)


@customer_required
@require_POST
def portal_solved(request, pk: int):
    """"This solved my problem": counted, no CASE; back to the customer's CASEs."""
    try:
        article = selectors.article_get(pk=pk, fetched_by=request.user)
        services.deflection_create(
            article=article, typed=request.POST.get("typed", "")[:500], by=request.user
        )
    except DomainError as exc:
        return _portal_refusal(request, exc.detail, exc.status)
    messages.success(request, presenters.no_case_opened())
    return redirect("portal:home")


@staff_required
def case_link_article(request, number: str):
    """Find an article that solved the CASE (GET ``q``), and link it (POST ``article``)."""
    user = request.user
    try:
        case = selectors.case_to_link(number=number, fetched_by=user)
    except DomainError as exc:
        return _refused(request, exc)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            pk = int(request.POST.get("article", ""))
        except ValueError:
            pk = 0
        try:
            if not pk:
                raise NotFound(_("No such article."))
            article = selectors.article_get(pk=pk, fetched_by=user)
            services.article_link_case(article=article, case=case, by=user)
        except DomainError as exc:
            if exc.status == 403:
                return _refused(request, exc)
            error, status = exc.detail, exc.status
        else:
            messages.success(
                request,
                _("Linked: %(title)s solved %(number)s.")
                % {"title": article.title, "number": case.number},
            )
            return redirect("web:case_detail", number=case.number)
    q = request.GET.get("q", request.POST.get("q", ""))[:200]
    found = selectors.suggestions(q=q, fetched_by=user, limit=20) if q.strip() else []
    linked = {link.article_id for link in selectors.links_of_case(case, fetched_by=user)}
    return render(
        request,
        "knowledge/case_link.html",
        {"case": case, "q": q, "found": found, "linked": linked, "error": error},
        status=status,
    )


@staff_required
@require_POST
def article_confirm(request, pk: int):
    try:
        article = selectors.article_get(pk=pk, fetched_by=request.user)
        services.article_confirm(article=article, by=request.user)
    except DomainError as exc:
        if exc.status == 409:
            messages.error(request, exc.detail)
            return redirect("knowledge:article_page", pk=pk)
        return forbidden(request, exc.detail, status=exc.status)
    messages.success(request, _("Confirmed: not flagged for another year."))
    return redirect("knowledge:article_page", pk=pk)
