"""The knowledge base's pages: in the console the list and search, an article (rendered,
its versions, who reviewed it, how it was used), writing and editing, submit/publish/
retire, drafting from a solved CASE, linking an article to the CASE it solved, confirming a
stale one; in the portal the FAQ, an article and "this solved my problem"; the articles
suggested as a CASE title is typed (JSON) on both sides."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from casedesk.accounts.choices import Role
from casedesk.cases import attachments
from casedesk.core import policy
from casedesk.core.errors import DomainError, NotFound
from casedesk.web.guards import forbidden, refused, staff_required

from . import presenters, redaction, selectors, services
from .choices import ArticleStatus, Visibility
from .policy import KnowledgeAction


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


class FilesForm(forms.Form):
    files = attachments.MultipleFileField(label=gettext_lazy("files"))


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
            "queue": selectors.review_queue(fetched_by=request.user)
            if not q and not review
            else [],
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
            return refused(request, exc)
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
        return refused(request, exc)
    form = ArticleForm(request.POST or None, initial=_initial(article))
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save_form(request, form, article)
        except DomainError as exc:
            return refused(request, exc)
        if saved is not None:
            messages.success(request, _("Saved as version %(n)d.") % {"n": saved.version})
            return redirect("knowledge:article_page", pk=saved.pk)
    return _edit_page(request, article, form)


def _file_entries(request, article, *, portal: bool = False) -> list[dict]:
    name = "knowledge:portal_file" if portal else "knowledge:article_file"
    return [
        {
            "file": item,
            "url": reverse(name, args=[article.pk, item.pk]),
            "view_url": reverse("knowledge:article_file_view", args=[article.pk, item.pk])
            if not portal and attachments.preview_type(item)
            else "",
            "image": attachments.is_image(item),
        }
        for item in selectors.files_of(article, fetched_by=request.user)
    ]


def _edit_page(request, article, form, *, files_form=None, files_error: str = "", status=200):
    return render(
        request,
        "knowledge/article_form.html",
        {
            "form": form,
            "article": article,
            "files": _file_entries(request, article),
            "files_form": files_form or FilesForm(),
            "files_error": files_error,
            "limits": attachments.limits(),
        },
        status=status,
    )


def _initial(article) -> dict:
    return {
        "title": article.title,
        "body": article.body,
        "product": article.product,
        "tags": ", ".join(article.tags),
        "visibility": article.visibility,
    }


@staff_required
@require_POST
def article_attach(request, pk: int):
    """Add files from the edit page: all or none; a refusal shows on the edit page."""
    try:
        article = selectors.article_get(pk=pk, fetched_by=request.user)
        policy.require(request.user, KnowledgeAction.WRITE, article)
    except DomainError as exc:
        return refused(request, exc)
    files_form = FilesForm(request.POST, request.FILES)
    error, status = "", 400
    if files_form.is_valid():
        try:
            added = services.article_attach(
                article=article, uploads=files_form.cleaned_data["files"], by=request.user
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                return refused(request, exc)
            error, status = exc.detail, exc.status
        else:
            messages.success(request, presenters.files_added(len(added)))
            return redirect("knowledge:article_edit", pk=article.pk)
    else:
        error = " ".join(str(e) for errors in files_form.errors.values() for e in errors)
    article = selectors.article_get(pk=pk, fetched_by=request.user)
    form = ArticleForm(initial=_initial(article))
    return _edit_page(
        request, article, form, files_form=files_form, files_error=error, status=status
    )


@staff_required
@require_POST
def article_file_remove(request, pk: int, file_pk: int):
    try:
        item = selectors.article_file_get(article_pk=pk, pk=file_pk, fetched_by=request.user)
        services.article_file_remove(item=item, by=request.user)
    except DomainError as exc:
        return refused(request, exc)
    messages.success(request, _("Removed %(name)s.") % {"name": item.name})
    return redirect("knowledge:article_edit", pk=pk)


def _serve_file(request, pk: int, file_pk: int, *, inline: bool):
    try:
        item = selectors.article_file_get(article_pk=pk, pk=file_pk, fetched_by=request.user)
        return attachments.file_response(item, inline=inline)
    except FileNotFoundError:
        return None
    except DomainError as exc:
        return exc


@staff_required
@require_GET
def article_file(request, pk: int, file_pk: int):
    """Download one of an article's files."""
    served = _serve_file(request, pk, file_pk, inline=False)
    if isinstance(served, DomainError):
        return refused(request, served)
    return served or refused(request, NotFound(_("No such file.")))


