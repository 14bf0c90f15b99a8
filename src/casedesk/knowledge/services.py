"""Every change to a knowledge article: one operation each, audited.

The life of an article: ``draft`` → (submit) ``in_review`` → (publish, by a reviewer who
wrote none of it: four eyes) ``published`` → (retire) ``retired``.  Every saved title or
body is a numbered ``ArticleVersion``.  Editing a published article makes a new version
and sends the article back to review; until a second person publishes it again, readers
keep the published text (``published_title``/``published_body``).  Editing a draft or an
article in review keeps its status.  A retired article is not edited.

Each operation keeps the article's search document (``ArticleDocument``, tokens by
``search.tokens``) in its transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
from collections.abc import Iterable, Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from casedesk.accounts.models import Contact, User
from casedesk.cases import attachments
from casedesk.cases.choices import Status as CaseStatus
from casedesk.cases.models import Case
from casedesk.core import audit, clock, events, policy
from casedesk.core.errors import Conflict, Forbidden, InvalidInput, TransitionNotAllowed
from casedesk.core.operations import operation
from casedesk.search.models import encode
from casedesk.search.tokens import tokens

from . import redaction
from .choices import ArticleStatus, ReviewReason, Visibility
from .events import ArticlePublished, ArticleRetired
from .models import (
    Article,
    ArticleCaseLink,
    ArticleDocument,
    ArticleFile,
    ArticleVersion,
    Deflection,
    ProductLifecycle,
)
from .policy import KnowledgeAction

MAX_TITLE = 200
MAX_BODY = 100_000
MAX_TAGS = 20
MAX_TAG = 40
MAX_PRODUCT = 100
MAX_TOKENS = 20_000
MAX_TYPED = 200
# An article not published, linked to a CASE or said to solve a problem for this long is
# stale (``article_flag_stale``).
UNUSED_FOR = dt.timedelta(days=365)
# The same customer saying the same article solved their problem again within this time
# is the same deflection (a double click, a reload), counted once.
SAME_DEFLECTION = dt.timedelta(hours=24)


# --- input ----------------------------------------------------------------------------------


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise InvalidInput(_("An article needs a title."))
    if len(title) > MAX_TITLE:
        raise InvalidInput(_("A title has at most %(n)d characters.") % {"n": MAX_TITLE})
    return title


def _body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) > MAX_BODY:
        raise InvalidInput(_("An article's body has at most %(n)d characters.") % {"n": MAX_BODY})
    return body


def _tags(tags: Iterable[str]) -> list[str]:
    if isinstance(tags, str):
        tags = tags.replace("，", ",").split(",")
    out: list[str] = []
    for tag in tags:
        tag = " ".join(str(tag).split())
        if not tag:
            continue
        if len(tag) > MAX_TAG:
            raise InvalidInput(_("A tag has at most %(n)d characters.") % {"n": MAX_TAG})
        if tag.lower() not in (t.lower() for t in out):
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise InvalidInput(_("An article has at most %(n)d tags.") % {"n": MAX_TAGS})
    return out


def _product(product: str) -> str:
    product = " ".join((product or "").split())
    if len(product) > MAX_PRODUCT:
        raise InvalidInput(
            _("A product or platform has at most %(n)d characters.") % {"n": MAX_PRODUCT}
        )
    return product


def _visibility(visibility: str) -> str:
    if visibility not in Visibility.values:
        raise InvalidInput(
            _("Visibility is one of: %(values)s.") % {"values": ", ".join(Visibility.values)}
        )
    return visibility


# --- the index -------------------------------------------------------------------------------


def _index(article: Article) -> None:
    """The article's tokens, in the form its columns store (``search.models.encode``)."""
    extra = " ".join([article.product, *article.tags])
    published = f"{article.published_title}\n{article.published_body}\n{extra}"
    vendor = connection.vendor
    ArticleDocument.objects.update_or_create(
        article=article,
        defaults={
            "title": encode(tokens(article.title)[:MAX_TOKENS], "A", vendor),
            "body": encode(tokens(f"{article.body}\n{extra}")[:MAX_TOKENS], "B", vendor),
            "published": encode(
                tokens(published)[:MAX_TOKENS] if article.published_version else [], "C", vendor
            ),
        },
    )


def _version(article: Article, by: User, files_added: list[str] | None = None) -> ArticleVersion:
    return ArticleVersion.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        body=article.body,
        written_by=by,
        written_at=clock.now(),
        files_added=files_added or [],
    )


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


