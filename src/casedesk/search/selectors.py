"""Reads of the search index: which CASEs match a query, and how well; similar CASEs.

A CASE matches when its document holds every term of the query (``tokens.query_terms``:
bigrams for Chinese, whole words for Latin text, phrases where the text joins them).
Relevance: CASEs whose title alone holds every term first, then the others (description,
record, work logs), each newest first.  Customers' searches never look at internal work
logs.  The one query form per database lives here; why it has this form on PostgreSQL is
measured in docs/PERFORMANCE.md, "Search".  The PostgreSQL paths read ``search_tokenstat``
(refresh it nightly: ``casedesk reindex --stats-only``); stale counts cost time, not results.
"""

from __future__ import annotations

from math import log
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, Func, IntegerField, QuerySet, Value

from casedesk.accounts.models import User
from casedesk.cases.models import Case
from casedesk.core import policy

from .tokens import Term, is_han, query_terms, tokens

TABLE = "search_casedocument"


def pg_tsquery(terms: list[Term]) -> str:
    """The terms as a ``tsquery`` literal: phrases with ``<->``, prefixes with ``:*``.

    A Chinese term's bigrams are ANDed, not a phrase: a phrase makes PostgreSQL re-read
    (detoast) every candidate document to check positions — 400 ms for ``光模块`` in 50,000
    CASEs — while bigrams that all occur but apart (``光模组``…``模块``) are rare.  Latin
    phrases (``IOS-XE``, ``17.3.4``) keep their order.  SQLite's FTS5 checks both exactly.
    """
    parts = []
    for term in terms:
        words = [f"'{t}'" for t in term.tokens]
        if term.prefix:
            words[-1] += ":*"
        if len(words) == 1:
            parts.append(words[0])
        elif all(is_han(t[0]) for t in term.tokens):
            parts.append(f"({' & '.join(words)})")
        else:
            parts.append(f"({' <-> '.join(words)})")
    return " & ".join(parts)


def fts5_query(terms: list[Term], columns: str | None = None) -> str:
    """The terms as an FTS5 query, limited to ``columns`` (space-separated) if given."""
    expr = " AND ".join(f'"{" ".join(t.tokens)}"' + (" *" if t.prefix else "") for t in terms)
    return f"{{{columns}}} : ({expr})" if columns else expr


def _matching(terms: list[Term], customer_org: int | None, *, title: bool = False):
    """SQL and parameters of the ids of matching CASEs (whose title matches, if ``title``)."""
    if connection.vendor == "postgresql":
        # Migration 0007's functions: always from the GIN indexes, never detoasting to match.
        if title:
            return "SELECT m FROM search_title_match(%s::tsquery) m", [pg_tsquery(terms)]
        return "SELECT m FROM search_match(%s::tsquery, %s) m", [pg_tsquery(terms), customer_org]
    columns = "title" if title else "title body logs" if customer_org is not None else None
    return "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [fts5_query(terms, columns)]


# Above this many matching CASEs (an estimate from the token statistics), PostgreSQL
# hashes the matches and looks every CASE up in the hash; below, it probes the CASEs of
# the matches by primary key.
FEW_MATCHES = 5000


def _few_matches(terms: list[Term]) -> bool:
    """Whether the query's rarest whole token occurs in few documents (PostgreSQL)."""
    whole = [t for term in terms for t in (term.tokens[:-1] if term.prefix else term.tokens)]
    if not whole:
        return False
    total, df = _frequencies(whole)
    return total > 0 and min(df.get(t, 0) for t in whole) <= FEW_MATCHES


def _numbered(sql: str, args: list, number: str | None) -> tuple[str, list]:
    """``sql`` (ids of matches) with the id of the CASE numbered ``number`` added."""
    if number is None:
        return sql, args
    return f"{sql} UNION ALL SELECT id FROM {Case._meta.db_table} WHERE number = %s", [
        *args,
        number,
    ]


