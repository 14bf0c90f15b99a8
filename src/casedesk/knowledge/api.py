"""Knowledge articles (API.md § "Knowledge, surveys, complaints, customer replies")."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from casedesk.api.schemas import Detail, Empty, In
from casedesk.cases import attachments
from casedesk.core import policy
from casedesk.core.errors import InvalidInput, NotFound

from . import selectors, services
from .models import Article, ArticleFile
from .policy import KnowledgeAction

MOUNT = "/"  # its paths name themselves: /articles, /cases/{number}/article
router = Router(tags=["knowledge"])
ERRORS = {400: Detail, 401: Detail, 403: Detail, 404: Detail, 409: Detail, 422: Detail}
Statuses = Literal["draft", "in_review", "published", "retired"]


class ArticleIn(In):
    title: str = Field(min_length=1, max_length=services.MAX_TITLE)
    body: str = Field("", max_length=services.MAX_BODY)
    tags: list[str] = Field(default_factory=list, max_length=services.MAX_TAGS)
    product: str = Field("", max_length=services.MAX_PRODUCT)
    visibility: Literal["internal", "public"] = "internal"
    case: str | None = Field(None, max_length=16, description="the source CASE's number")


class RetireIn(In):
    reason: str = Field("", max_length=500)


class Removed(Schema):
    kind: str
    original: str


class ArticleOut(Schema):
    id: int
    title: str
    body: str
    tags: list[str]
    product: str
    visibility: str
    status: str
    author: str
    reviewer: str | None
    case: str | None
    version: int
    published_version: int | None
    solved_count: int
    deflection_count: int = Field(description="problems it solved without a CASE (portal)")
    needs_review: bool = Field(description="flagged stale (staff only; false otherwise)")
    created_at: dt.datetime
    published_at: dt.datetime | None
    removed: list[Removed] = Field(
        description="what drafting from the CASE removed (staff only; empty otherwise)"
    )


class ArticleQuery(Schema):
    q: str = Field("", max_length=200)
    status: Statuses | None = None
    limit: int = Field(50, ge=1, le=selectors.MAX_LIMIT)


def article_out(article: Article, reader) -> dict:
    staff = selectors.reads_working_text(reader)
    return {
        "id": article.pk,
        "title": article.title if staff else article.published_title,
        "body": article.body if staff else article.published_body,
        "tags": article.tags,
        "product": article.product,
        "visibility": article.visibility,
        "status": article.status if staff else "published",
        "author": article.author.username,
        "reviewer": article.reviewer.username if article.reviewer else None,
        "case": article.case.number if staff and article.case else None,
        "version": article.version if staff else article.published_version,
        "published_version": article.published_version,
        "solved_count": article.solved_count,
        "deflection_count": article.deflection_count,
        "needs_review": article.needs_review if staff else False,
        "created_at": article.created_at,
        "published_at": article.published_at,
        "removed": article.redactions if staff else [],
    }


@router.get("articles", response={200: list[ArticleOut], **ERRORS})
def list_articles(request, filters: Query[ArticleQuery]):
    found = selectors.article_search(
        q=filters.q, status=filters.status, limit=filters.limit, fetched_by=request.auth
    )
    return [article_out(a, request.auth) for a in found]


@router.post("articles", response={201: ArticleOut, **ERRORS})
def create_article(request, body: ArticleIn):
    policy.require(request.auth, KnowledgeAction.WRITE)
    case = None
    if body.case:
        try:
            case = selectors.case_for_article(number=body.case, fetched_by=request.auth)
        except NotFound as exc:  # an unknown CASE named in a body is bad input, not 404
            raise InvalidInput(_("No CASE %(number)s.") % {"number": body.case}) from exc
    article = services.article_create(
        title=body.title,
        body=body.body,
        tags=body.tags,
        product=body.product,
        visibility=body.visibility,
        case=case,
        by=request.auth,
    )
    return Status(201, article_out(article, request.auth))


@router.get("articles/{pk}", response={200: ArticleOut, **ERRORS})
def get_article(request, pk: int):
    return article_out(selectors.article_get(pk=pk, fetched_by=request.auth), request.auth)


@router.post("articles/{pk}/submit", response={200: ArticleOut, **ERRORS})
def submit_article(request, pk: int, body: Empty | None = None):
    article = selectors.article_get(pk=pk, fetched_by=request.auth)
    return article_out(services.article_submit(article=article, by=request.auth), request.auth)


@router.post("articles/{pk}/publish", response={200: ArticleOut, **ERRORS})
def publish_article(request, pk: int, body: Empty | None = None):
    article = selectors.article_get(pk=pk, fetched_by=request.auth)
    return article_out(services.article_publish(article=article, by=request.auth), request.auth)


@router.post("articles/{pk}/retire", response={200: ArticleOut, **ERRORS})
def retire_article(request, pk: int, body: RetireIn | None = None):
    article = selectors.article_get(pk=pk, fetched_by=request.auth)
    article = services.article_retire(
        article=article, reason=body.reason if body else "", by=request.auth
    )
    return article_out(article, request.auth)


@router.post("cases/{number}/article", response={201: ArticleOut, **ERRORS})
def draft_from_case(request, number: str, body: Empty | None = None):
    case = selectors.case_for_article(number=number, fetched_by=request.auth)
    article = services.article_draft_from_case(case=case, by=request.auth)
    return Status(201, article_out(article, request.auth))


# --- files on an article -------------------------------------------------------------------


class ArticleFileOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    sha256: str
    added_in: int = Field(description="the article's version that added it")
    uploaded_by: str
    uploaded_at: dt.datetime
    url: str = Field(description="where to download it (this API)")


def file_out(article: Article, item: ArticleFile) -> dict:
    return {
        "id": item.pk,
        "name": item.name,
        "size": item.size,
        "content_type": item.content_type,
        "sha256": item.sha256,
        "added_in": item.added_in,
        "uploaded_by": item.uploaded_by.username,
        "uploaded_at": item.uploaded_at,
        "url": f"/api/v1/articles/{article.pk}/files/{item.pk}",
    }


@router.get("articles/{pk}/files", response={200: list[ArticleFileOut], **ERRORS})
def list_article_files(request, pk: int):
    """The article's files its reader may open (customers: its published version's)."""
    article = selectors.article_get(pk=pk, fetched_by=request.auth)
    return [file_out(article, f) for f in selectors.files_of(article, fetched_by=request.auth)]


@router.post("articles/{pk}/files", response={201: list[ArticleFileOut], **ERRORS})
def attach_article_files(request, pk: int, files: File[list[UploadedFile]]):
    """Add files (``multipart/form-data``, field ``files``, one or more) to an article one
    may edit: the CASE attachments' type allowlist and size limits; all or none.  A new
    version; a published article goes back to review."""
    article = selectors.article_get(pk=pk, fetched_by=request.auth)
    added = services.article_attach(article=article, uploads=files, by=request.auth)
    return Status(201, [file_out(article, f) for f in added])


@router.get("articles/{pk}/files/{file_pk}", response={200: None, **ERRORS})
def download_article_file(request, pk: int, file_pk: int):
    """The file itself, as a download."""
    policy.require(request.auth, KnowledgeAction.VIEW)
    item = selectors.article_file_get(article_pk=pk, pk=file_pk, fetched_by=request.auth)
    try:
        return attachments.file_response(item)
    except FileNotFoundError as exc:
        raise NotFound(_("No such file.")) from exc


@router.delete("articles/{pk}/files/{file_pk}", response={204: None, **ERRORS})
def remove_article_file(request, pk: int, file_pk: int):
    """Take a file off an article one may edit (at once, for every reader)."""
    policy.require(request.auth, KnowledgeAction.WRITE)
    item = selectors.article_file_get(article_pk=pk, pk=file_pk, fetched_by=request.auth)
    services.article_file_remove(item=item, by=request.auth)
    return Status(204, None)
