"""The survey's answer (API.md § "Knowledge, surveys, complaints, customer replies"): no
login, the token in the path is the permission."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema

from casedesk.api.schemas import Detail, In

from . import services

MOUNT = "/survey"
router = Router(tags=["surveys"])
ERRORS = {400: Detail, 404: Detail, 409: Detail, 410: Detail, 422: Detail}


class AnswerIn(In):
    score: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=services.COMMENT_MAX)


class AnswerOut(Schema):
    case: str = Field(description="the CASE's number")
    score: int
    comment: str
    answered_at: dt.datetime


@router.post("/{token}", response={200: AnswerOut, **ERRORS}, auth=None)
def answer_survey(request, token: str, body: AnswerIn):
    survey = services.survey_answer(token=token, score=body.score, comment=body.comment)
    return {
        "case": survey.case.number,
        "score": survey.score,
        "comment": survey.comment,
        "answered_at": survey.answered_at,
    }
