"""The knowledge API: bodies and statuses (API.md § "Knowledge, surveys, complaints…")."""

from __future__ import annotations

import pytest

from casedesk.core.audit import AuditRecord
from casedesk.knowledge.models import Article
from tests.accounts.factories import make_user
from tests.cases.factories import make_case
from tests.factories import ApiClient
from tests.knowledge.factories import make_article, resolved_case

pytestmark = pytest.mark.django_db


def test_create_submit_and_publish_by_a_second_person():
    author = make_user("engineer")
    api = ApiClient(author)
    response = api.post(
        "/articles",
        {
            "title": "堆叠分裂处理",
            "body": "**步骤**",
            "tags": ["C9300", "堆叠"],
            "visibility": "public",
        },
    )
    assert response.status_code == 201, response.content
    article = response.json()
    assert article["status"] == "draft" and article["tags"] == ["C9300", "堆叠"]
    assert article["author"] == author.username and article["version"] == 1
    pk = article["id"]
    assert api.post(f"/articles/{pk}/publish").status_code == 403  # its author
    assert api.post(f"/articles/{pk}/submit").json()["status"] == "in_review"
    response = api.post(f"/articles/{pk}/publish")
    assert response.status_code == 403 and "four eyes" in response.json()["detail"]
    reviewer = make_user("supervisor")
    response = ApiClient(reviewer).post(f"/articles/{pk}/publish")
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert response.json()["reviewer"] == reviewer.username
    # Twice: not in review any more.
    again = ApiClient(make_user("admin")).post(f"/articles/{pk}/publish")
    assert again.status_code == 409 and again.json()["detail"]


def test_draft_from_a_case_shows_what_was_removed():
    case = resolved_case()
    response = ApiClient(case.engineer).post(f"/cases/{case.number}/article")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["case"] == case.number and body["status"] == "draft"
    assert "王建国" not in body["title"] + body["body"]
    assert {"kind": "serial", "original": "FOC1234X5YZ"} in body["removed"]


def test_draft_from_an_open_case_is_409_and_writes_nothing():
    case = make_case()
    response = ApiClient(make_user("engineer")).post(f"/cases/{case.number}/article")
    assert response.status_code == 409 and response.json()["detail"]
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": ""},
        {"title": "x" * 201},
        {"title": "ok", "visibility": "secret"},
        {"title": "ok", "tags": "not a list"},
        {"title": "ok", "tags": ["x" * 41]},
        {"title": "ok", "case": "C9999999"},
        {"title": "ok", "unknown": 1},
        {"title": 5},
    ],
)
def test_bad_input_is_422_and_writes_nothing(body):
    response = ApiClient(make_user("engineer")).post("/articles", body)
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert not Article.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="article.").exists()


def test_a_customer_reads_published_public_articles_only():
    customer = make_user("customer", org=make_case().organization)
    public = make_article(title="光模块更换", body="步骤", published=True, visibility="public")
    internal = make_article(title="光模块内部", published=True)
    draft = make_article(title="光模块草稿", visibility="public")
    api = ApiClient(customer)
    assert [a["id"] for a in api.get("/articles").json()] == [public.pk]
    assert [a["id"] for a in api.get("/articles", {"q": "光模块"}).json()] == [public.pk]
    assert api.get("/articles", {"status": "draft"}).json() == []
    assert api.get(f"/articles/{public.pk}").json()["case"] is None
    for hidden in (internal, draft):
        assert api.get(f"/articles/{hidden.pk}").status_code == 404
    assert api.post("/articles", {"title": "x"}).status_code == 403
    staff = ApiClient(make_user("call_taker"))
    found = staff.get("/articles", {"q": "光模块", "status": "published"}).json()
    assert {a["id"] for a in found} == {public.pk, internal.pk}


def test_bad_queries():
    api = ApiClient(make_user("engineer"))
    assert api.get("/articles", {"status": "nope"}).status_code == 422
    assert api.get("/articles", {"limit": "0"}).status_code == 422
    assert api.get("/articles", {"q": "!!!"}).json() == []
    assert api.get("/articles/987654321").status_code == 404
