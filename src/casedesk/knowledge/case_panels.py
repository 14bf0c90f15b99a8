"""On a CASE's page: the articles drafted from it, the articles that solved it and a search
to link one (staff who write articles), and on a resolved or closed CASE the button that
drafts one."""

from __future__ import annotations

from django.template.loader import render_to_string

from casedesk.cases.choices import Status
from casedesk.core import policy

from . import selectors
from .policy import KnowledgeAction


def console(request, case) -> list:
    user = request.user
    if not policy.can(user, KnowledgeAction.VIEW):
        return []
    articles = selectors.articles_of_case(case, fetched_by=user)
    can_draft = case.status in (Status.RESOLVED, Status.CLOSED) and policy.can(
        user, KnowledgeAction.DRAFT_FROM_CASE, case
    )
    links = selectors.links_of_case(case, fetched_by=user)
    can_link = policy.can(user, KnowledgeAction.LINK_CASE, case)
    if not articles and not can_draft and not links and not can_link:
        return []
    return [
        render_to_string(
            "knowledge/case_panel.html",
            {
                "case": case,
                "articles": articles,
                "can_draft": can_draft,
                "links": links,
                "can_link": can_link,
            },
            request=request,
        )
    ]


def portal(request, case) -> list:
    """The customer reads the FAQ; a CASE's page shows no drafts."""
    return []
