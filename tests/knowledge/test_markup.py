"""Article bodies are Markdown rendered by core.markup: nothing the writer types runs."""

from __future__ import annotations

import pytest

from tests.accounts.factories import make_user
from tests.cases.factories import make_case
from tests.factories import client_for
from tests.knowledge.factories import make_article

pytestmark = pytest.mark.django_db

EVIL = (
    '**粗体**\n\n<script>alert(1)</script>\n\n<iframe src="https://evil.example"></iframe>\n\n'
    "[点我](javascript:alert(2)) [官网](https://www.cisco.com)\n\n"
    "<img src=x onerror=alert(3)>"
)


@pytest.mark.parametrize("side", ["console", "portal"])
def test_script_iframe_and_javascript_links_never_render(side):
    article = make_article(body=EVIL, published=True, visibility="public")
    if side == "console":
        response = client_for(make_user("engineer")).get(f"/knowledge/{article.pk}/")
    else:
        customer = make_user("customer", org=make_case().organization)
        response = client_for(customer).get(f"/portal/faq/{article.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    body = html.split('class="article-body', 1)[1].split("</article>", 1)[0]
    assert "<strong>粗体</strong>" in body
    assert "<script" not in body and "<iframe" not in body and "<img" not in body
    # What was typed stays text (escaped), never markup: no link to javascript:, no handler.
    assert 'href="javascript' not in body.replace(" ", "").lower()
    assert "&lt;script&gt;" in body and " onerror=" not in body.split("&lt;img", 1)[0]
    assert 'href="https://www.cisco.com"' in body
