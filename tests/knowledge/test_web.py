"""The knowledge pages, in zh-hans: list and search, an article, writing, the four-eyes
buttons, drafting from a CASE's page, the portal's FAQ."""

from __future__ import annotations

import pytest

from casedesk.knowledge.models import Article
from tests.accounts.factories import make_user
from tests.cases.factories import make_case
from tests.factories import client_for, page_text
from tests.knowledge.factories import make_article, resolved_case

pytestmark = pytest.mark.django_db


def test_list_and_search_in_chinese():
    make_article(title="核心交换机堆叠分裂", product="C9300")
    make_article(title="防火墙 HA 切换")
    client = client_for(make_user("engineer"), "zh-hans")
    text = page_text(client.get("/knowledge/"))
    assert "知识库" in text and "新建文章" in text and "核心交换机堆叠分裂" in text
    text = page_text(client.get("/knowledge/", {"q": "堆叠"}))
    assert "核心交换机堆叠分裂" in text and "防火墙 HA 切换" not in text
    assert client.get("/knowledge/", {"status": "nope"}).status_code == 200


def test_write_edit_and_versions():
    author = make_user("engineer")
    client = client_for(author, "zh-hans")
    assert "新建文章" in page_text(client.get("/knowledge/new/"))
    response = client.post(
        "/knowledge/new/",
        {
            "title": "光模块更换",
            "body": "第一步",
            "product": "C9300",
            "tags": "光模块，SFP",
            "visibility": "public",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302 and article.tags == ["光模块", "SFP"]
    response = client.post(
        f"/knowledge/{article.pk}/edit/",
        {
            "title": "光模块更换",
            "body": "第二步",
            "product": "C9300",
            "tags": "",
            "visibility": "public",
        },
    )
    assert response.status_code == 302
    text = page_text(client.get(f"/knowledge/{article.pk}/"))
    assert "第 2 版" in text and "版本历史" in text and "提交审核" in text
    # Bad input: the form says why, nothing changes.
    response = client.post(
        f"/knowledge/{article.pk}/edit/", {"title": " ", "body": "", "visibility": "public"}
    )
    assert response.status_code == 200
    assert Article.objects.get().version == 2


def test_four_eyes_on_the_page():
    author = make_user("engineer", tier="senior")
    article = make_article(by=author)
    client = client_for(author, "zh-hans")
    client.post(f"/knowledge/{article.pk}/submit/")
    text = page_text(client.get(f"/knowledge/{article.pk}/"))
    assert "等待另一位审核人审核并发布" in text and ">发布</button>" not in text
    response = client.post(f"/knowledge/{article.pk}/publish/")
    assert response.status_code == 403 and "四眼原则" in page_text(response)
    reviewer = client_for(make_user("cs_manager"), "zh-hans")
    assert ">发布</button>" in page_text(reviewer.get(f"/knowledge/{article.pk}/"))
    assert reviewer.post(f"/knowledge/{article.pk}/publish/").status_code == 302
    text = page_text(reviewer.get(f"/knowledge/{article.pk}/"))
    assert "已发布" in text and "审核发布人" in text
    assert reviewer.get(f"/knowledge/{article.pk}/publish/").status_code == 405
    # Publishing again: not possible now (409), said on the page.
    response = client_for(make_user("admin"), "zh-hans").post(f"/knowledge/{article.pk}/publish/")
    assert response.status_code == 409 and "只有审核中的文章可以发布" in page_text(response)


def test_draft_from_the_case_page():
    case = resolved_case()
    client = client_for(case.engineer, "zh-hans")
    text = page_text(client.get(f"/cases/{case.number}/"))
    assert "起草知识库文章" in text
    response = client.post(f"/cases/{case.number}/article/")
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/knowledge/{article.pk}/"
    text = page_text(client.get(response["Location"]))
    assert "已从 CASE 中移除的客户信息" in text and "FOC1234X5YZ" in text  # listed, struck
    assert "[序列号]" in text
    text = page_text(client.get(f"/cases/{case.number}/"))
    assert article.title in text
    # An open CASE offers no button; posting anyway is refused.
    open_case = make_case()
    assert "起草知识库文章" not in page_text(client.get(f"/cases/{open_case.number}/"))
    assert client.post(f"/cases/{open_case.number}/article/").status_code == 409


def test_portal_faq_by_product_most_solved_first():
    org = make_case().organization
    customer = make_user("customer", org=org)
    a = make_article(title="堆叠分裂处理", product="C9300", published=True, visibility="public")
    Article.objects.filter(pk=a.pk).update(solved_count=5)
    make_article(title="堆叠升级", product="C9300", published=True, visibility="public")
    make_article(title="内部排障笔记", product="C9300", published=True)
    make_article(title="公开草稿", product="C9300", visibility="public")
    client = client_for(customer, "zh-hans")
    text = page_text(client.get("/portal/faq/"))
    assert "常见问题" in text and "C9300" in text
    assert text.index("堆叠分裂处理") < text.index("堆叠升级")
    assert "内部排障笔记" not in text and "公开草稿" not in text
    text = page_text(client.get("/portal/faq/", {"q": "升级"}))
    assert "堆叠升级" in text and "堆叠分裂处理" not in text
    assert "堆叠分裂处理" in page_text(client.get(f"/portal/faq/{a.pk}/"))
    hidden = Article.objects.get(title="内部排障笔记")
    response = client.get(f"/portal/faq/{hidden.pk}/")
    assert response.status_code == 404 and "未找到" in page_text(response)
