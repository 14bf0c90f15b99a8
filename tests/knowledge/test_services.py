"""The operations of knowledge: versions, four eyes, transitions, audit, search index."""

from __future__ import annotations

import pytest

from casedesk.core.audit import AuditRecord
from casedesk.core.errors import Forbidden, InvalidInput, NotFound, TransitionNotAllowed
from casedesk.knowledge import selectors, services
from casedesk.knowledge.models import Article, ArticleVersion
from tests.accounts.factories import make_user
from tests.cases.factories import make_case
from tests.knowledge.factories import make_article, resolved_case

pytestmark = pytest.mark.django_db


def test_create_writes_version_one_and_audits():
    author = make_user("engineer")
    article = services.article_create(
        title="  光模块  更换步骤 ", body="先关机", tags=["光模块", "光模块", "SFP"], by=author
    )
    assert article.title == "光模块 更换步骤"
    assert article.status == "draft" and article.tags == ["光模块", "SFP"]
    [version] = ArticleVersion.objects.filter(article=article)
    assert (version.number, version.body, version.written_by) == (1, "先关机", author)
    assert AuditRecord.objects.filter(action="article.create").count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "   "},
        {"title": "x" * 201},
        {"title": "ok", "visibility": "secret"},
        {"title": "ok", "tags": ["x" * 41]},
        {"title": "ok", "tags": [f"t{i}" for i in range(21)]},
    ],
)
def test_bad_input_writes_nothing(fields):
    with pytest.raises(InvalidInput):
        services.article_create(by=make_user("engineer"), **fields)
    assert not Article.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="article.").exists()


def test_a_customer_or_call_taker_may_not_write():
    for user in (make_user("call_taker"), make_user("general_manager")):
        with pytest.raises(Forbidden):
            services.article_create(title="x", by=user)
    assert not Article.objects.exists()


def test_four_eyes_the_author_never_publishes():
    senior = make_user("engineer", tier="senior")
    article = make_article(by=senior)
    article = services.article_submit(article=article, by=senior)
    with pytest.raises(Forbidden, match="四眼原则|four eyes"):
        services.article_publish(article=article, by=senior)
    # A first-line engineer is no reviewer.
    with pytest.raises(Forbidden):
        services.article_publish(article=article, by=make_user("engineer", tier="first_line"))
    assert Article.objects.get(pk=article.pk).status == "in_review"
    supervisor = make_user("supervisor")
    article = services.article_publish(article=article, by=supervisor)
    assert article.status == "published" and article.reviewer == supervisor
    assert article.published_version == 1 and article.published_at is not None
    record = AuditRecord.objects.get(action="article.publish")
    assert record.actor_id == supervisor.pk


def test_a_reviewer_who_edited_the_version_may_not_publish_it():
    article = make_article()
    cs = make_user("cs_manager")
    article = services.article_update(article=article, body="补充一步", by=cs)
    article = services.article_submit(article=article, by=article.author)
    with pytest.raises(Forbidden, match="四眼原则|four eyes"):
        services.article_publish(article=article, by=cs)
    services.article_publish(article=article, by=make_user("admin"))


def test_publish_needs_review_first():
    article = make_article()
    with pytest.raises(TransitionNotAllowed):
        services.article_publish(article=article, by=make_user("supervisor"))


def test_editing_a_published_article_goes_back_to_review_and_keeps_the_published_text():
    article = make_article(title="旧标题", body="旧正文", published=True, visibility="public")
    article = services.article_update(
        article=article, title="新标题", body="新正文", by=article.author
    )
    assert (article.status, article.version, article.published_version) == ("in_review", 2, 1)
    assert (article.published_title, article.published_body) == ("旧标题", "旧正文")
    assert [v.number for v in selectors.versions_of(article)] == [2, 1]
    customer = make_user("customer", org=make_case().organization)
    seen = selectors.article_get(pk=article.pk, fetched_by=customer)
    assert seen.published_body == "旧正文"
    # Search: the customer matches the published text only; staff the working text.
    assert selectors.article_search(q="旧正文", fetched_by=customer) == [article]
    assert selectors.article_search(q="新正文", fetched_by=customer) == []
    assert selectors.article_search(q="新正文", fetched_by=article.author) == [article]
    article = services.article_publish(article=article, by=make_user("supervisor"))
    assert (article.published_title, article.published_version) == ("新标题", 2)
    assert selectors.article_search(q="新正文", fetched_by=customer) == [article]


