"""The knowledge base's pages: in the console the list and search, an article (rendered,
its versions, who reviewed it), writing and editing, submit/publish/retire, and drafting
from a solved CASE; in the portal the FAQ and an article."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import Role
from casedesk.core import policy
from casedesk.core.errors import DomainError
from casedesk.web.guards import forbidden, staff_required

from . import redaction, selectors, services
from .choices import ArticleStatus, Visibility
from .policy import KnowledgeAction


def _refused(request, exc: DomainError):
    return forbidden(request, exc.detail, status=exc.status)


def _post_only(view):
    """Outermost after the staff guard: a GET to a button's target is 405, not a page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    return wrapper


class ArticleForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("title"), max_length=services.MAX_TITLE)
    body = forms.CharField(
        label=gettext_lazy("body (Markdown)"),
        required=False,
        max_length=services.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 16}),
    )
    product = forms.CharField(
        label=gettext_lazy("product / platform"), required=False, max_length=services.MAX_PRODUCT
    )
    tags = forms.CharField(
        label=gettext_lazy("tags (comma-separated)"), required=False, max_length=1000
    )
    visibility = forms.ChoiceField(label=gettext_lazy("visibility"), choices=Visibility.choices)


STATUS_FILTERS = [("", gettext_lazy("all")), *ArticleStatus.choices]


@staff_required
def article_list(request):
    if not policy.can(request.user, KnowledgeAction.VIEW):
        return forbidden(request, _("You may not read knowledge articles."))
    q = request.GET.get("q", "")[:200]
    status = request.GET.get("status", "")
    if status not in ArticleStatus.values:
        status = ""
    review = request.GET.get("review") == "1"
    articles = selectors.article_search(
        q=q, status=status or None, needs_review=review, fetched_by=request.user
    )
    return render(
        request,
        "knowledge/article_list.html",
        {
            "articles": articles,
            "q": q,
            "status": status,
            "review": review,
            "statuses": STATUS_FILTERS,
            "queue": selectors.review_queue(fetched_by=request.user) if not q and not review else [],
            "can_write": policy.can(request.user, KnowledgeAction.WRITE),
        },
    )


