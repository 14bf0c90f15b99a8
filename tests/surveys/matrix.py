"""The surveys' entries in the authorization matrices: the answer needs no login (the token
in its path is the permission), the results are the desk's."""

from __future__ import annotations

from casedesk.surveys.policy import SurveyAction as S
from tests.authorization import CONSOLE, PUBLIC, Needs, Page, World
from tests.surveys.factories import closed_case, token_of


def build(world: World) -> None:
    # A CASE of its own (not among the world's, whose titles are secrets to most readers):
    # the survey page shows its number and title to whoever holds the link.
    case = closed_case(contact=world.contact_a, title="MATRIX-问卷")
    world.objects["surveys"] = {"token": token_of(case)}


def _token(w: World, state: str = "") -> dict:
    return {"the link's token": (w.objects["surveys"]["token"], None)}


ENDPOINTS = {
    "casedesk_api_surveys_answer_survey": (
        Needs((), lambda w: {"score": 4, "comment": "矩阵"}, public=True),
    ),
}
API_FILLERS = {("survey", "token"): _token}

PAGES = {
    "surveys:answer": Page(PUBLIC),
    "surveys:results": Page(CONSOLE, (S.RESULTS,)),
}
PAGE_FILLERS = {
    "surveys:answer/token": lambda w: [
        ("the link's token", _token(w)["the link's token"][0], None, True)
    ],
}