# --- the operations --------------------------------------------------------------------------


@operation
def article_create(
    *,
    title: str,
    body: str = "",
    tags: Iterable[str] = (),
    product: str = "",
    visibility: str = Visibility.INTERNAL,
    case: Case | None = None,
    redactions: list[dict] | None = None,
    by: User,
) -> Article:
    """A draft, version 1, written by ``by``; ``case``: the CASE it was drawn from."""
    policy.require(by, KnowledgeAction.WRITE)
    now = clock.now()
    article = Article.objects.create(
        title=_title(title),
        body=_body(body),
        tags=_tags(tags),
        product=_product(product),
        visibility=_visibility(visibility),
        author=by,
        case=case,
        redactions=redactions or [],
        created_at=now,
        updated_at=now,
    )
    _version(article, by)
    _index(article)
    audit.record(
        action="article.create",
        obj=article,
        actor=by,
        after={
            "title": article.title,
            "status": article.status,
            "visibility": article.visibility,
            "tags": article.tags,
            "product": article.product,
            "case": case.number if case else None,
        },
    )
    return article


@operation
def article_update(
    *,
    article: Article,
    title: str | None = None,
    body: str | None = None,
    tags: Iterable[str] | None = None,
    product: str | None = None,
    visibility: str | None = None,
    by: User,
) -> Article:
    """A new version when the title or body changed; a published article goes back to
    review (its readers keep the published text meanwhile)."""
    policy.require(by, KnowledgeAction.WRITE, article)
    article = _locked(article)
    if article.status == ArticleStatus.RETIRED:
        raise TransitionNotAllowed(_("A retired article is not edited."))
    before = {
        "title": article.title,
        "tags": article.tags,
        "product": article.product,
        "visibility": article.visibility,
        "status": article.status,
        "version": article.version,
    }
    new_title = _title(title) if title is not None else article.title
    new_body = _body(body) if body is not None else article.body
    text_changed = new_title != article.title or new_body != article.body
    if tags is not None:
        article.tags = _tags(tags)
    if product is not None:
        article.product = _product(product)
    if visibility is not None:
        article.visibility = _visibility(visibility)
    article.title, article.body = new_title, new_body
    if text_changed:
        article.version += 1
        _version(article, by)
        if article.status == ArticleStatus.PUBLISHED:
            article.status = ArticleStatus.IN_REVIEW
    article.updated_at = clock.now()
    article.save()
    _index(article)
    audit.record(
        action="article.update",
        obj=article,
        actor=by,
        before=before,
        after={
            "title": article.title,
            "tags": article.tags,
            "product": article.product,
            "visibility": article.visibility,
            "status": article.status,
            "version": article.version,
        },
    )
    return article


@operation
def article_submit(*, article: Article, by: User) -> Article:
    """A draft goes to review."""
    policy.require(by, KnowledgeAction.WRITE, article)
    article = _locked(article)
    if article.status != ArticleStatus.DRAFT:
        raise TransitionNotAllowed(_("Only a draft is submitted for review."))
    article.status, article.updated_at = ArticleStatus.IN_REVIEW, clock.now()
    article.save(update_fields=["status", "updated_at"])
    audit.record(
        action="article.submit",
        obj=article,
        actor=by,
        before={"status": ArticleStatus.DRAFT},
        after={"status": article.status, "version": article.version},
    )
    return article


def _writers_since_publication(article: Article) -> set[int]:
    versions = ArticleVersion.objects.filter(article=article)
    if article.published_version:
        versions = versions.filter(number__gt=article.published_version)
    return set(versions.values_list("written_by_id", flat=True)) | {article.author_id}


@operation
def article_publish(*, article: Article, by: User) -> Article:
    """An article in review is published by a reviewer who wrote none of it (four eyes)."""
    policy.require(by, KnowledgeAction.VIEW, article)
    if article.author_id == by.pk:
        raise Forbidden(_("You wrote this article: another reviewer must publish it (four eyes)."))
    policy.require(by, KnowledgeAction.PUBLISH, article)
    article = _locked(article)
    if article.status != ArticleStatus.IN_REVIEW:
        raise TransitionNotAllowed(
            _("Only an article in review is published (it is %(status)s).")
            % {"status": ArticleStatus(article.status).label}
        )
    if by.pk in _writers_since_publication(article):
        raise Forbidden(
            _("You wrote part of this version: another reviewer must publish it (four eyes).")
        )
    now = clock.now()
    before = {"status": article.status, "published_version": article.published_version}
    article.status = ArticleStatus.PUBLISHED
    article.reviewer = by
    article.published_version = article.version
    article.published_title, article.published_body = article.title, article.body
    article.published_at = article.published_at or now
    article.updated_at = article.last_used_at = now
    article.needs_review, article.review_reason = False, ""
    article.save()
    _index(article)
    audit.record(
        action="article.publish",
        obj=article,
        actor=by,
        before=before,
        after={"status": article.status, "published_version": article.published_version},
    )
    events.publish(ArticlePublished(article=article, by=by))
    return article


