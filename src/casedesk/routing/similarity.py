"""Past CASEs like this one: the evidence for "success on similar past CASEs"."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from casedesk.cases.choices import Status
from casedesk.cases.models import Case

SIMILAR_LIMIT = 20
# The fallback's window: the most recent resolved CASEs it compares (bounded work per call).
RECENT_RESOLVED = 2000
MIN_SCORE = 0.2

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9][a-z0-9._-]*[a-z0-9]|[a-z0-9]")


def tokens(text: str) -> set[str]:
    """Overlapping bigrams of Chinese characters (a lone character as itself), plus Latin
    words and numbers whole: the CJK analysers' way, which needs no dictionary."""
    text = (text or "").lower()
    out: set[str] = set()
    for run in _HAN.findall(text):
        if len(run) == 1:
            out.add(run)
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    out.update(w for w in _WORD.findall(_HAN.sub(" ", text)) if len(w) > 1)
    return out


def _similar_recent(
    text: str, *, exclude_case_id: int | None, limit: int
) -> list[tuple[int, float]]:
    """Cosine similarity of token sets over the most recent resolved and closed CASEs."""
    query = tokens(text)
    if not query:
        return []
    rows = (
        Case.objects.filter(status__in=(Status.RESOLVED, Status.CLOSED))
        .exclude(pk=exclude_case_id)
        .order_by("-created_at", "-id")
        .values_list("id", "title", "hardware_platform")[:RECENT_RESOLVED]
    )
    scored = []
    for pk, title, platform in rows:
        theirs = tokens(f"{title} {platform}")
        if not theirs:
            continue
        common = len(query & theirs)
        if common:
            score = common / math.sqrt(len(query) * len(theirs))
            if score >= MIN_SCORE:
                scored.append((pk, score))
    scored.sort(key=lambda item: (-item[1], -item[0]))
    return scored[:limit]


def similar_case_ids(case: Case, *, limit: int = SIMILAR_LIMIT) -> list[tuple[int, float]]:
    """``(case id, score)`` of resolved and closed CASEs most like ``case``, best first."""
    text = f"{case.title} {case.hardware_platform}"
    return _similar_recent(text, exclude_case_id=case.pk, limit=limit)


@dataclass
class PastSuccess:
    number: str
    score: float
    same_customer: bool


def successes_by_engineer(case: Case) -> dict[int, list[PastSuccess]]:
    """Per engineer, the similar past CASEs they resolved for good: confirmed by the
    customer or closed, and never reopened; best match first."""
    similar = similar_case_ids(case)
    if not similar:
        return {}
    scores = dict(similar)
    out: dict[int, list[PastSuccess]] = {}
    rows = (
        Case.objects.filter(pk__in=scores, engineer__isnull=False, reopen_count=0)
        .filter(status__in=(Status.RESOLVED, Status.CLOSED))
        .values_list("pk", "number", "engineer_id", "status", "confirmed_at", "organization_id")
    )
    for pk, number, engineer_id, status, confirmed_at, org_id in rows:
        if status == Status.CLOSED or confirmed_at is not None:
            same = org_id == case.organization_id
            out.setdefault(engineer_id, []).append(PastSuccess(number, scores[pk], same))
    for found in out.values():
        found.sort(key=lambda s: -s.score)
    return out
