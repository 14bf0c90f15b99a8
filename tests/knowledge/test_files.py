"""Files on knowledge articles: checked like a CASE's files, stored under MEDIA_ROOT with
random names, served only by permission-checked views; customers see a file once a
published version includes it; adding and removing are audited operations."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from casedesk.core.audit import AuditRecord
from casedesk.core.errors import Forbidden, InvalidInput, TransitionNotAllowed
from casedesk.knowledge import services
from casedesk.knowledge.models import Article, ArticleFile, ArticleVersion
from tests.accounts.factories import make_user
from tests.cases.factories import make_case
from tests.factories import ApiClient, client_for, page_text
from tests.knowledge.factories import make_article, resolved_case

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name: str = "拓扑图.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_attach_makes_a_version_and_a_published_article_goes_back_to_review(media):
    author = make_user("engineer", tier="first_line")
    reviewer = make_user("engineer", tier="senior")
    article = make_article(by=author, reviewer=reviewer, published=True, visibility="public")
    added = services.article_attach(
        article=article, uploads=[upload(), upload("running.cfg", b"hostname sw1\n")], by=author
    )
    assert [f.name for f in added] == ["拓扑图.png", "running.cfg"]
    article = Article.objects.get(pk=article.pk)
    assert article.status == "in_review" and article.version == 2
    assert article.published_version == 1
    version = ArticleVersion.objects.get(article=article, number=2)
    assert version.files_added == ["拓扑图.png", "running.cfg"] and version.body == article.body
    assert all(f.added_in == 2 for f in added)
    # Random names under MEDIA_ROOT, never the uploader's.
    paths = stored_files(media)
    assert len(paths) == 2 and not any(p.name.endswith((".png", ".cfg")) for p in paths)
    record = AuditRecord.objects.get(action="article.attach")
    assert "拓扑图.png" in record.data and "running.cfg" in record.data
    # Its author added to this version: the reviewer publishes it, not the author.
    with pytest.raises(Forbidden):
        services.article_publish(article=article, by=author)
    services.article_publish(article=article, by=reviewer)


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ([upload("evil.html", b"<script>")], "evil.html：不支持上传此类型"),
        ([upload("empty.txt", b"")], "empty.txt 是空文件"),
        ([upload("ok.png"), upload("x.exe", b"MZ")], "x.exe：不支持上传此类型"),
        ([], "请选择要上传的文件"),
    ],
)
def test_bad_files_store_nothing(media, files, words):
    article = make_article()
    with pytest.raises(InvalidInput, match=words):
        services.article_attach(article=article, uploads=files, by=article.author)
    assert not ArticleFile.objects.exists() and stored_files(media) == []
    assert Article.objects.get(pk=article.pk).version == 1


def test_too_big_and_not_one_s_to_edit(media, settings):
    settings.CASEDESK_MAX_ATTACHMENT_MB = 1
    article = make_article()
    with pytest.raises(InvalidInput, match="太大"):
        services.article_attach(
            article=article,
            uploads=[upload("big.pdf", b"%" * (1024 * 1024 + 1))],
            by=article.author,
        )
    with pytest.raises(Forbidden):
        services.article_attach(article=article, uploads=[upload()], by=make_user("call_taker"))
    retired = services.article_retire(article=article, by=make_user("supervisor"))
    with pytest.raises(TransitionNotAllowed):
        services.article_attach(article=retired, uploads=[upload()], by=retired.author)
    assert not ArticleFile.objects.exists() and stored_files(media) == []


def test_remove_is_audited_and_deletes_the_stored_file(media, django_capture_on_commit_callbacks):
    article = make_article()
    (item,) = services.article_attach(article=article, uploads=[upload()], by=article.author)
    assert len(stored_files(media)) == 1
    with pytest.raises(Forbidden):
        services.article_file_remove(item=item, by=make_user("call_taker"))
    with django_capture_on_commit_callbacks(execute=True):
        services.article_file_remove(item=item, by=article.author)
    assert not ArticleFile.objects.exists() and stored_files(media) == []
    record = AuditRecord.objects.get(action="article.file_remove")
    assert "拓扑图.png" in record.data


def test_api_upload_list_download_and_remove(media):
    author = make_user("engineer")
    article = make_article(by=author, visibility="public")
    api = ApiClient(author)
    url = f"/api/v1/articles/{article.pk}/files"
    response = api.client.post(
        url,
        {"files": [upload(), upload("show-run.txt", b"interface Gi1/0/1\n")]},
        headers=api.headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [f["name"] for f in body] == ["拓扑图.png", "show-run.txt"]
    assert body[0]["added_in"] == 2 and body[0]["uploaded_by"] == author.username
    assert [f["name"] for f in api.get(f"/articles/{article.pk}/files").json()] == [
        "拓扑图.png",
        "show-run.txt",
    ]
    download = api.client.get(body[1]["url"], headers=api.headers)
    assert download.status_code == 200 and b"".join(download.streaming_content) == (
        b"interface Gi1/0/1\n"
    )
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    # Bad input: 4xx with a detail, nothing stored.
    before = sorted(stored_files(media))
    refused = api.client.post(url, {"files": [upload("a.svg", b"<svg/>")]}, headers=api.headers)
    assert refused.status_code == 422 and "a.svg" in refused.json()["detail"]
    other = ApiClient(make_user("call_taker"))
    assert other.client.post(url, {"files": [upload()]}, headers=other.headers).status_code == 403
    missing = api.client.post(
        "/api/v1/articles/987654321/files", {"files": [upload()]}, headers=api.headers
    )
    assert missing.status_code == 404
    assert sorted(stored_files(media)) == before and ArticleFile.objects.count() == 2
    # Remove: only a writer.
    first = f"/articles/{article.pk}/files/{body[0]['id']}"
    assert other.delete(first).status_code == 403
    assert api.delete(first).status_code == 204
    assert api.get(first).status_code == 404


def test_customers_see_files_of_the_published_version_only(media):
    author = make_user("engineer", tier="first_line")
    reviewer = make_user("engineer", tier="senior")
    article = make_article(by=author, reviewer=reviewer, published=True, visibility="public")
    (item,) = services.article_attach(article=article, uploads=[upload()], by=author)
    customer = make_user("customer", org=make_case().organization)
    api = ApiClient(customer)
    path = f"/articles/{article.pk}/files"
    # Added, not yet published again: not the customers'.
    assert api.get(path).json() == []
    assert api.get(f"{path}/{item.pk}").status_code == 404
    portal = client_for(customer, "zh-hans")
    assert portal.get(f"/portal/faq/{article.pk}/files/{item.pk}/").status_code == 404
    services.article_publish(article=Article.objects.get(pk=article.pk), by=reviewer)
    assert [f["name"] for f in api.get(path).json()] == ["拓扑图.png"]
    page = page_text(portal.get(f"/portal/faq/{article.pk}/"))
    assert "拓扑图.png" in page and "附件" in page
    got = portal.get(f"/portal/faq/{article.pk}/files/{item.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == PNG
    # An internal article's files: nobody outside the desk.
    internal = make_article(by=author, reviewer=reviewer, published=True)
    (hidden,) = services.article_attach(article=internal, uploads=[upload()], by=author)
    assert api.get(f"/articles/{internal.pk}/files/{hidden.pk}").status_code == 404
    assert portal.get(f"/portal/faq/{internal.pk}/files/{hidden.pk}/").status_code == 404
    # Never a public media URL: without a login the file is not served.
    assert Client().get(f"/portal/faq/{article.pk}/files/{item.pk}/").status_code == 302
    assert Client().get(f"/knowledge/{article.pk}/files/{item.pk}/").status_code == 302


def test_the_edit_page_attaches_and_removes_in_chinese(media):
    author = make_user("engineer")
    article = make_article(by=author)
    client = client_for(author, "zh-hans")
    text = page_text(client.get(f"/knowledge/{article.pk}/edit/"))
    assert "附件" in text and "添加附件" in text
    response = client.post(f"/knowledge/{article.pk}/files/", {"files": [upload()]})
    assert response.status_code == 302
    item = ArticleFile.objects.get()
    text = page_text(client.get(f"/knowledge/{article.pk}/"))
    assert "拓扑图.png" in text and "添加的附件：拓扑图.png" in text
    view = client.get(f"/knowledge/{article.pk}/files/{item.pk}/view/")
    assert view.status_code == 200 and view["Content-Type"] == "image/png"
    # Refused: the edit page says why, in Chinese, with a 4xx; nothing stored.
    response = client.post(f"/knowledge/{article.pk}/files/", {"files": [upload("x.exe", b"MZ")]})
    assert response.status_code == 422 and "x.exe：不支持上传此类型" in page_text(response)
    assert ArticleFile.objects.count() == 1
    taker = client_for(make_user("call_taker"), "zh-hans")
    assert taker.post(f"/knowledge/{article.pk}/files/", {"files": [upload()]}).status_code == 403
    assert taker.post(f"/knowledge/{article.pk}/files/{item.pk}/remove/").status_code == 403
    assert client.get(f"/knowledge/{article.pk}/files/").status_code == 405
    response = client.post(f"/knowledge/{article.pk}/files/{item.pk}/remove/")
    assert response.status_code == 302 and not ArticleFile.objects.exists()


def test_a_draft_from_a_case_does_not_copy_its_files(media):
    from casedesk.cases import attachments

    case = resolved_case()
    attachments.case_attach(
        case=case, uploads=[upload("客户配置.cfg", b"secret")], by=case.engineer
    )
    client = client_for(case.engineer, "zh-hans")
    response = client.post(f"/cases/{case.number}/article/")
    article = Article.objects.get()
    assert response.status_code == 302 and not ArticleFile.objects.filter(article=article).exists()
    text = page_text(client.get(f"/knowledge/{article.pk}/"))
    assert "CASE 的附件没有复制到文章" in text
