"""Routing: the engineers recommended for a CASE, best first, with the reasons."""

from ninja import Field, Router
from pydantic import BaseModel

from casedesk.routing.selectors import case_by_number, recommendations
from casedesk.web.templatetags.console import person

from .schemas import Detail

router = Router(tags=["routing"])

ERRORS = {401: Detail, 403: Detail, 404: Detail}
LIMIT = 20


class ReasonOut(BaseModel):
    code: str = Field(
        description="tier, skills, load, on_duty, project, preferred, similar or role",
        examples=["skills"],
    )
    text: str = Field(
        description="the reason in the request's language", examples=["Skills for this CASE"]
    )
    points: float = Field(description="what the reason adds to the score (never negative)")


class RecommendationOut(BaseModel):
    engineer: str = Field(description="username", examples=["se.zhao"])
    name: str
    tier: str = Field(description="first_line or senior")
    role: str
    skills: list[str] = Field(description="the engineer's skill codes")
    load: int = Field(description="live CASEs (assigned, in progress, pending)")
    weighted_load: int = Field(description="live CASEs weighted by severity: P1 4 … P4 1")
    capacity: int
    on_duty: bool = Field(description="on a shift of the roster now")
    score: float = Field(description="the sum of the reasons' points (never negative)")
    reasons: list[ReasonOut]


@router.get(
    "/{number}/recommendations",
    response={200: list[RecommendationOut], **ERRORS},
    summary="Engineers recommended for a CASE",
)
def case_recommendations(request, number: str):
    """Who could take the CASE now, best first (staff only).

    P1/P2 CASEs are offered senior engineers only; engineers at capacity and the current
    owner are left out.  Each engineer's score is the sum of their reasons' points, none
    negative: the skills the CASE calls for, the spare capacity (less for each live CASE,
    weighted by severity), being on shift, having run the customer's original project,
    being the customer's preferred engineer, and similar past CASEs they resolved for good.
    Engineers come before duty engineers and supervisors.
    """
    case = case_by_number(number=number, fetched_by=request.auth)
    ranked = recommendations(case, fetched_by=request.auth, exclude=[case.engineer_id], limit=LIMIT)
    return [
        {
            "engineer": r.engineer.username,
            "name": person(r.engineer),
            "tier": r.engineer.staff.tier,
            "role": r.engineer.role,
            "skills": r.skills,
            "load": r.load,
            "weighted_load": r.weighted_load,
            "capacity": r.capacity,
            "on_duty": r.on_duty,
            "score": r.score,
            "reasons": [{"code": x.code, "text": x.text, "points": x.points} for x in r.reasons],
        }
        for r in ranked
    ]