def _save_form(request, form: ArticleForm, article=None):
    data = form.cleaned_data
    try:
        if article is None:
            return services.article_create(
                title=data["title"],
                body=data["body"],
                tags=data["tags"],
                product=data["product"],
                visibility=data["visibility"],
                by=request.user,
            )
        return services.article_update(
            article=article,
            title=data["title"],
            body=data["body"],
            tags=data["tags"],
            product=data["product"],
            visibility=data["visibility"],
            by=request.user,
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        form.add_error(None, exc.detail)
        return None


@staff_required
def article_new(request):
    if not policy.can(request.user, KnowledgeAction.WRITE):
        return forbidden(request, _("You may not write knowledge articles."))
    form = ArticleForm(request.POST or None, initial={"visibility": Visibility.INTERNAL})
    if request.method == "POST" and form.is_valid():
        try:
            article = _save_form(request, form)
        except DomainError as exc:
            return _refused(request, exc)
        if article is not None:
            messages.success(request, _("Draft saved."))
            return redirect("knowledge:article_page", pk=article.pk)
    return render(request, "knowledge/article_form.html", {"form": form, "article": None})


@staff_required
def article_edit(request, pk: int):
    try:
        article = selectors.article_get(pk=pk, fetched_by=request.user)
        policy.require(request.user, KnowledgeAction.WRITE, article)
    except DomainError as exc:
        return _refused(request, exc)
    initial = {
        "title": article.title,
        "body": article.body,
        "product": article.product,
        "tags": ", ".join(article.tags),
        "visibility": article.visibility,
    }
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_form(request, form, article)
        except DomainError as exc:
            return _refused(request, exc)
        if saved is not None:
            messages.success(request, _("Saved as version %(n)d.") % {"n": saved.version})
            return redirect("knowledge:article_page", pk=saved.pk)
    return render(request, "knowledge/article_form.html", {"form": form, "article": article})


def _page(request, article, *, error: str = "", status: int = 200):
    user = request.user
    return render(
        request,
        "knowledge/article_page.html",
        {
            "article": article,
            "versions": selectors.versions_of(article),
            "removed": [
                (redaction.kind_label(r.get("kind", "")), r.get("original", ""))
                for r in article.redactions
            ],
            "error": error,
            "can_write": policy.can(user, KnowledgeAction.WRITE, article)
            and article.status != ArticleStatus.RETIRED,
            "can_submit": article.status == ArticleStatus.DRAFT
            and policy.can(user, KnowledgeAction.WRITE, article),
            "can_publish": article.status == ArticleStatus.IN_REVIEW
            and policy.can(user, KnowledgeAction.PUBLISH, article),
            "own_in_review": article.status == ArticleStatus.IN_REVIEW
            and article.author_id == user.pk,
            "can_retire": article.status != ArticleStatus.RETIRED
            and policy.can(user, KnowledgeAction.REVIEW, article),
            "can_confirm": article.needs_review
            and policy.can(user, KnowledgeAction.REVIEW, article),
            "solved_cases": selectors.cases_solved_by(article, fetched_by=user),
            "deflections": selectors.deflections_by_month(fetched_by=user, article=article),
        },
        status=status,
    )


@staff_required
def article_page(request, pk: int):
    try:
        article = selectors.article_get(pk=pk, fetched_by=request.user)
    except DomainError as exc:
        return _refused(request, exc)
    return _page(request, article)


def _step(request, pk: int, do, done: str):
    try:
        article = selectors.article_get(pk=pk, fetched_by=request.user)
    except DomainError as exc:
        return _refused(request, exc)
    try:
        article = do(article)
    except DomainError as exc:
        if exc.status in (403, 404):
            return _refused(request, exc)
        return _page(request, article, error=exc.detail, status=exc.status)
    messages.success(request, done)
    return redirect("knowledge:article_page", pk=article.pk)


@staff_required
@_post_only
def article_submit(request, pk: int):
    return _step(
        request,
        pk,
        lambda a: services.article_submit(article=a, by=request.user),
        _("Submitted for review."),
    )


@staff_required
@_post_only
def article_publish(request, pk: int):
    return _step(
        request,
        pk,
        lambda a: services.article_publish(article=a, by=request.user),
        _("Published."),
    )


@staff_required
@_post_only
def article_retire(request, pk: int):
    reason = request.POST.get("reason", "")[:500]
    return _step(
        request,
        pk,
        lambda a: services.article_retire(article=a, reason=reason, by=request.user),
        _("Retired."),
    )


@staff_required
@_post_only
def draft_from_case(request, number: str):
    try:
        case = selectors.case_for_article(number=number, fetched_by=request.user)
        article = services.article_draft_from_case(case=case, by=request.user)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(
        request, _("Draft made from %(number)s: read it before you submit it.") % {"number": number}
    )
    return redirect("knowledge:article_page", pk=article.pk)


# --- the portal ------------------------------------------------------------------------------


def customer_required(view):
    """Customers only: anonymous → the login page; staff → the console's knowledge base."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.role != Role.CUSTOMER:
            if "pk" in kwargs:
                return redirect("knowledge:article_page", pk=kwargs["pk"])
            return redirect("knowledge:article_list")
        return view(request, *args, **kwargs)

    return wrapper


def _portal_refusal(request, message: str, status: int):
    heading = _("Not found") if status == 404 else _("Not allowed")
    return render(
        request, "portal/refused.html", {"message": message, "heading": heading}, status=status
    )


@customer_required
def portal_faq(request):
    user = request.user
    if not policy.can(user, KnowledgeAction.VIEW):
        return _portal_refusal(request, _("You may not read knowledge articles."), 403)
    q = request.GET.get("q", "")[:200]
    found = selectors.article_search(q=q, fetched_by=user) if q.strip() else None
    return render(
        request,
        "knowledge/portal_faq.html",
        {"q": q, "found": found, "groups": selectors.faq(fetched_by=user) if found is None else []},
    )


@customer_required
def portal_article(request, pk: int):
    try:
        article = selectors.article_get(pk=pk, fetched_by=request.user)
    except DomainError as exc:
        return _portal_refusal(request, exc.detail, exc.status)
    return render(
        request,
        "knowledge/portal_article.html",
        {
            "article": article,
            "typed": " ".join(request.GET.get("typed", "")[:200].split()),
            "can_deflect": policy.can(request.user, KnowledgeAction.DEFLECT, article),
        },
    )
