"""Reads of knowledge articles, for a reader.

Search is the CASEs' search (``search.tokens``: bigrams for Han text, whole Latin words)
over the articles' own index: staff match an article's working title and body, everyone
else its published text only.  Relevance: articles whose title holds every term first, then
the most used (``solved_count``), then the newest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import connection
from django.db.models import BooleanField, Count, F, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from casedesk.accounts.models import User
from casedesk.accounts.policy import STAFF_ROLES
from casedesk.cases.models import Case
from casedesk.core import clock, policy
from casedesk.core.errors import NotFound
from casedesk.search.selectors import fts5_query, pg_tsquery
from casedesk.search.tokens import Term, query_terms

from .choices import ArticleStatus, Visibility
from .models import Article, ArticleCaseLink, ArticleFile, ArticleVersion, Deflection
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


def files_of(article: Article, *, fetched_by) -> list[ArticleFile]:
    """The files of ``article`` (fetched through ``article_get``) its reader may open: staff
    all of them; everyone else those of its published version."""
    qs = ArticleFile.objects.filter(article=article).select_related("uploaded_by")
    if not reads_working_text(fetched_by):
        qs = qs.filter(added_in__lte=article.published_version or 0)
    return list(qs.order_by("uploaded_at", "id"))


def article_file_get(*, article_pk: int, pk: int, fetched_by) -> ArticleFile:
    """One file of an article ``fetched_by`` may read; NotFound when unknown or not theirs
    to see (a customer: not in the published version)."""
    article = article_get(pk=article_pk, fetched_by=fetched_by)
    qs = ArticleFile.objects.filter(article=article, pk=pk)
    if not reads_working_text(fetched_by):
        qs = qs.filter(added_in__lte=article.published_version or 0)
    item = qs.first()
    if item is None:
        raise NotFound(_("No such file."))
    item.article = article
    return item


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
    *,
    q: str = "",
    fetched_by,
    status: str | None = None,
    needs_review: bool = False,
    limit: int = 50,
) -> list[Article]:
    """The articles ``fetched_by`` may read that match ``q`` (all of them when ``q`` is
    empty), best first; ``status``: of that status only; ``needs_review``: only those
    flagged stale (staff)."""
    qs = _visible(fetched_by)
    if needs_review:
        if not reads_working_text(fetched_by):
            return []
        qs = qs.filter(needs_review=True)
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
    each (CASEs solved and problems solved without a CASE; the portal's FAQ); the groups in
    order of their most used article."""
    qs = (
        policy.visible(fetched_by, Article)
        .filter(visibility=Visibility.PUBLIC, published_version__isnull=False)
        .exclude(status=ArticleStatus.RETIRED)
        .alias(used=F("solved_count") + F("deflection_count"))
        .order_by("-used", "-solved_count", "-published_at", "-id")
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


# --- suggestions while typing -----------------------------------------------------------------

SUGGESTIONS = 5


def _typing_terms(q: str) -> list[Term]:
    """``query_terms`` of text still being typed: its last Latin word is a prefix
    (``stack pers`` finds ``persistent``); a Han run at the end matches as it is (its
    bigrams begin words already)."""
    terms = query_terms(q)
    if terms and not terms[-1].prefix and terms[-1].tokens[-1].isascii():
        terms[-1] = Term(terms[-1].tokens, prefix=True)
    return terms


# Up to this many matching articles, PostgreSQL is given their ids (it then reads just
# those articles, by primary key, and sorts them); above, the match stays a subquery and the
# planner walks ``knowledge_live_used`` (the live articles, most used first) probing each.
FEW_IDS = 3000


def _matches(terms: list[Term], *, working: bool, title: bool):
    """A filter of the articles matching ``terms`` (in the working title too, if
    ``title``: for ranking only, what a reader gets is matched on what they may read)."""
    if connection.vendor != "postgresql":
        sql, params = _matching_ids(terms, working=working)
        if not title:
            return {"pk__in": RawSQL(sql, params)}
        columns = "title" if working else "published"
        # The working title ranks (``title``), the readable text decides (``published``).
        query = f"({{title}} : ({fts5_query(terms)})) AND ({{{columns}}} : ({fts5_query(terms)}))"
        return {
            "pk__in": RawSQL(
                "SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH %s", [query]
            )
        }
    tsquery = pg_tsquery(terms)
    column = "(title || body)" if working else "published"
    where = f"{column} @@ %s::tsquery"
    params = [tsquery]
    if title:
        where = f"title @@ %s::tsquery AND {where}"
        params = [tsquery, tsquery]
    sql = f"SELECT article_id FROM knowledge_articledocument WHERE {where}"
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s", [*params, FEW_IDS + 1])
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) <= FEW_IDS:  # one array parameter, not thousands of placeholders
        return {"hit": RawSQL('"knowledge_article"."id" = ANY(%s)', [ids], BooleanField())}
    return {"pk__in": RawSQL(sql, params)}


def _filtered(qs: QuerySet[Article], match: dict) -> QuerySet[Article]:
    if "hit" in match:
        return qs.alias(hit=match["hit"]).filter(hit=True)
    return qs.filter(**match)


