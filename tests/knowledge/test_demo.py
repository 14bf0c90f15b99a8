"""The demo's knowledge base: articles grown from its solved CASEs, linked to them, and a
problem solved without a CASE."""

import datetime as dt

import pytest

from casedesk import demo
from casedesk.core import audit, clock
from casedesk.knowledge.models import Article, ArticleFile, Deflection

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 2, tzinfo=dt.UTC)


def test_the_demo_grows_articles_from_solved_cases(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with clock.frozen(NOW):
        summary = demo.load(seed=1, cases=80, now=NOW)
    assert any("knowledge articles" in line for line in summary.more)
    statuses = sorted(Article.objects.values_list("status", flat=True))
    assert statuses == ["draft", "in_review", "published", "published"]
    for article in Article.objects.select_related("case", "case__organization"):
        assert article.case is not None and article.case.status in ("resolved", "closed")
        assert article.case.organization.name not in article.body
        if article.status == "published":
            assert article.reviewer_id != article.author_id
            assert article.visibility == "public"
            assert article.solved_count == 1
            assert article.case_links.get().case_id == article.case_id
    # One published article carries a file, in its published version (customers see it).
    item = ArticleFile.objects.select_related("article").get()
    assert item.name == "排查命令.txt" and item.article.status == "published"
    assert item.added_in <= item.article.published_version
    assert b"show version" in item.file.read()
    deflection = Deflection.objects.select_related("article__case").get()
    assert deflection.organization_id != deflection.article.case.organization_id
    assert deflection.article.deflection_count == 1
    assert audit.verify().ok
