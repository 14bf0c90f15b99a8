"""Engineers (and the managers above them) write articles; senior engineers, the
supervisors, CS managers and administrators review and publish them, never their own
(four eyes); customers read published public articles only.

Who writes: engineers of either tier, duty engineers, supervisors, CS managers, admins.
Call takers and the general manager read.  Who links an article to the CASE it solved: the
writers.  Who says "this solved my problem": a customer who reads the article.  Who reviews: senior engineers (tier ``senior``),
supervisors, CS managers, admins.
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import Role, Tier
from casedesk.accounts.policy import STAFF_ROLES
from casedesk.core import policy

from .choices import ArticleStatus, Visibility
from .models import Article


class KnowledgeAction(StrEnum):
    VIEW = "view_article"
    WRITE = "write_article"
    DRAFT_FROM_CASE = "draft_article_from_case"
    REVIEW = "review_article"
    PUBLISH = "publish_article"
    LINK_CASE = "link_article_to_case"
    DEFLECT = "deflect_with_article"


WRITERS = frozenset(
    {Role.ENGINEER, Role.DUTY_ENGINEER, Role.SUPERVISOR, Role.CS_MANAGER, Role.ADMIN}
)
REVIEWER_ROLES = frozenset({Role.SUPERVISOR, Role.CS_MANAGER, Role.ADMIN})


def is_reviewer(user) -> bool:
    if user.role in REVIEWER_ROLES:
        return True
    if user.role not in (Role.ENGINEER, Role.DUTY_ENGINEER):
        return False
    staff = getattr(user, "staff", None)
    return staff is not None and staff.tier == Tier.SENIOR


def readable_by_customers(articles: QuerySet[Article]) -> QuerySet[Article]:
    """Public articles with a published text, not retired."""
    return articles.filter(visibility=Visibility.PUBLIC, published_version__isnull=False).exclude(
        status=ArticleStatus.RETIRED
    )


def _customer_reads(user, article) -> bool:
    return (
        article.visibility == Visibility.PUBLIC
        and article.published_version is not None
        and article.status != ArticleStatus.RETIRED
    )


def _rule(user, action: str, obj) -> bool:
    if action == KnowledgeAction.VIEW:
        if user.role in STAFF_ROLES:
            return True
        if user.role != Role.CUSTOMER:
            return False
        return obj is None or _customer_reads(user, obj)
    if action in (KnowledgeAction.WRITE, KnowledgeAction.DRAFT_FROM_CASE):
        return user.role in WRITERS
    if action == KnowledgeAction.REVIEW:  # submit's counterpart: retire, see the queue
        return is_reviewer(user)
    if action == KnowledgeAction.LINK_CASE:  # obj: the CASE (its visibility is the caller's)
        return user.role in WRITERS
    if action == KnowledgeAction.DEFLECT:  # "this solved my problem": a customer who reads it
        return user.role == Role.CUSTOMER and (obj is None or _customer_reads(user, obj))
    if action == KnowledgeAction.PUBLISH:  # four eyes: never one's own article
        return is_reviewer(user) and (obj is None or obj.author_id != user.pk)
    return False


def _rows(user, articles: QuerySet[Article]) -> QuerySet[Article]:
    if user.role in STAFF_ROLES:
        return articles
    if user.role == Role.CUSTOMER:
        return readable_by_customers(articles)
    return articles.none()


policy.register(
    "knowledge",
    {
        KnowledgeAction.VIEW: gettext_lazy("read knowledge articles"),
        KnowledgeAction.WRITE: gettext_lazy("write knowledge articles"),
        KnowledgeAction.DRAFT_FROM_CASE: gettext_lazy("draft an article from"),
        KnowledgeAction.REVIEW: gettext_lazy("review knowledge articles"),
        KnowledgeAction.PUBLISH: gettext_lazy("publish"),
        KnowledgeAction.LINK_CASE: gettext_lazy("link an article that solved"),
        KnowledgeAction.DEFLECT: gettext_lazy("say an article solved your problem"),
    },
    _rule,
)
policy.register_visibility(
    Article, _rows, view=KnowledgeAction.VIEW, hidden=gettext_lazy("No such article.")
)
