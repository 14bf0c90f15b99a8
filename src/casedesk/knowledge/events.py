"""What knowledge publishes."""

from __future__ import annotations

import dataclasses

from casedesk.accounts.models import User
from casedesk.core.events import Event

from .models import Article


@dataclasses.dataclass(frozen=True)
class ArticlePublished(Event):
    article: Article
    by: User


@dataclasses.dataclass(frozen=True)
class ArticleRetired(Event):
    article: Article
    by: User
