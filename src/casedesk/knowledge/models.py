"""Knowledge articles, their versions and their search documents.  Changed only by
``knowledge.services``.

``title``/``body`` are the working text (the latest version); ``published_title``/
``published_body`` what readers see, copied at each publication: an edit of a published
article goes back to review while the customers keep reading the published text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from casedesk.cases.models import Case
from casedesk.search.models import TokensField

from .choices import ArticleStatus, Visibility


class Article(models.Model):
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    product = models.CharField(_("product / platform"), max_length=100, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("source CASE"),
    )
    # What drafting from the CASE removed: [{"kind", "original"}] (shown to staff only).
    redactions = models.JSONField(_("removed customer details"), default=list, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    published_version = models.PositiveIntegerField(_("published version"), null=True, blank=True)
    published_title = models.CharField(_("published title"), max_length=200, blank=True)
    published_body = models.TextField(_("published body"), blank=True)
    solved_count = models.PositiveIntegerField(_("times it solved a problem"), default=0)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["status", "visibility"])]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """Every saved title and body of an article, numbered from 1."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="versions", verbose_name=_("article")
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="knowledge_version_unique")
        ]
        ordering = ["article", "number"]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class ArticleDocument(models.Model):
    """What search matches in an article (``search.tokens``): its working title and body
    (staff), and its published text (everyone who may read it).  On PostgreSQL tsvectors
    under GIN indexes, on SQLite an FTS5 table kept by triggers (migration 0002)."""

    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("article"),
    )
    title = TokensField(_("title"), weight="A")
    body = TokensField(_("body"), weight="B")
    published = TokensField(_("published text"), weight="C")

    class Meta:
        verbose_name = _("article search document")
        verbose_name_plural = _("article search documents")

    def __str__(self) -> str:
        return str(self.article_id)
