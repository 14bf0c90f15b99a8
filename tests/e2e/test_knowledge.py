"""The knowledge base in the browser: an engineer drafts an article from the CASE she
solved (the customer's details removed, listed for her), submits it; she cannot publish
her own; a senior engineer makes it public and publishes it, and the customer finds it in the portal's FAQ."""

from __future__ import annotations

from casedesk.knowledge.models import Article
from tests.accounts.factories import make_user
from tests.cases.factories import make_case
from tests.knowledge.factories import make_article, resolved_case


def test_draft_from_a_case_and_publish_by_a_second_person(screens, transactional_db):
    author = make_user("engineer", username="eng.li", first_name="娜", last_name="李")
    case = resolved_case(by=author)
    screen = screens(author)
    screen.goto(f"/cases/{case.number}/")
    screen.page.get_by_role("button", name="起草知识库文章").click()
    screen.page.wait_for_url("**/knowledge/*/")
    removed = screen.page.locator(".removed").inner_text()
    assert "FOC1234X5YZ" in removed and "北京星河数据科技有限公司" in removed
    body = screen.page.locator(".article-body").inner_text()
    assert "王建国" not in body and "10.20.30.40" not in body and "[IP 地址]" in body
    assert "[序列号]" in screen.page.locator("h1").inner_text()
    screen.shot("knowledge-draft")
    assert screen.page.get_by_role("button", name="停用").count() == 0  # a reviewer's
    screen.page.get_by_role("button", name="提交审核").click()
    screen.page.wait_for_url("**/knowledge/*/")
    assert screen.page.get_by_role("button", name="发布", exact=True).count() == 0
    assert "四眼原则" in screen.body_text()

    article = Article.objects.get()
    reviewer = screens(make_user("engineer", username="se.zhao", tier="senior"))
    reviewer.goto(f"/knowledge/{article.pk}/edit/")
    reviewer.page.get_by_label("可见范围").select_option("public")
    reviewer.page.get_by_role("button", name="保存").click()
    reviewer.page.wait_for_url(f"**/knowledge/{article.pk}/")
    # Visibility is no part of the text: the reviewer may set it and still publish.
    reviewer.page.get_by_role("button", name="发布", exact=True).click()
    reviewer.page.wait_for_url(f"**/knowledge/{article.pk}/")
    assert "已发布" in reviewer.page.locator(".article-status").inner_text()
    assert "审核发布人" in reviewer.body_text()
    assert Article.objects.get().status == "published"
    manager = screens(make_user("cs_manager", username="csm"))
    manager.goto("/knowledge/?q=堆叠")
    assert article.title in manager.page.locator("main").inner_text()

    customer = make_user("customer", org=make_case().organization, username="kehu")
    portal = screens(customer)
    portal.goto("/portal/faq/")
    assert article.title in portal.body_text()
    portal.shot("portal-faq")
    portal.page.get_by_role("link", name=article.title).click()
    portal.page.wait_for_url(f"**/portal/faq/{article.pk}/")
    assert "stack-mac persistent timer 0" in portal.page.locator(".article-body").inner_text()


def test_a_file_on_an_article_reaches_the_customer_once_a_second_person_publishes_it(
    screens, transactional_db, tmp_path
):
    author = make_user("engineer", username="eng.li", first_name="娜", last_name="李")
    article = make_article(
        title="C9300 堆叠配置示例",
        body="两台 C9300 组成堆叠时，先设置主交换机优先级，再保存配置。",
        by=author,
        published=True,
        visibility="public",
    )
    config = tmp_path / "stack.cfg"
    config.write_text("switch 1 priority 15\nstack-mac persistent timer 0\n")

    screen = screens(author)
    screen.goto(f"/knowledge/{article.pk}/edit/")
    screen.page.locator("#article-files-edit input[type=file]").set_input_files(str(config))
    screen.page.get_by_role("button", name="上传", exact=True).click()
    screen.page.wait_for_url(f"**/knowledge/{article.pk}/**")
    screen.goto(f"/knowledge/{article.pk}/")
    files = screen.page.locator("#article-files")
    assert "stack.cfg" in files.inner_text()
    screen.shot("knowledge-article-file")
    # A new version, back in review: its author cannot publish what she added.
    assert screen.page.get_by_role("button", name="发布", exact=True).count() == 0

    customer = make_user("customer", org=make_case().organization, username="kehu")
    portal = screens(customer)
    portal.goto(f"/portal/faq/{article.pk}/")
    assert "stack.cfg" not in portal.body_text()  # not published yet

    reviewer = screens(make_user("engineer", username="se.zhao", tier="senior"))
    reviewer.goto(f"/knowledge/{article.pk}/")
    reviewer.page.get_by_role("button", name="发布", exact=True).click()
    reviewer.page.wait_for_url(f"**/knowledge/{article.pk}/")

    portal.goto(f"/portal/faq/{article.pk}/")
    link = portal.page.get_by_role("link", name="stack.cfg")
    with portal.page.expect_download() as download:
        link.click()
    saved = tmp_path / "downloaded.cfg"
    download.value.save_as(saved)
    assert saved.read_text() == config.read_text()
    portal.shot("portal-faq-article-file")