def suggestions(*, q: str, fetched_by, limit: int = SUGGESTIONS) -> list[Article]:
    """Up to ``limit`` live (published, not retired) articles ``fetched_by`` may read that
    match the text being typed ``q``: those whose title holds every term first, then the
    rest; in each, the most used (CASEs solved and problems solved without one), then the
    newest.  Customers: public articles, matched on their published text only.

    Two short queries, each a top-``limit`` of its matches: the title matches first, the
    body matches only when the titles gave fewer than ``limit``."""
    terms = _typing_terms(q or "")
    if not terms:
        return []
    limit = max(1, min(limit, 20))
    working = reads_working_text(fetched_by)
    live = (
        policy.visible(fetched_by, Article)
        .filter(published_version__isnull=False)
        .exclude(status=ArticleStatus.RETIRED)
        .alias(used=F("solved_count") + F("deflection_count"))
        .order_by("-used", "-published_at", "-id")
        .only(
            "pk",
            "title",
            "published_title",
            "product",
            "visibility",
            "solved_count",
            "deflection_count",
        )
    )
    found = list(_filtered(live, _matches(terms, working=working, title=True))[:limit])
    if len(found) < limit:
        rest = _filtered(live, _matches(terms, working=working, title=False))
        found += list(rest.exclude(pk__in=[a.pk for a in found])[: limit - len(found)])
    return found


# --- how articles are used --------------------------------------------------------------------


def links_of_case(case: Case, *, fetched_by) -> list[ArticleCaseLink]:
    """The articles linked as having solved ``case`` (staff), oldest link first."""
    if not reads_working_text(fetched_by):
        return []
    visible = policy.visible(fetched_by, Article).values("pk")
    return list(
        ArticleCaseLink.objects.filter(case=case, article__in=visible)
        .select_related("article", "linked_by")
        .order_by("linked_at", "id")
    )


def cases_solved_by(article: Article, *, fetched_by, limit: int = 20) -> list[ArticleCaseLink]:
    """The CASEs ``article`` solved that ``fetched_by`` may see, newest link first."""
    if not reads_working_text(fetched_by):
        return []
    cases = policy.visible(fetched_by, Case).values("pk")
    return list(
        ArticleCaseLink.objects.filter(article=article, case__in=cases)
        .select_related("case")
        .order_by("-linked_at", "-id")[:limit]
    )


def _month_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, 1, tzinfo=clock.desk_zone())


@dataclasses.dataclass(frozen=True)
class DeflectionCounts:
    month: str  # YYYY-MM, in the desk's time zone
    total: int
    top: list[tuple[Article, int]]


def deflections(*, fetched_by, month: dt.date | None = None, top: int = 5) -> DeflectionCounts:
    """Problems solved without a CASE in ``month`` (the one holding that day; this month
    by default): how many, and the articles that solved most.  Staff only (zero else)."""
    day = month or clock.local(clock.now()).date()
    start = _month_start(day)
    end = _month_start((start + dt.timedelta(days=32)).date())
    label = f"{start:%Y-%m}"
    if not reads_working_text(fetched_by) or not policy.can(fetched_by, KnowledgeAction.VIEW):
        return DeflectionCounts(label, 0, [])
    rows = Deflection.objects.filter(at__gte=start, at__lt=end)
    total = rows.count()
    best = list(
        rows.values("article").annotate(n=Count("id")).order_by("-n", "article")[: max(top, 0)]
    )
    articles = policy.visible(fetched_by, Article).in_bulk([r["article"] for r in best])
    return DeflectionCounts(
        label, total, [(articles[r["article"]], r["n"]) for r in best if r["article"] in articles]
    )


def deflections_by_month(*, fetched_by, article: Article | None = None) -> list[tuple[str, int]]:
    """Problems solved without a CASE per month (``YYYY-MM`` in the desk's time zone,
    oldest first), of ``article`` or of all articles.  Staff only (nothing else)."""
    if not reads_working_text(fetched_by) or not policy.can(fetched_by, KnowledgeAction.VIEW):
        return []
    rows = Deflection.objects.all()
    if article is not None:
        rows = rows.filter(article=article)
    counted = (
        rows.annotate(month=TruncMonth("at", tzinfo=clock.desk_zone()))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    return [(f"{r['month']:%Y-%m}", r["n"]) for r in counted]


def case_to_link(*, number: str, fetched_by: User) -> Case:
    """The CASE ``fetched_by`` links an article to: NotFound when they may not see it,
    Forbidden when they may not link."""
    case = policy.visible(fetched_by, Case).filter(number=number.strip().upper()).first()
    if case is None:
        raise NotFound(_("No CASE %(number)s.") % {"number": number})
    policy.require(fetched_by, KnowledgeAction.LINK_CASE, case)
    return case


def needing_review_count(*, fetched_by) -> int:
    """How many articles are flagged for review (staff; 0 for anyone else)."""
    if not reads_working_text(fetched_by):
        return 0
    return policy.visible(fetched_by, Article).filter(needs_review=True).count()
