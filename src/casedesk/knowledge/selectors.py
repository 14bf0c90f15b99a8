"""Reads of knowledge articles, for a reader.

Search is the CASEs' search (``search.tokens``: bigrams for Han text, whole Latin words)
over the articles' own index: staff match an article's working title and body, everyone
else its published text only.  Relevance: articles whose title holds every term first, then
the most used (``solved_count``), then the newest.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from casedesk.accounts.models import User
from casedesk.accounts.policy import STAFF_ROLES
from casedesk.cases.models import Case
from casedesk.core import policy
from casedesk.core.errors import NotFound
from casedesk.search.selectors import fts5_query, pg_tsquery
from casedesk.search.tokens import Term, query_terms

from .choices import ArticleStatus, Visibility
from .models import Article, ArticleVersion
from .policy import KnowledgeAction

MAX_LIMIT = 200


def _visible(fetched_by) -> QuerySet[Article]:
    return policy.visible(fetched_by, Article).select_related("author", "reviewer", "case")


def article_get(*, pk: int, fetched_by) -> Article:
    article = _visible(fetched_by).filter(pk=pk).first()
    if article is None:
        raise NotFound(_("No such article."))
    return article


def reads_working_text(reader) -> bool:
    """Staff read an article's working text; everyone else the published one."""
    return reader is None or reader.role in STAFF_ROLES


def _matching_ids(terms: list[Term], *, working: bool, title: bool = False) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        column = "title" if title else "(title || body)" if working else "published"
        if title and not working:
            # The published title is the head of the published text: match it with the
            # whole text (a rare second ranking is no secret).
            column = "published"
        return (
            f"SELECT article_id FROM knowledge_articledocument WHERE {column} @@ %s::tsquery",
            [pg_tsquery(terms)],
        )
    columns = "title" if title and working else "title body" if working else "published"
    return (
        "SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH %s",
        [fts5_query(terms, columns)],
    )


def article_search(
    *, q: str = "", fetched_by, status: str | None = None, limit: int = 50
) -> list[Article]:
    """The articles ``fetched_by`` may read that match ``q`` (all of them when ``q`` is
    empty), best first; ``status``: of that status only."""
    qs = _visible(fetched_by)
    if status and reads_working_text(fetched_by):
        qs = qs.filter(status=status)
    elif status and status != ArticleStatus.PUBLISHED:
        return []  # the others read published text only
    limit = max(1, min(limit, MAX_LIMIT))
    terms = query_terms(q or "")
    if (q or "").strip() and not terms:
        return []
    if not terms:
        return list(qs.order_by("-solved_count", "-published_at", "-updated_at", "-id")[:limit])
    working = reads_working_text(fetched_by)
    sql, params = _matching_ids(terms, working=working)
    title_sql, title_params = _matching_ids(terms, working=working, title=True)
    qs = qs.filter(pk__in=RawSQL(sql, params))
    in_title = set(
        Article.objects.filter(pk__in=RawSQL(title_sql, title_params)).values_list("pk", flat=True)
    )
    found = list(qs.order_by("-solved_count", "-published_at", "-updated_at", "-id")[: limit * 4])
    found.sort(key=lambda a: 0 if a.pk in in_title else 1)
    return found[:limit]


def faq(*, fetched_by, limit_per_product: int = 10) -> list[tuple[str, list[Article]]]:
    """The published public articles, grouped by product/platform, most used first in
    each (the portal's FAQ); the groups in order of their most used article."""
    qs = (
        policy.visible(fetched_by, Article)
        .filter(visibility=Visibility.PUBLIC, published_version__isnull=False)
        .exclude(status=ArticleStatus.RETIRED)
        .order_by("-solved_count", "-published_at", "-id")
    )
    groups: dict[str, list[Article]] = {}
    for article in qs[:500]:
        group = groups.setdefault(article.product, [])
        if len(group) < limit_per_product:
            group.append(article)
    return list(groups.items())


def versions_of(article: Article) -> list[ArticleVersion]:
    """The versions of ``article`` (which the caller fetched for its reader), newest first."""
    return list(
        ArticleVersion.objects.filter(article=article)
        .select_related("written_by")
        .order_by("-number")
    )


def articles_of_case(case: Case, *, fetched_by) -> list[Article]:
    return list(_visible(fetched_by).filter(case=case).order_by("-created_at", "-id"))


def review_queue(*, fetched_by) -> list[Article]:
    """Articles waiting for review, oldest first (what a reviewer has to read)."""
    if not policy.can(fetched_by, KnowledgeAction.REVIEW):
        return []
    return list(
        _visible(fetched_by).filter(status=ArticleStatus.IN_REVIEW).order_by("updated_at", "id")
    )


def case_for_article(*, number: str, fetched_by: User) -> Case:
    """The CASE ``fetched_by`` drafts an article from: NotFound when they may not see it,
    Forbidden when they may not draft (asked before its state)."""
    case = (
        policy.visible(fetched_by, Case)
        .select_related("organization")
        .filter(number=number.strip().upper())
        .first()
    )
    if case is None:
        raise NotFound(_("No CASE %(number)s.") % {"number": number})
    policy.require(fetched_by, KnowledgeAction.DRAFT_FROM_CASE, case)
    return case