class _Matches(Func):
    """True when the CASE (its primary key is the one argument) matches ``terms``, or is
    the CASE numbered ``number``."""

    output_field = BooleanField()

    def __init__(
        self, terms: list[Term], customer_org: int | None, few: bool, number: str | None = None
    ) -> None:
        super().__init__(F("pk"))
        self.terms = terms
        self.customer_org = customer_org
        self.few = few
        self.number = number

    def as_sql(self, compiler, connection, **extra_context):
        pk, params = compiler.compile(self.source_expressions[0])
        sql, args = _numbered(*_matching(self.terms, self.customer_org), self.number)
        if connection.vendor == "postgresql" and not self.few:
            # Not a bare IN: the planner would make it a semi-join, guess 200 matches and
            # probe the CASE index 78,000 times (575 ms); this way the matches are hashed
            # once and each CASE looked up in the hash (which costs a pass over the CASEs,
            # more than probing when the matches are few).
            return f"COALESCE({pk} IN ({sql}), false)", [*params, *args]
        return f"{pk} IN ({sql})", [*params, *args]


class _Score(Func):
    """How well a matching CASE matches: 2 when it is the CASE numbered ``number``, 1 when
    its title alone holds every term, else 0."""

    output_field = IntegerField()

    def __init__(self, terms: list[Term], customer_org: int | None, number: str | None) -> None:
        super().__init__(F("pk"), F("number"))
        self.terms = terms
        self.customer_org = customer_org
        self.number = number

    def as_sql(self, compiler, connection, **extra_context):
        pk, params = compiler.compile(self.source_expressions[0])
        sql, args = _matching(self.terms, self.customer_org, title=True)
        if self.number is None:
            return f"(CASE WHEN {pk} IN ({sql}) THEN 1 ELSE 0 END)", [*params, *args]
        column, column_params = compiler.compile(self.source_expressions[1])
        return (
            f"(CASE WHEN {column} = %s THEN 2 WHEN {pk} IN ({sql}) THEN 1 ELSE 0 END)",
            [*column_params, self.number, *params, *args],
        )


def search_cases(
    qs: QuerySet[Case], q: str, *, customer_org: int | None = None, number: str | None = None
) -> QuerySet[Case]:
    """The CASEs of ``qs`` that match ``q``, annotated with ``search_score`` and ordered
    by it, then newest first.  ``customer_org``: a customer of that organization searches,
    who never matches on internal work logs.  ``number``: the CASE with this number (if
    in ``qs``) matches too, before all others.  A query with nothing to search for
    (punctuation) matches none.
    """
    terms = query_terms(q)
    if not terms:
        return qs.none().annotate(search_score=Value(0, output_field=IntegerField()))
    few = connection.vendor == "postgresql" and _few_matches(terms)
    qs = qs.filter(_Matches(terms, customer_org, few, number))
    return qs.annotate(search_score=_Score(terms, customer_org, number)).order_by(
        "-search_score", "-created_at", "-id"
    )


# similar_cases: at most this many of the text's most distinctive tokens, whose documents
# together stay under the budget (bounded work whatever the text), and none found in more
# than COMMON_SHARE of all documents (故障, 客户: they say nothing about the problem).
SIMILAR_TOKENS = 12
SIMILAR_BUDGET = 4000
COMMON_SHARE = 0.05


def _frequencies(candidates: list[str]) -> tuple[int, dict[str, int]]:
    """The number of documents, and in how many each of ``candidates`` occurs."""
    marks = ", ".join(["%s"] * len(candidates))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT token, documents FROM search_tokenstat WHERE token IN ('', {marks})",
                candidates,
            )
            found = dict(cursor.fetchall())
            total = found.pop("", 0)
        else:
            cursor.execute(
                f"SELECT term, doc FROM search_fts_vocab WHERE term IN ({marks})", candidates
            )
            found = dict(cursor.fetchall())
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            total = cursor.fetchone()[0]
    return total, found