@operation
def article_retire(*, article: Article, reason: str = "", by: User) -> Article:
    """Taken out of use: nobody but staff reads it any more."""
    policy.require(by, KnowledgeAction.REVIEW, article)
    article = _locked(article)
    if article.status == ArticleStatus.RETIRED:
        raise TransitionNotAllowed(_("This article is retired already."))
    before = {"status": article.status}
    article.status, article.updated_at = ArticleStatus.RETIRED, clock.now()
    article.save(update_fields=["status", "updated_at"])
    _index(article)
    audit.record(
        action="article.retire",
        obj=article,
        actor=by,
        before=before,
        after={"status": article.status},
        data={"reason": reason.strip()[:500]},
    )
    events.publish(ArticleRetired(article=article, by=by))
    return article


# --- files on an article ----------------------------------------------------------------------
# Checked by the CASE attachments' rules (``cases.attachments``: the type allowlist, the size
# and count limits), stored under MEDIA_ROOT with random names, served only by the
# permission-checked views.  Adding files makes a version (its text unchanged, the files
# named) and sends a published article back to review: customers see a file only once a
# second person has published a version that includes it.  Removing one takes effect at
# once (a file that should not be there must go now), audited.


def _store_file(
    article: Article, upload: UploadedFile, name: str, *, by: User, stored: list[ArticleFile]
) -> ArticleFile:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    item = ArticleFile(
        article=article,
        name=name,
        size=upload.size or 0,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        sha256=digest.hexdigest(),
        added_in=article.version,
        uploaded_by=by,
        uploaded_at=clock.now(),
    )
    item.file.save(name, upload, save=False)
    stored.append(item)
    item.save(force_insert=True)
    return item


@operation
def article_attach(
    *, article: Article, uploads: Sequence[UploadedFile], by: User
) -> list[ArticleFile]:
    """Add files to an article (whoever may edit it, unless it is retired): all or none."""
    policy.require(by, KnowledgeAction.WRITE, article)
    names = attachments.check_uploads(uploads)
    if not names:
        raise InvalidInput(_("Choose a file to attach."))
    article = _locked(article)
    if article.status == ArticleStatus.RETIRED:
        raise TransitionNotAllowed(_("A retired article is not edited."))
    before = {"status": article.status, "version": article.version}
    article.version += 1
    if article.status == ArticleStatus.PUBLISHED:
        article.status = ArticleStatus.IN_REVIEW
    article.updated_at = clock.now()
    article.save(update_fields=["version", "status", "updated_at"])
    _version(article, by, files_added=names)
    stored: list[ArticleFile] = []
    try:
        for upload, name in zip(uploads, names, strict=True):
            _store_file(article, upload, name, by=by, stored=stored)
    except BaseException:
        for item in stored:
            item.file.delete(save=False)
        raise
    audit.record(
        action="article.attach",
        obj=article,
        actor=by,
        before=before,
        after={"status": article.status, "version": article.version},
        data={"files": [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in stored]},
    )
    return stored


@operation
def article_file_remove(*, item: ArticleFile, by: User) -> Article:
    """Take a file off its article (whoever may edit the article): gone for every reader at
    once; the stored file is deleted once the removal is committed."""
    policy.require(by, KnowledgeAction.WRITE, item.article)
    article = _locked(item.article)
    item = ArticleFile.objects.select_for_update().get(pk=item.pk)
    stored_name = item.file.name or ""
    storage = item.file.storage
    data = {"name": item.name, "size": item.size, "sha256": item.sha256, "added_in": item.added_in}
    item.delete()
    article.updated_at = clock.now()
    article.save(update_fields=["updated_at"])
    audit.record(action="article.file_remove", obj=article, actor=by, data=data)
    if stored_name:
        transaction.on_commit(lambda: storage.delete(stored_name))
    return article


