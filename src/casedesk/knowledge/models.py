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

from .choices import ArticleStatus, ReviewReason, Visibility


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
    # "This solved my problem" in the portal (``Deflection``): kept apart from the CASEs.
    deflection_count = models.PositiveIntegerField(_("problems solved without a CASE"), default=0)
    # The last publication, CASE linked or deflection: an article unused for a year is stale.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # Flagged by ``article_flag_stale`` (unused for a year, or its product's version at its
    # end of life); cleared when it is published again or a reviewer confirms it.
    needs_review = models.BooleanField(_("needs review"), default=False)
    review_reason = models.CharField(
        _("why it needs review"), max_length=32, choices=ReviewReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "visibility"]),
            models.Index(fields=["needs_review"], name="knowledge_needs_review"),
            # Suggestions: the live articles, most used first (``selectors.suggestions``).
            models.Index(
                (models.F("solved_count") + models.F("deflection_count")).desc(),
                models.F("published_at").desc(),
                models.F("id").desc(),
                condition=models.Q(published_version__isnull=False)
                & ~models.Q(status=ArticleStatus.RETIRED),
                name="knowledge_live_used",
            ),
        ]

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
    # The names of the files this version added (adding files makes a version).
    files_added = models.JSONField(_("files added"), default=list, blank=True)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="knowledge_version_unique")
        ]
        ordering = ["article", "number"]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


def _file_path(instance: ArticleFile, filename: str) -> str:
    """Where an article's file lies under MEDIA_ROOT: a random name, never the uploader's
    (kept in ``name``), as for a CASE's files."""
    import uuid

    return f"knowledge/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}"


class ArticleFile(models.Model):
    """A file on an article (a screenshot, a config snippet, a PDF), checked like a CASE's
    files (``cases.attachments``) and served only by permission-checked views.  Customers
    see it once a publication includes it: ``added_in`` ≤ the article's published version.
    Written only by ``knowledge.services``."""

    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="files", verbose_name=_("article")
    )
    file = models.FileField(_("file"), upload_to=_file_path, max_length=200)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The article's version that added it (adding a file makes a version).
    added_in = models.PositiveIntegerField(_("added in version"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("article file")
        verbose_name_plural = _("article files")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.article_id} {self.name}"


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


class ArticleCaseLink(models.Model):
    """ "This article solved that CASE", said by the staff on the CASE's page: what
    ``Article.solved_count`` counts."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="case_links", verbose_name=_("article")
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="article_links", verbose_name=_("CASE")
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(_("linked at"))

    class Meta:
        verbose_name = _("article that solved a CASE")
        verbose_name_plural = _("articles that solved CASEs")
        constraints = [
            models.UniqueConstraint(fields=["article", "case"], name="knowledge_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.case_id}"


class Deflection(models.Model):
    """A customer read an article and said it solved their problem: no CASE was opened."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="deflections", verbose_name=_("article")
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer"),
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    typed = models.CharField(_("what they had typed"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("problem solved without a CASE")
        verbose_name_plural = _("problems solved without a CASE")
        indexes = [models.Index(fields=["article", "at"], name="knowledge_deflection_art")]

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.at:%Y-%m-%d}"


class ProductLifecycle(models.Model):
    """A product's version and the day its support ends.  An article whose product/platform
    is ``product`` (with ``version`` among its product text or tags, when a version is
    given) needs review from ``eol_on``."""

    product = models.CharField(_("product / platform"), max_length=100)
    version = models.CharField(_("version"), max_length=60, blank=True)
    eol_on = models.DateField(_("end of life"))

    class Meta:
        verbose_name = _("product end of life")
        verbose_name_plural = _("product ends of life")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "version"], name="knowledge_lifecycle_unique"
            )
        ]
        ordering = ["product", "version"]

    def __str__(self) -> str:
        return f"{self.product} {self.version}".strip()