@staff_required
@require_GET
def article_file_view(request, pk: int, file_pk: int):
    """An image or PDF of an article shown in the browser (other types: a download)."""
    served = _serve_file(request, pk, file_pk, inline=True)
    if isinstance(served, DomainError):
        return refused(request, served)
    return served or refused(request, NotFound(_("No such file.")))


def _page(request, article, *, error: str = "", status: int = 200):
    user = request.user
    return render(
        request,
        "knowledge/article_page.html",
        {
            "article": article,
            "versions": [
                (v, presenters.version_files(v.files_added)) for v in selectors.versions_of(article)
            ],
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
            "files": _file_entries(request, article),
            "deflections": selectors.deflections_by_month(fetched_by=user, article=article),
        },
        status=status,
    )


@staff_required
def article_page(request, pk: int):
    try:
        article = selectors.article_get(pk=pk, fetched_by=request.user)
    except DomainError as exc:
        return refused(request, exc)
    return _page(request, article)


def _step(request, pk: int, do, done: str):
    try:
        article = selectors.article_get(pk=pk, fetched_by=request.user)
    except DomainError as exc:
        return refused(request, exc)
    try:
        article = do(article)
    except DomainError as exc:
        if exc.status in (403, 404):
            return refused(request, exc)
        return _page(request, article, error=exc.detail, status=exc.status)
    messages.success(request, done)
    return redirect("knowledge:article_page", pk=article.pk)


@staff_required
@require_POST
def article_submit(request, pk: int):
    return _step(
        request,
        pk,
        lambda a: services.article_submit(article=a, by=request.user),
        _("Submitted for review."),
    )


@staff_required
@require_POST
def article_publish(request, pk: int):
    return _step(
        request,
        pk,
        lambda a: services.article_publish(article=a, by=request.user),
        _("Published."),
    )


@staff_required
@require_POST
def article_retire(request, pk: int):
    reason = request.POST.get("reason", "")[:500]
    return _step(
        request,
        pk,
        lambda a: services.article_retire(article=a, reason=reason, by=request.user),
        _("Retired."),
    )


@staff_required
@require_POST
def draft_from_case(request, number: str):
    try:
        case = selectors.case_for_article(number=number, fetched_by=request.user)
        article = services.article_draft_from_case(case=case, by=request.user)
    except DomainError as exc:
        return refused(request, exc)
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
            "files": _file_entries(request, article, portal=True),
        },
    )


@customer_required
@require_GET
def portal_file(request, pk: int, file_pk: int):
    """A file of a published public article, as a download."""
    served = _serve_file(request, pk, file_pk, inline=False)
    if isinstance(served, DomainError):
        return _portal_refusal(request, served.detail, served.status)
    if served is None:
        return _portal_refusal(request, _("No such file."), 404)
    return served


# --- how articles get used ---------------------------------------------------------------------
# Suggestions while a CASE title is typed (JSON for the console's new-CASE form and the
# portal's "report a problem", worded here, never by the script), "this solved my problem"
# in the portal (a deflection: no CASE), linking an article to the CASE it solved, and a
# reviewer's "still good" on an article flagged stale.


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
    """ "This solved my problem": counted, no CASE; back to the customer's CASEs."""
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
        return refused(request, exc)
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
                return refused(request, exc)
            # the form named an article there is none of: bad input, shown on the form
            error, status = exc.detail, 400 if exc.status == 404 else exc.status
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
