"""Articles where they are needed: suggestions while a CASE title is typed (console and
portal), "this solved my problem" (deflection), articles linked to the CASEs they solved,
stale articles flagged for review, the dashboard panel."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import translation

from casedesk.core import clock
from casedesk.core.audit import AuditRecord
from casedesk.core.errors import Conflict, Forbidden, NotFound, TransitionNotAllowed
from casedesk.knowledge import dashboard, selectors, services
from casedesk.knowledge.models import Article, Deflection, ProductLifecycle
from tests.accounts.factories import OrganizationFactory, make_user
from tests.cases.factories import make_case
from tests.factories import ApiClient, client_for, page_text
from tests.knowledge.factories import make_article

pytestmark = pytest.mark.django_db


def _titles(found) -> list[str]:
    return [a.title for a in found]


@pytest.fixture
def shelf():
    author = make_user("engineer", tier="first_line")
    reviewer = make_user("engineer", tier="senior")

    def article(title, *, published=True, visibility="public", **kw):
        return make_article(
            title=title,
            by=author,
            reviewer=reviewer,
            published=published,
            visibility=visibility,
            **kw,
        )

    return {
        "public": article(
            "核心交换机堆叠分裂处理", body="stack-mac persistent timer 0", product="C9300"
        ),
        "internal": article("堆叠分裂内部排障笔记", visibility="internal"),
        "draft": article("堆叠草稿", published=False),
        "retired": services.article_retire(
            article=article("堆叠旧方法"), by=make_user("cs_manager")
        ),
        "other": article("防火墙 HA 切换", product="ASA5500"),
    }


# --- suggestions --------------------------------------------------------------------------


def test_suggestions_chinese_two_characters_and_who_sees_what(shelf):
    org = make_case().organization
    customer = make_user("customer", org=org)
    engineer = make_user("engineer")
    assert _titles(selectors.suggestions(q="堆叠", fetched_by=customer)) == [
        "核心交换机堆叠分裂处理"
    ]
    staff = _titles(selectors.suggestions(q="堆叠", fetched_by=engineer))
    assert set(staff) == {"核心交换机堆叠分裂处理", "堆叠分裂内部排障笔记"}  # no draft, no retired
    # A Latin word being typed is a prefix; the body matches too.
    assert _titles(selectors.suggestions(q="stack-mac pers", fetched_by=customer)) == [
        "核心交换机堆叠分裂处理"
    ]
    assert selectors.suggestions(q="  ", fetched_by=customer) == []
    assert selectors.suggestions(q="!!!", fetched_by=customer) == []


def test_suggestions_title_first_then_most_used_at_most_five():
    for n in range(7):
        make_article(title=f"光模块 告警 {n}", published=True, visibility="public")
    body_only = make_article(
        title="端口故障", body="更换光模块后恢复", published=True, visibility="public"
    )
    Article.objects.filter(pk=body_only.pk).update(solved_count=50)
    used = Article.objects.get(title="光模块 告警 3")
    Article.objects.filter(pk=used.pk).update(deflection_count=4)
    found = selectors.suggestions(q="光模块", fetched_by=make_user("engineer"))
    assert len(found) == 5 and found[0].title == "光模块 告警 3"
    assert "端口故障" not in _titles(found)  # titles first, however used a body match is


def test_suggest_endpoints(shelf):
    org = make_case().organization
    customer = client_for(make_user("customer", org=org), "zh-hans")
    response = customer.get("/portal/faq/suggest/", {"q": "堆叠"})
    data = response.json()
    assert response.status_code == 200 and [a["title"] for a in data["articles"]] == [
        "核心交换机堆叠分裂处理"
    ]
    row = data["articles"][0]
    assert row["url"].startswith(f"/portal/faq/{shelf['public'].pk}/?typed=")
    assert data["text"] == "1 篇文章或许能解答：" and row["product"] == "C9300"
    assert customer.get("/portal/faq/suggest/", {"q": "x" * 201}).status_code == 400
    assert customer.get("/portal/faq/suggest/", {"q": ""}).json()["articles"] == []
    assert customer.get("/knowledge/suggest/", {"q": "堆叠"}).status_code == 403
    staff = client_for(make_user("call_taker"), "zh-hans")
    data = staff.get("/knowledge/suggest/", {"q": "堆叠"}).json()
    assert len(data["articles"]) == 2 and data["articles"][0]["url"].startswith("/knowledge/")
    assert "2 篇文章或许能解答" in data["text"]
    assert staff.get("/portal/faq/suggest/", {"q": "堆叠"}).status_code == 302
    assert staff.post("/knowledge/suggest/", {"q": "堆叠"}).status_code == 405


def test_intake_forms_carry_the_suggestions():
    engineer = client_for(make_user("duty_engineer"), "zh-hans")
    assert 'data-url="/knowledge/suggest/"' in page_text(engineer.get("/cases/new/"))
    customer = client_for(make_user("customer", org=make_case().organization), "zh-hans")
    assert 'data-url="/portal/faq/suggest/"' in page_text(customer.get("/portal/cases/new/"))


# --- deflection -----------------------------------------------------------------------------


def test_this_solved_my_problem_counted_audited_once(shelf):
    org = make_case().organization
    user = make_user("customer", org=org)
    customer = client_for(user, "zh-hans")
    article = shelf["public"]
    text = page_text(customer.get(f"/portal/faq/{article.pk}/", {"typed": "交换机 堆叠 分裂了"}))
    assert "这解决了我的问题" in text and 'value="交换机 堆叠 分裂了"' in text
    response = customer.post(
        f"/portal/faq/{article.pk}/solved/", {"typed": "交换机 堆叠 分裂了"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/portal/"
    assert "没有创建 CASE" in page_text(response)
    deflection = Deflection.objects.get()
    assert (deflection.customer, deflection.organization, deflection.typed) == (
        user,
        org,
        "交换机 堆叠 分裂了",
    )
    record = AuditRecord.objects.get(action="deflection.create")
    assert record.actor_id == user.pk and json.loads(record.data)["article"] == article.pk
    # A double click, a reload: the same deflection.
    customer.post(f"/portal/faq/{article.pk}/solved/", {"typed": "again"})
    assert Deflection.objects.count() == 1
    assert Article.objects.get(pk=article.pk).deflection_count == 1
    # Another organization's customer: their own deflection, their organization.
    other_org = OrganizationFactory()
    other = make_user("customer", org=other_org)
    services.deflection_create(article=article, by=other)
    assert Deflection.objects.filter(organization=other_org).count() == 1
    assert Article.objects.get(pk=article.pk).deflection_count == 2
    # Next day, the first customer again: counted.
    with clock.frozen(clock.now() + dt.timedelta(days=1, minutes=1)):
        services.deflection_create(article=article, by=user)
    assert Article.objects.get(pk=article.pk).deflection_count == 3
    # Per month and this month's figures (staff only).
    reviewer = make_user("cs_manager")
    assert sum(n for _, n in selectors.deflections_by_month(fetched_by=reviewer)) == 3
    assert selectors.deflections_by_month(fetched_by=user) == []
    counts = selectors.deflections(fetched_by=reviewer, month=deflection.at.date())
    assert counts.top[0][0].pk == article.pk and counts.total >= 2
    # The article's page in the console shows both counts.
    text = page_text(client_for(reviewer, "zh-hans").get(f"/knowledge/{article.pk}/"))
    assert "无需 CASE 解决了 3 个问题" in text and "解决了 0 个 CASE" in text


def test_deflection_refused_nothing_written(shelf):
    customer = make_user("customer", org=make_case().organization)
    client = client_for(customer, "zh-hans")
    for name in ("internal", "draft"):
        response = client.post(f"/portal/faq/{shelf[name].pk}/solved/")
        assert response.status_code == 404
    assert client.post("/portal/faq/999999/solved/").status_code == 404
    assert client.get(f"/portal/faq/{shelf['public'].pk}/solved/").status_code == 405
    with pytest.raises(NotFound):  # retired: customers read it no more
        services.deflection_create(article=shelf["retired"], by=customer)
    with pytest.raises(TransitionNotAllowed):  # what staff read but nobody deflects with
        services.article_link_case(
            article=shelf["retired"], case=make_case(), by=make_user("engineer")
        )
    staff = client_for(make_user("engineer"), "zh-hans")
    assert staff.post(f"/portal/faq/{shelf['public'].pk}/solved/").status_code == 302
    assert not Deflection.objects.exists()
    assert not AuditRecord.objects.filter(action="deflection.create").exists()


def test_dashboard_panel(shelf):
    customer = make_user("customer", org=make_case().organization)
    services.deflection_create(article=shelf["public"], typed="堆叠", by=customer)
    request = RequestFactory().get("/reports/")
    request.user = make_user("cs_manager")
    with translation.override("en"):
        html = "".join(dashboard.panels(request))
    assert "Solved without a CASE" in html and shelf["public"].title in html
    request.user = customer
    assert dashboard.panels(request) == []


# --- solved counts ---------------------------------------------------------------------------


def test_link_an_article_that_solved_the_case(shelf):
    case = make_case()
    engineer = make_user("engineer")
    client = client_for(engineer, "zh-hans")
    text = page_text(client.get(f"/cases/{case.number}/"))
    assert "关联解决此问题的文章" in text
    text = page_text(client.get(f"/cases/{case.number}/solved-by/", {"q": "堆叠"}))
    assert "核心交换机堆叠分裂处理" in text and "堆叠草稿" not in text
    article = shelf["public"]
    response = client.post(f"/cases/{case.number}/solved-by/", {"article": article.pk})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert Article.objects.get(pk=article.pk).solved_count == 1
    record = AuditRecord.objects.get(action="article.link_case")
    assert json.loads(record.data)["case"] == case.number and record.actor_id == engineer.pk
    text = page_text(client.get(f"/cases/{case.number}/"))
    assert "核心交换机堆叠分裂处理" in text
    text = page_text(client.get(f"/knowledge/{article.pk}/"))
    assert "解决了 1 个 CASE" in text and case.number in text
    # Twice: 409, said on the page; a draft: 409; nonsense: 404; nothing more counted.
    response = client.post(f"/cases/{case.number}/solved-by/", {"article": article.pk})
    assert response.status_code == 409 and "已关联" in page_text(response)
    assert (
        client.post(f"/cases/{case.number}/solved-by/", {"article": shelf["draft"].pk}).status_code
        == 409
    )
    # an article there is none of is bad input on the form (400), the CASE page unchanged
    assert client.post(f"/cases/{case.number}/solved-by/", {"article": "x"}).status_code == 400
    assert Article.objects.get(pk=article.pk).solved_count == 1
    assert AuditRecord.objects.filter(action="article.link_case").count() == 1
    # A call taker reads but does not link; a customer never gets here.
    assert (
        client_for(make_user("call_taker")).get(f"/cases/{case.number}/solved-by/").status_code
        == 403
    )
    with pytest.raises(Forbidden):
        services.article_link_case(
            article=article, case=case, by=make_user("customer", org=case.organization)
        )
    with pytest.raises(Conflict):
        services.article_link_case(article=article, case=case, by=make_user("supervisor"))


def test_faq_orders_by_cases_solved_and_deflections():
    org = make_case().organization
    customer = make_user("customer", org=org)
    a = make_article(title="甲文章", product="C9300", published=True, visibility="public")
    b = make_article(title="乙文章", product="C9300", published=True, visibility="public")
    Article.objects.filter(pk=a.pk).update(solved_count=2)
    Article.objects.filter(pk=b.pk).update(solved_count=1, deflection_count=5)
    text = page_text(client_for(customer, "zh-hans").get("/portal/faq/"))
    assert text.index("乙文章") < text.index("甲文章")


# --- stale articles ---------------------------------------------------------------------------


def test_stale_marking_command_filter_and_confirm():
    long_ago = clock.now() - dt.timedelta(days=400)
    with clock.frozen(long_ago):
        unused = make_article(title="很久没用的文章", published=True, visibility="public")
        linked = make_article(title="去年发布今年仍用", published=True)
        make_article(title="旧草稿")  # drafts are not flagged
    eol = make_article(title="老版本升级步骤", product="C9300 16.9", published=True)
    tagged = make_article(title="另一篇", product="C9300", tags=("16.9",), published=True)
    fresh = make_article(title="新文章", product="C9300 17.3", published=True)
    services.article_link_case(article=linked, case=make_case(), by=make_user("engineer"))
    ProductLifecycle.objects.create(product="C9300", version="16.9", eol_on=dt.date(2026, 1, 31))
    ProductLifecycle.objects.create(product="C9300", version="17.3", eol_on=dt.date(2099, 1, 1))
    out = io.StringIO()
    call_command("knowledge", "stale", stdout=out)
    assert "3 article(s) flagged" in out.getvalue()
    flagged = {a.title: a.review_reason for a in Article.objects.filter(needs_review=True)}
    assert flagged == {
        "很久没用的文章": "unused",
        "老版本升级步骤": "end_of_life",
        "另一篇": "end_of_life",
    }
    assert AuditRecord.objects.filter(action="article.flag_stale").count() == 3
    assert not Article.objects.get(pk=fresh.pk).needs_review
    # Again: nothing new.
    call_command("knowledge", "stale", stdout=io.StringIO())
    assert AuditRecord.objects.filter(action="article.flag_stale").count() == 3
    # The console's filter lists them; a reviewer confirms one.
    reviewer = client_for(make_user("cs_manager"), "zh-hans")
    text = page_text(reviewer.get("/knowledge/", {"review": "1"}))
    assert "很久没用的文章" in text and "老版本升级步骤" in text and "新文章" not in text
    text = page_text(reviewer.get(f"/knowledge/{unused.pk}/"))
    assert "需要审核" in text and "一年未使用" in text
    assert reviewer.post(f"/knowledge/{unused.pk}/confirm/").status_code == 302
    assert not Article.objects.get(pk=unused.pk).needs_review
    assert AuditRecord.objects.filter(action="article.confirm").count() == 1
    assert reviewer.post(f"/knowledge/{unused.pk}/confirm/").status_code == 302  # 409 said
    writer = client_for(make_user("engineer", tier="first_line"))
    assert writer.post(f"/knowledge/{eol.pk}/confirm/").status_code == 403
    assert Article.objects.get(pk=tagged.pk).needs_review
    # Bad input: an unknown user, exit non-zero, nothing written.
    with pytest.raises(CommandError):
        call_command("knowledge", "stale", "--by", "nobody")


def test_json_is_json():
    response = client_for(make_user("engineer")).get("/knowledge/suggest/", {"q": "abc"})
    assert json.loads(response.content) == {"text": "", "articles": []}


def test_api_shows_use_and_the_stale_flag_to_staff_only(shelf):
    article = shelf["public"]
    Article.objects.filter(pk=article.pk).update(
        deflection_count=3, needs_review=True, review_reason="unused"
    )
    customer = make_user("customer", org=make_case().organization)
    for user, flagged in ((make_user("engineer"), True), (customer, False)):
        response = ApiClient(user).get(f"/articles/{article.pk}")
        data = response.json()
        assert response.status_code == 200, data
        assert data["deflection_count"] == 3 and data["needs_review"] is flagged
