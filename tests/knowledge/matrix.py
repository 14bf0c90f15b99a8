"""The knowledge base's entries in the authorization matrices."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from casedesk.knowledge import services
from casedesk.knowledge.policy import KnowledgeAction as K
from tests.accounts.factories import make_user
from tests.authorization import CONSOLE, NOTHING, PORTAL, UNKNOWN_PK, Needs, Page, World
from tests.knowledge.factories import make_article


def build(world: World) -> None:
    author = make_user("engineer", username="m.kauthor", tier="first_line")
    reviewer = make_user("engineer", username="m.kreviewer", tier="senior")
    in_review = make_article(title="MATRIX-审核中", by=author, visibility="public")
    public = make_article(title="MATRIX-公开", by=author, visibility="public")
    (public_file,) = services.article_attach(article=public, uploads=[_png()], by=author)
    public = services.article_submit(article=public, by=author)
    world.objects["knowledge"] = {
        "draft": make_article(title="MATRIX-草稿-机密", by=author, visibility="public"),
        "in_review": services.article_submit(article=in_review, by=author),
        "public": services.article_publish(article=public, by=reviewer),
        "public_file": public_file,
        "internal": make_article(title="MATRIX-内部", by=author, reviewer=reviewer, published=True),
    }


def _png() -> SimpleUploadedFile:
    return SimpleUploadedFile("矩阵.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)


def _public(w: World) -> str:
    return str(w.objects["knowledge"]["public"].pk)


def _public_file(w: World) -> str:
    return str(w.objects["knowledge"]["public_file"].pk)


def _articles(w: World, state: str = "") -> dict:
    o = w.objects["knowledge"]
    if state == "in_review":
        chosen = {"an article in review": o["in_review"]}
    else:
        chosen = {
            "a draft": o["draft"],
            "a published public article": o["public"],
            "a published internal article": o["internal"],
        }
    found = {label: (str(a.pk), a) for label, a in chosen.items()}
    found["no such article"] = (str(UNKNOWN_PK), NOTHING)
    return found


ENDPOINTS = {
    "casedesk_api_knowledge_list_articles": (
        Needs(),
        Needs(query={"q": "MATRIX"}, label="search"),
        Needs(query={"status": "draft"}, label="drafts"),
    ),
    "casedesk_api_knowledge_create_article": (
        Needs((K.WRITE,), lambda w: {"title": "矩阵文章", "body": "正文"}),
        Needs(
            (K.WRITE,),
            lambda w: {"title": "矩阵文章", "case": "C9999999"},
            label="unknown CASE",
        ),
    ),
    "casedesk_api_knowledge_get_article": (Needs((K.VIEW,)),),
    "casedesk_api_knowledge_submit_article": (Needs((K.WRITE,)),),
    "casedesk_api_knowledge_publish_article": (Needs((K.PUBLISH,), state="in_review"),),
    "casedesk_api_knowledge_retire_article": (Needs((K.REVIEW,)),),
    "casedesk_api_knowledge_list_article_files": (Needs((K.VIEW,)),),
    "casedesk_api_knowledge_attach_article_files": (
        Needs((K.WRITE,), lambda w: {"files": _png()}, multipart=True),
    ),
    # A file of the published public article (its files named by the article they are of).
    "casedesk_api_knowledge_download_article_file": (
        Needs((K.VIEW,), fill={"pk": _public, "file_pk": _public_file}),
    ),
    "casedesk_api_knowledge_remove_article_file": (
        Needs((K.WRITE,), fill={"pk": _public, "file_pk": _public_file}),
    ),
    "casedesk_api_knowledge_draft_from_case": (
        Needs((K.DRAFT_FROM_CASE,), state="resolved"),
        Needs((K.DRAFT_FROM_CASE,), state="in_progress", label="an open CASE"),
    ),
}
API_FILLERS = {
    ("articles", "pk"): _articles,
    ("articles", "file_pk"): lambda w, state: {"": (_public_file(w), None)},
}


def _pages(state: str = ""):
    def fill(w: World) -> list:
        return [
            (label, int(value), obj, obj is not NOTHING)
            for label, (value, obj) in _articles(w, state).items()
        ]

    return fill


def _resolved_cases(w: World) -> list:
    a, b = w.case("ORGA", "resolved"), w.case("ORGB", "resolved")
    return [
        ("org A's resolved CASE", a.number, a, True),
        ("org B's resolved CASE", b.number, b, True),
        ("no such CASE", "C9999999", NOTHING, False),
    ]


def _public_only(w: World) -> list:
    public = w.objects["knowledge"]["public"]
    return [
        ("a published public article", public.pk, public, True),
        ("no such article", UNKNOWN_PK, NOTHING, False),
    ]


def _its_file(w: World) -> list:
    return [("its file", w.objects["knowledge"]["public_file"].pk, None, True)]


PAGES = {
    "knowledge:article_list": Page(CONSOLE, (K.VIEW,)),
    "knowledge:article_new": Page(CONSOLE, (K.WRITE,)),
    "knowledge:article_page": Page(CONSOLE, (K.VIEW,)),
    "knowledge:article_edit": Page(CONSOLE, (K.WRITE,)),
    "knowledge:article_submit": Page(CONSOLE, (K.WRITE,), post_only=True, form={}),
    "knowledge:article_publish": Page(CONSOLE, (K.PUBLISH,), post_only=True, form={}),
    "knowledge:article_retire": Page(CONSOLE, (K.REVIEW,), post_only=True, form={"reason": "矩阵"}),
    "knowledge:draft_from_case": Page(CONSOLE, (K.DRAFT_FROM_CASE,), post_only=True, form={}),
    "knowledge:portal_faq": Page(PORTAL, (K.VIEW,)),
    "knowledge:portal_article": Page(PORTAL, (K.VIEW,)),
    "knowledge:suggest": Page(CONSOLE, (K.VIEW,)),
    "knowledge:portal_suggest": Page(PORTAL, (K.VIEW,)),
    "knowledge:portal_solved": Page(PORTAL, (K.DEFLECT,), post_only=True, form={"typed": "矩阵"}),
    "knowledge:article_confirm": Page(CONSOLE, (K.REVIEW,), post_only=True, form={}),
    "knowledge:article_attach": Page(
        CONSOLE, (K.WRITE,), post_only=True, form=lambda: {"files": _png()}
    ),
    "knowledge:article_file": Page(CONSOLE, (K.VIEW,)),
    "knowledge:article_file_view": Page(CONSOLE, (K.VIEW,)),
    "knowledge:article_file_remove": Page(CONSOLE, (K.WRITE,), post_only=True, form={}),
    "knowledge:portal_file": Page(PORTAL, (K.VIEW,)),
    "knowledge:case_link": Page(CONSOLE, (K.LINK_CASE,), form={"article": "0", "q": "MATRIX"}),
}
PAGE_FILLERS = {
    "knowledge:article_page/pk": _pages(),
    "knowledge:article_edit/pk": _pages(),
    "knowledge:article_submit/pk": _pages(),
    "knowledge:article_publish/pk": _pages("in_review"),
    "knowledge:article_retire/pk": _pages(),
    "knowledge:portal_article/pk": _pages(),
    "knowledge:draft_from_case/number": _resolved_cases,
    "knowledge:portal_solved/pk": _pages(),
    "knowledge:article_confirm/pk": _pages(),
    "knowledge:article_attach/pk": _pages(),
    "knowledge:article_file/pk": _public_only,
    "knowledge:article_file_view/pk": _public_only,
    "knowledge:article_file_remove/pk": _public_only,
    "knowledge:portal_file/pk": _public_only,
    "file_pk": _its_file,
    "knowledge:case_link/number": _resolved_cases,
}
