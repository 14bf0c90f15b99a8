"""The search index: one document per CASE, its text as tokens (``search.tokens``).

On PostgreSQL each part is a ``tsvector`` (positions for phrases, a weight per part), and
a GIN index covers ``document``, all parts together (a column only there, written by
``search.services``, see migration 0005); on SQLite each part is the space-separated tokens
and an FTS5 table (``search_fts``, external content, kept in line by triggers) indexes
them.  Written only by ``search.services``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casedesk.cases.models import Case

# PostgreSQL keeps at most 256 positions per lexeme and positions up to 16,383.
_MAX_POSITIONS = 255
_MAX_POSITION = 16383


class TokensField(models.TextField):
    """Tokens of one part of a document: ``tsvector`` on PostgreSQL, text elsewhere.

    Written as a list of tokens (the positions are the list's), read back as the
    database's text form.
    """

    def __init__(self, *args, weight: str = "D", **kwargs):
        self.weight = weight
        kwargs.setdefault("default", "")
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["weight"] = self.weight
        kwargs.pop("default", None)
        kwargs.pop("blank", None)
        return name, path, args, kwargs

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"

    def get_placeholder(self, value, compiler, connection):
        return "%s::tsvector" if connection.vendor == "postgresql" else "%s"

    def get_db_prep_value(self, value, connection, prepared=False):
        if isinstance(value, list | tuple):
            return encode(value, self.weight, connection.vendor)
        return super().get_db_prep_value(value, connection, prepared)


def encode(tokens: list[str] | tuple[str, ...], weight: str, vendor: str) -> str:
    """``tokens`` as the column stores them: a tsvector literal, or space-separated."""
    if vendor != "postgresql":
        return " ".join(tokens)
    return tsvector([(tokens, weight)])


def tsvector(parts: list[tuple[list[str] | tuple[str, ...], str]]) -> str:
    """A tsvector literal of ``parts`` (tokens, weight) one after the other, as ``||``
    would join them."""
    positions: dict[str, list[str]] = {}
    position = 0
    for tokens, weight in parts:
        for token in tokens:
            position += 1
            seen = positions.setdefault(token, [])
            if len(seen) < _MAX_POSITIONS:
                seen.append(f"{min(position, _MAX_POSITION)}{weight}")
    # Tokens hold only letters and digits: no quote or backslash to escape.
    return " ".join(f"'{token}':{','.join(at)}" for token, at in positions.items())


class CaseDocument(models.Model):
    """What search matches in a CASE: title (most relevant), the rest of its record,
    its work logs, and its internal work logs (never searched for a customer)."""

    case = models.OneToOneField(
        Case,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("CASE"),
    )
    title = TokensField(_("title"), weight="A")
    body = TokensField(_("description and record"), weight="B")
    logs = TokensField(_("work logs"), weight="C")
    internal = TokensField(_("internal work logs"), weight="D")

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return str(self.case_id)


class TokenStat(models.Model):
    """In how many CASE documents a token occurs (PostgreSQL; SQLite reads FTS5's own
    counts): what makes a token distinctive for ``selectors.similar_cases``.  Refreshed by
    ``casedesk reindex`` (a snapshot: distinctiveness changes slowly).  The empty token
    holds the number of documents."""

    token = models.CharField(_("token"), max_length=64, primary_key=True)
    documents = models.PositiveIntegerField(_("documents"))

    class Meta:
        verbose_name = _("token statistic")
        verbose_name_plural = _("token statistics")

    def __str__(self) -> str:
        return f"{self.token}: {self.documents}"