def test_only_title_or_body_make_a_version():
    article = make_article(body="a")
    article = services.article_update(article=article, tags=["x"], by=article.author)
    assert article.version == 1 and ArticleVersion.objects.count() == 1


def test_retire():
    article = make_article(published=True, visibility="public")
    with pytest.raises(Forbidden):
        services.article_retire(article=article, by=make_user("engineer", tier="first_line"))
    article = services.article_retire(article=article, reason="EOL", by=make_user("cs_manager"))
    assert article.status == "retired"
    with pytest.raises(TransitionNotAllowed):
        services.article_update(article=article, body="x", by=article.author)
    with pytest.raises(TransitionNotAllowed):
        services.article_retire(article=article, by=make_user("admin"))
    customer = make_user("customer", org=make_case().organization)
    with pytest.raises(NotFound):
        selectors.article_get(pk=article.pk, fetched_by=customer)


def test_customers_read_published_public_articles_only():
    customer = make_user("customer", org=make_case().organization)
    public = make_article(title="公开文章", published=True, visibility="public")
    make_article(title="内部文章", published=True, visibility="internal")
    make_article(title="公开草稿", visibility="public")
    assert selectors.article_search(fetched_by=customer) == [public]
    assert selectors.article_search(q="文章", fetched_by=customer) == [public]
    assert len(selectors.article_search(q="文章", fetched_by=make_user("call_taker"))) == 2


def test_chinese_search_bigrams_and_latin_words():
    a = make_article(title="核心交换机堆叠分裂", body="stack-mac persistent timer")
    b = make_article(title="防火墙 HA 切换", body="光模块 SFP-10G-SR 告警")
    reader = make_user("engineer")
    assert selectors.article_search(q="堆叠", fetched_by=reader) == [a]
    assert selectors.article_search(q="交换机 堆叠", fetched_by=reader) == [a]
    assert selectors.article_search(q="PERSISTENT", fetched_by=reader) == [a]
    assert selectors.article_search(q="光模块", fetched_by=reader) == [b]
    assert selectors.article_search(q="sfp-10g", fetched_by=reader) == [b]
    assert selectors.article_search(q="路由器", fetched_by=reader) == []
    assert selectors.article_search(q="!!!", fetched_by=reader) == []
    # Title matches first.
    c = make_article(title="堆叠线缆", body="")
    d = make_article(title="其他", body="说明堆叠步骤")
    found = selectors.article_search(q="堆叠", fetched_by=reader)
    assert set(found[:2]) == {a, c} and found[2] == d


def test_draft_from_a_resolved_case_removes_the_customer():
    case = resolved_case()
    engineer = case.engineer
    article = services.article_draft_from_case(case=case, by=engineer)
    text = article.title + article.body + article.product
    for secret in (
        "王建国",
        "北京星河数据科技有限公司",
        "FOC1234X5YZ",
        "10.20.30.40",
        "138-1234-5678",
        "李工",
        "139 8765 4321",
        "张经理",
        "zhang@xinghe.example",
    ):
        assert secret not in text, secret
    assert "stack-mac persistent timer 0" in article.body
    assert "C9300-48P 17.3.4" in article.body
    assert article.case == case and article.status == "draft"
    kinds = {(r["kind"], r["original"]) for r in article.redactions}
    assert ("serial", "FOC1234X5YZ") in kinds and ("company", "北京星河数据科技有限公司") in kinds
    assert ("name", "王建国先生") in kinds and ("ip", "10.20.30.40") in kinds
    assert selectors.articles_of_case(case, fetched_by=engineer) == [article]
    record = AuditRecord.objects.get(action="article.create")
    assert case.number in record.data


def test_draft_from_an_open_case_is_refused():
    case = make_case()
    with pytest.raises(TransitionNotAllowed):
        services.article_draft_from_case(case=case, by=make_user("engineer"))
    assert not Article.objects.exists()


def test_search_reads_in_a_few_queries(django_assert_max_num_queries):
    for n in range(8):
        make_article(title=f"堆叠分裂 {n}", body="stack", published=True, visibility="public")
    reader = make_user("engineer")
    with django_assert_max_num_queries(4):
        found = selectors.article_search(q="堆叠", fetched_by=reader)
        assert [a.author.username for a in found]
    assert len(found) == 8