# --- a draft from a solved CASE ---------------------------------------------------------------


def known_customer(case: Case) -> redaction.Known:
    """What the desk knows of the CASE's customer: the details the redaction removes."""
    org = case.organization
    contacts = list(
        Contact.objects.filter(organization=org).values_list("name", "phone", "email", "address")
    )
    people = User.objects.filter(organization=org)
    names = [case.caller_name, *(c[0] for c in contacts)]
    names += [u.get_full_name() for u in people]
    return redaction.Known(
        names=tuple(n for n in names if n),
        companies=tuple(c for c in (org.name, case.caller_company) if c),
        addresses=tuple(
            a for a in (org.address, case.caller_address, *(c[3] for c in contacts)) if a
        ),
        serials=tuple(s for s in (case.serial_number,) if s),
        phones=tuple(p for p in (org.phone, case.caller_phone, *(c[1] for c in contacts)) if p),
        emails=tuple(e for e in (case.caller_email, *(c[2] for c in contacts)) if e),
    )


def draft_text(case: Case) -> tuple[str, str, list[redaction.Removal]]:
    """The title and Markdown body an article drawn from ``case`` starts with, without the
    customer's details, and what was removed."""
    product = " ".join(x for x in (case.hardware_platform, case.software_version) if x)
    texts, removed = redaction.redact_all(
        {
            "title": case.title,
            "problem": case.description,
            "solution": case.solution,
            "product": product,
        },
        known_customer(case),
    )
    problem, version, solution = _("Problem"), _("Product / version"), _("Solution")
    parts = [
        f"**{problem}**",
        "",
        texts["problem"] or "—",
        "",
        f"**{version}**",
        "",
        texts["product"] or "—",
        "",
        f"**{solution}**",
        "",
        texts["solution"] or "—",
    ]
    title = texts["title"] or _("Solution of %(number)s") % {"number": case.number}
    return title[:MAX_TITLE], "\n".join(parts), removed


@operation
def article_draft_from_case(*, case: Case, by: User) -> Article:
    """A draft from a resolved or closed CASE: its title, problem, product/version and
    solution with the customer's details removed (listed on the article for its author).
    The CASE's files are not copied: they may hold customer data (the page says so)."""
    policy.require(by, KnowledgeAction.DRAFT_FROM_CASE, case)
    if case.status not in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        raise TransitionNotAllowed(
            _("Only a resolved or closed CASE becomes an article (%(number)s is not).")
            % {"number": case.number}
        )
    title, body, removed = draft_text(case)
    return article_create(
        title=title,
        body=body,
        product=redaction.redact(case.hardware_platform, known_customer(case)).text,
        case=case,
        redactions=[{"kind": r.kind, "original": r.original} for r in removed],
        by=by,
    )


# --- use: CASEs it solved, problems solved without a CASE, stale articles --------------------


def _live(article: Article) -> None:
    if article.published_version is None or article.status == ArticleStatus.RETIRED:
        raise TransitionNotAllowed(_("Only a published article solves problems."))


@operation
def article_link_case(*, article: Article, case: Case, by: User) -> ArticleCaseLink:
    """``article`` solved ``case``: counted in its ``solved_count`` once per CASE."""
    policy.require(by, KnowledgeAction.VIEW, article)
    policy.require(by, KnowledgeAction.LINK_CASE, case)
    article = _locked(article)
    _live(article)
    if ArticleCaseLink.objects.filter(article=article, case=case).exists():
        raise Conflict(_("This article is linked to %(number)s already.") % {"number": case.number})
    now = clock.now()
    try:
        link = ArticleCaseLink.objects.create(
            article=article, case=case, linked_by=by, linked_at=now
        )
    except IntegrityError as exc:  # a concurrent link of the same pair
        raise Conflict(
            _("This article is linked to %(number)s already.") % {"number": case.number}
        ) from exc
    Article.objects.filter(pk=article.pk).update(
        solved_count=F("solved_count") + 1, last_used_at=now
    )
    audit.record(
        action="article.link_case",
        obj=article,
        actor=by,
        data={"case": case.number, "solved_count": article.solved_count + 1},
    )
    return link


def _typed(typed: str) -> str:
    return " ".join((typed or "").split())[:MAX_TYPED]


