"""The knowledge base's panel on the manager dashboard: problems solved without a CASE this
month ("this solved my problem" in the portal), the articles that solved most, and how many
articles are flagged for review.  ``reports`` finds this room (``core.discovery``) and
shows what ``panels`` returns; nothing here changes anything."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from casedesk.core import policy

from . import selectors
from .policy import KnowledgeAction

TOP = 5


def panels(request) -> list[SafeString]:
    user = request.user
    if not policy.can(user, KnowledgeAction.VIEW) or not selectors.reads_working_text(user):
        return []
    counts = selectors.deflections(fetched_by=user, top=TOP)
    context = {
        "counts": counts,
        "stale": selectors.needing_review_count(fetched_by=user),
    }
    return [render_to_string("knowledge/dashboard_deflections.html", context, request=request)]