def _distinctive(text: str) -> list[tuple[str, float]]:
    """The text's most distinctive tokens with their weights (inverse document frequency)."""
    # Not single characters: lone Han characters and letters say little.
    candidates = list(dict.fromkeys(t for t in tokens(text) if len(t) > 1))[:200]
    if not candidates:
        return []
    total, df = _frequencies(candidates)
    total = max(total, 1)
    order = {t: i for i, t in enumerate(candidates)}
    ranked = sorted(candidates, key=lambda t: (df.get(t, 0), order[t]))
    chosen: list[tuple[str, float]] = []
    spent = 0
    for token in ranked:
        count = df.get(token, 0)
        if count > COMMON_SHARE * total and total >= 100:
            break
        if chosen and spent + count > SIMILAR_BUDGET:
            break
        spent += count
        chosen.append((token, log((total + 1) / (count + 1)) + 1))
        if len(chosen) == SIMILAR_TOKENS:
            break
    return chosen


def _seen_by(fetched_by: User | None) -> tuple[str, tuple[Any, ...]] | None:
    """The SQL condition on ``c.id`` (a CASE of ``cases_case c``) that keeps the CASEs
    ``fetched_by`` may see: ``("", ())`` for a reader who sees them all (staff, the system:
    no condition, no cost), None for one who sees none."""
    seen = policy.visible(fetched_by, Case)
    if seen.query.is_empty():
        return None
    if not seen.query.where:
        return "", ()
    sql, params = seen.values("pk").order_by().query.sql_with_params()
    return f"AND c.id IN ({sql}) ", tuple(params)


def similar_cases(
    text: str,
    *,
    fetched_by: User | None,
    exclude_case_id: int | None = None,
    statuses: tuple[str, ...] = ("resolved", "closed"),
    limit: int = 20,
) -> list[tuple[int, float]]:
    """``(case id, score)`` of the CASEs in ``statuses`` most like ``text`` that
    ``fetched_by`` may see (None: the system, all of them), best first.

    The score (0–1) is the share of the text's distinctive tokens (bigrams, words; weighted
    by how rare they are in all documents) that the CASE's title holds; ties go to the
    newer CASE.  One query over at most ``SIMILAR_BUDGET`` titles, whatever the text.
    """
    seen = _seen_by(fetched_by)
    if seen is None or not statuses:
        return []
    chosen = _distinctive(text)
    if not chosen:
        return []
    seen_sql, seen_params = seen
    full = sum(w for _, w in chosen)
    status_marks = ", ".join(["%s"] * len(statuses))
    exclude = -1 if exclude_case_id is None else exclude_case_id
    if connection.vendor == "postgresql":
        # Titles only: their tsvector is inline (no detoasting whichever plan is taken) and
        # has its own GIN index; whole documents cost 60 ms or, when the planner prefers
        # to scan, 450 ms.
        unions = " UNION ALL ".join(
            [f"SELECT case_id, %s::float8 AS w FROM {TABLE} WHERE title @@ %s::tsquery"]
            * len(chosen)
        )
        params: list[Any] = [p for token, w in chosen for p in (w, f"'{token}'")]
        sql = (
            f"SELECT m.case_id, SUM(m.w) AS s FROM ({unions}) m "
            "JOIN cases_case c ON c.id = m.case_id "
            f"WHERE c.status IN ({status_marks}) AND c.id <> %s {seen_sql}"
            "GROUP BY m.case_id ORDER BY s DESC, m.case_id DESC LIMIT %s"
        )
    else:
        unions = " UNION ALL ".join(
            ["SELECT rowid AS case_id, %s AS w FROM search_fts WHERE search_fts MATCH %s"]
            * len(chosen)
        )
        params = [p for token, w in chosen for p in (w, f'{{title}} : "{token}"')]
        sql = (
            f"SELECT m.case_id, SUM(m.w) AS s FROM ({unions}) m "
            "JOIN cases_case c ON c.id = m.case_id "
            f"WHERE c.status IN ({status_marks}) AND c.id <> %s {seen_sql}"
            "GROUP BY m.case_id ORDER BY s DESC, m.case_id DESC LIMIT %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *statuses, exclude, *seen_params, limit])
        return [(case_id, round(score / full, 4)) for case_id, score in cursor.fetchall()]