@operation
def deflection_create(*, article: Article, typed: str = "", by: User) -> Deflection:
    """A customer says ``article`` solved their problem (``typed``: what they had typed in
    the "report a problem" title, if they came from there): no CASE is opened.  The same
    customer and article again within ``SAME_DEFLECTION`` is the same deflection."""
    policy.require(by, KnowledgeAction.VIEW, article)
    policy.require(by, KnowledgeAction.DEFLECT, article)
    article = _locked(article)
    _live(article)
    now = clock.now()
    earlier = (
        Deflection.objects.filter(article=article, customer=by, at__gt=now - SAME_DEFLECTION)
        .order_by("-at")
        .first()
    )
    if earlier is not None:
        return earlier
    deflection = Deflection.objects.create(
        article=article,
        customer=by,
        organization_id=by.organization_id,
        typed=_typed(typed),
        at=now,
    )
    Article.objects.filter(pk=article.pk).update(
        deflection_count=F("deflection_count") + 1, last_used_at=now
    )
    audit.record(
        action="deflection.create",
        obj=deflection,
        actor=by,
        data={
            "article": article.pk,
            "organization": by.organization.code if by.organization is not None else None,
            "typed": deflection.typed,
        },
    )
    return deflection


def _end_of_life_reached(today: dt.date) -> list[ProductLifecycle]:
    return list(ProductLifecycle.objects.filter(eol_on__lte=today))


def _at_end_of_life(article: Article, ended: list[ProductLifecycle]) -> bool:
    product = article.product.casefold()
    if not product:
        return False
    tags = {t.casefold() for t in article.tags}
    for life in ended:
        name, version = life.product.casefold(), life.version.casefold()
        if not version and product == name:
            return True
        if version and (product == f"{name} {version}" or (product == name and version in tags)):
            return True
    return False


@operation
def article_flag_stale(*, by: User | None = None) -> list[Article]:
    """Mark for review every published article not used (published, linked to a CASE,
    said to solve a problem) for ``UNUSED_FOR``, or whose product's version reached its end
    of life.  ``by``: None for the nightly run.  The articles flagged now, each audited."""
    if by is not None:
        policy.require(by, KnowledgeAction.REVIEW)
    now = clock.now()
    live = Article.objects.filter(published_version__isnull=False, needs_review=False).exclude(
        status=ArticleStatus.RETIRED
    )
    reasons: dict[int, str] = {}
    ended = _end_of_life_reached(clock.local(now).date())
    if ended:
        names = {life.product.casefold() for life in ended}
        names |= {f"{life.product} {life.version}".casefold() for life in ended}
        match = Q()
        for name in names:
            match |= Q(product__iexact=name)
        for article in live.filter(match).only("pk", "product", "tags"):
            if _at_end_of_life(article, ended):
                reasons[article.pk] = ReviewReason.END_OF_LIFE
    unused = live.alias(used=Coalesce("last_used_at", "published_at", "created_at")).filter(
        used__lt=now - UNUSED_FOR
    )
    for pk in unused.values_list("pk", flat=True):
        reasons.setdefault(pk, ReviewReason.UNUSED)
    flagged: list[Article] = []
    pks = sorted(reasons)
    for start in range(0, len(pks), 500):  # a nightly run may flag thousands
        chunk = pks[start : start + 500]
        for reason in (ReviewReason.END_OF_LIFE, ReviewReason.UNUSED):
            Article.objects.filter(pk__in=[pk for pk in chunk if reasons[pk] == reason]).update(
                needs_review=True, review_reason=reason
            )
        done = list(Article.objects.filter(pk__in=chunk).order_by("pk"))
        audit.record_all(
            [
                audit.build(
                    action="article.flag_stale",
                    obj=article,
                    actor=by,
                    before={"needs_review": False},
                    after={"needs_review": True, "review_reason": article.review_reason},
                )
                for article in done
            ]
        )
        flagged += done
    return flagged


@operation
def article_confirm(*, article: Article, by: User) -> Article:
    """A reviewer read a flagged article and it still holds: not stale for another year."""
    policy.require(by, KnowledgeAction.REVIEW, article)
    article = _locked(article)
    if not article.needs_review:
        raise TransitionNotAllowed(_("This article is not flagged for review."))
    before = {"needs_review": True, "review_reason": article.review_reason}
    article.needs_review, article.review_reason = False, ""
    article.last_used_at = clock.now()
    article.save(update_fields=["needs_review", "review_reason", "last_used_at"])
    audit.record(
        action="article.confirm",
        obj=article,
        actor=by,
        before=before,
        after={"needs_review": False, "review_reason": ""},
    )
    return article
