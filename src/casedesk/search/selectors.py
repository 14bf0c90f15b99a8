"""Reads of the search index: which CASEs match a query, and how well.

A CASE matches when its document holds every term of the query (``tokens.query_terms``:
a phrase of bigrams for Chinese, whole words for Latin text).  Relevance is by where the
terms are, then newest first: all in the title (2 + 1), all in the title and the rest of
the record (1), or only with the help of work logs (0).  Customers' searches never look
at internal work logs.  The one query form per database lives here.
"""

from __future__ import annotations

from django.db.models import BooleanField, F, Func, IntegerField, QuerySet, Value

from casedesk.cases.models import Case

from .tokens import Term, query_terms

TABLE = "search_casedocument"
# Must equal the GIN index's expression (migrations/0002_index.py).
PG_DOCUMENT = "(title || body || logs || internal)"
PG_PUBLIC = "(title || body || logs)"
PG_HEAD = "(title || body)"


def pg_tsquery(terms: list[Term]) -> str:
    """The terms as a ``tsquery`` literal: phrases with ``<->``, prefixes with ``:*``."""
    parts = []
    for term in terms:
        words = [f"'{t}'" for t in term.tokens]
        if term.prefix:
            words[-1] += ":*"
        parts.append(words[0] if len(words) == 1 else f"({' <-> '.join(words)})")
    return " & ".join(parts)


def fts5_query(terms: list[Term], columns: str | None = None) -> str:
    """The terms as an FTS5 query, limited to ``columns`` (space-separated) if given."""
    expr = " AND ".join(f'"{" ".join(t.tokens)}"' + (" *" if t.prefix else "") for t in terms)
    return f"{{{columns}}} : ({expr})" if columns else expr


class _Matches(Func):
    """True when the CASE (its primary key is the one argument) matches ``terms``."""

    output_field = BooleanField()

    def __init__(self, terms: list[Term], *, public: bool) -> None:
        super().__init__(F("pk"))
        self.terms = terms
        self.public = public

    def as_sql(self, compiler, connection, **extra_context):
        pk, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            query = pg_tsquery(self.terms)
            sql = f"SELECT case_id FROM {TABLE} WHERE {PG_DOCUMENT} @@ %s::tsquery"
            args = [query]
            if self.public:
                sql += f" AND {PG_PUBLIC} @@ %s::tsquery"
                args.append(query)
        else:
            columns = "title body logs" if self.public else None
            sql = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
            args = [fts5_query(self.terms, columns)]
        return f"{pk} IN ({sql})", [*params, *args]


class _Score(Func):
    """How well the CASE matches: 3 all terms in the title, 1 in title and record, else 0."""

    output_field = IntegerField()

    def __init__(self, terms: list[Term]) -> None:
        super().__init__(F("pk"))
        self.terms = terms

    def as_sql(self, compiler, connection, **extra_context):
        pk, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            query = pg_tsquery(self.terms)
            sql = (
                f"(SELECT CASE WHEN d.title @@ q THEN 3 WHEN {PG_HEAD} @@ q THEN 1 ELSE 0 END "
                f"FROM {TABLE} d, CAST(%s AS tsquery) q WHERE d.case_id = {pk})"
            )
            return sql, [query, *params]
        match = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
        sql = f"(CASE WHEN {pk} IN ({match}) THEN 3 WHEN {pk} IN ({match}) THEN 1 ELSE 0 END)"
        title, head = fts5_query(self.terms, "title"), fts5_query(self.terms, "title body")
        return sql, [*params, title, *params, head]


def search_cases(qs: QuerySet[Case], q: str, *, public: bool = False) -> QuerySet[Case]:
    """The CASEs of ``qs`` that match ``q``, annotated with ``search_score`` and ordered
    by it, then newest first.  ``public``: match only what a customer may read (no
    internal work logs).  A query with nothing to search for (punctuation) matches none.
    """
    terms = query_terms(q)
    if not terms:
        return qs.none().annotate(search_score=Value(0, output_field=IntegerField()))
    qs = qs.filter(_Matches(terms, public=public))
    return qs.annotate(search_score=_Score(terms)).order_by("-search_score", "-created_at", "-id")
