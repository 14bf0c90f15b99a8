"""Articles found where they are needed, in Chromium: a customer types a Chinese title in
the portal's "report a problem", a matching public article appears under the title (an
internal one never does), opens in a new tab, and "this solved my problem" is counted: no
CASE, back to the CASE list.  The call taker's intake form suggests too."""

from __future__ import annotations

from playwright.sync_api import expect

from casedesk.cases.models import Case
from casedesk.knowledge.models import Article, Deflection
from tests.accounts.factories import OrganizationFactory, make_user
from tests.knowledge.factories import make_article


def _shelf() -> Article:
    author = make_user("engineer", username="kb.author")
    reviewer = make_user("engineer", username="kb.senior", tier="senior")
    make_article(title="核心交换机堆叠内部排障笔记", by=author, reviewer=reviewer, published=True)
    return make_article(
        title="核心交换机堆叠分裂的处理方法",
        body="**解决方法**\n\n执行 `stack-mac persistent timer 0` 后重启备用成员。",
        product="C9300",
        by=author,
        reviewer=reviewer,
        published=True,
        visibility="public",
    )


def test_portal_suggestions_and_this_solved_my_problem(screens, transactional_db):
    article = _shelf()
    org = OrganizationFactory(code="CTBJ", name="中国电信北京分公司")
    customer = screens(make_user("customer", username="li.gong", org=org))
    customer.goto("/portal/cases/new/")
    box = customer.page.locator("#article-suggest")
    expect(box).to_be_hidden()
    customer.page.locator("#id_title").press_sequentially("交换机堆叠", delay=30)
    expect(box).to_be_visible()
    expect(box).to_contain_text("核心交换机堆叠分裂的处理方法")
    expect(box).to_contain_text("1 篇文章或许能解答")
    assert "内部排障笔记" not in box.inner_text()
    customer.shot("portal-suggestions")

    link = box.get_by_role("link", name="核心交换机堆叠分裂的处理方法")
    assert link.get_attribute("target") == "_blank"
    with customer.page.expect_popup() as opened:
        link.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert "stack-mac persistent timer 0" in tab.locator(".article-body").inner_text()
    tab.get_by_role("button", name="这解决了我的问题").click()
    tab.wait_for_url("**/portal/")
    assert "没有创建 CASE" in tab.locator("body").inner_text()
    deflection = Deflection.objects.get()
    assert deflection.article_id == article.pk and deflection.typed == "交换机堆叠"
    assert Article.objects.get(pk=article.pk).deflection_count == 1
    assert not Case.objects.exists()


def test_intake_form_suggests_internal_articles_too(screens, transactional_db):
    _shelf()
    taker = screens(make_user("call_taker", username="taker"))
    taker.goto("/cases/new/")
    taker.page.get_by_label("标题").press_sequentially("堆叠", delay=30)
    box = taker.page.locator("#article-suggest")
    expect(box).to_contain_text("核心交换机堆叠内部排障笔记")
    expect(box).to_contain_text("核心交换机堆叠分裂的处理方法")
    taker.shot("intake-suggestions")
