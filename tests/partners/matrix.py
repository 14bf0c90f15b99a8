"""Partners' entries in the authorization matrices, and its people: a partner engineer of
the partner serving org A's subcontracted CASE, and one of another partner (serving org
B's).  Both CASEs join the world's (state "subcontracted"), so every page and endpoint that
names a CASE checks what a partner engineer may read, and every other reader the reverse."""

from __future__ import annotations

from casedesk.cases.choices import CaseAction
from casedesk.partners import services
from casedesk.partners.policy import PartnerAction as P
from tests.authorization import (
    CONSOLE,
    NOTHING,
    SIGNED_IN,
    UNKNOWN_NUMBER,
    UNKNOWN_PK,
    Needs,
    Page,
    Subject,
    World,
)
from tests.factories import make_case, make_user
from tests.partners.factories import make_partner, make_partner_engineer


def build(world: World) -> None:
    keeper = make_user("supervisor", username="m.partner-keeper")
    ours = make_partner(code="MPTNR", name="矩阵伙伴甲", by=keeper)
    theirs = make_partner(code="MOTHER", name="矩阵伙伴乙", by=keeper)
    rule = services.rule_create(partner=ours, region="矩阵区", by=keeper)
    for org, contact, partner in (
        ("ORGA", world.contact_a, ours),
        ("ORGB", world.contact_b, theirs),
    ):
        case = make_case(
            contact=contact,
            by=keeper,
            title=f"MATRIX-{org}-subcontracted-机密标题",
            serial_number=f"SN-{org}-subcontracted",
        )
        services.subcontract_open(case=case, partner=partner, reason="矩阵", by=keeper)
        case.refresh_from_db()
        world.cases[(org, "subcontracted")] = case
    world.objects["partners"] = {"ours": ours, "theirs": theirs, "rule": rule}
    world.subjects += [
        Subject("partner engineer of the CASE's partner", make_partner_engineer(ours, "m.gz")),
        Subject("partner engineer of another partner", make_partner_engineer(theirs, "m.sz")),
    ]


def _partners(w: World, state: str = "") -> dict:
    o = w.objects["partners"]
    return {
        "our partner": (o["ours"].code, o["ours"]),
        "another partner": (o["theirs"].code, o["theirs"]),
        "no such partner": ("NOPARTNER", NOTHING),
    }


def _rules(w: World, state: str = "") -> dict:
    rule = w.objects["partners"]["rule"]
    return {"a rule": (str(rule.pk), rule), "no such rule": (str(UNKNOWN_PK), NOTHING)}


ENDPOINTS = {
    "casedesk_api_partners_list_partners": (Needs(),),
    "casedesk_api_partners_create_partner": (
        Needs((P.MANAGE,), lambda w: {"code": "MNEW", "name": "新伙伴", "email": "a@new.example"}),
    ),
    "casedesk_api_partners_get_partner": (Needs((P.VIEW,)),),
    "casedesk_api_partners_set_partner_active": (Needs((P.MANAGE,), lambda w: {"active": False}),),
    "casedesk_api_partners_set_partner_target": (
        Needs(
            (P.MANAGE,),
            lambda w: {"priority": "P3", "response_minutes": 10, "resolution_minutes": 60},
        ),
    ),
    "casedesk_api_partners_create_rule": (Needs((P.MANAGE,), lambda w: {"product": "ASR"}),),
    "casedesk_api_partners_delete_rule": (Needs((P.MANAGE,)),),
    "casedesk_api_partners_subcontract_case": (
        Needs((CaseAction.SUBCONTRACT,), lambda w: {"partner": "MPTNR", "reason": "矩阵"}),
    ),
    "casedesk_api_partners_withdraw_subcontract": (
        Needs((CaseAction.SUBCONTRACT,), lambda w: {"reason": "矩阵"}, state="subcontracted"),
    ),
    "casedesk_api_partners_get_subcontract": (Needs((CaseAction.VIEW,), state="subcontracted"),),
    "casedesk_api_partners_partner_figures": (Needs((P.VIEW,)),),
}
API_FILLERS = {("partners", "code"): _partners, ("partner-rules", "pk"): _rules}


def _cases(state: str, *, unrelated: bool = False):
    def fill(w: World) -> list:
        a, b = w.case("ORGA", state), w.case("ORGB", state)
        found = [("org A's CASE", a.number, a, True), ("org B's CASE", b.number, b, True)]
        if unrelated:  # a CASE of org A that no partner serves
            c = w.case("ORGA")
            found.append(("org A's own CASE", c.number, c, True))
        return [*found, ("no such CASE", UNKNOWN_NUMBER, NOTHING, False)]

    return fill


PAGES = {
    "partners:partner_list": Page(CONSOLE, (P.VIEW,)),
    "partners:case_subcontract": Page(
        CONSOLE,
        (CaseAction.SUBCONTRACT,),
        post_only=True,
        form={"partner": "MPTNR", "reason": "矩阵"},
    ),
    "partners:case_withdraw": Page(
        CONSOLE, (CaseAction.SUBCONTRACT,), post_only=True, form={"reason": "矩阵"}
    ),
    "partners:partner_home": Page(SIGNED_IN, (P.WORK,)),
    "partners:partner_case": Page(SIGNED_IN, (P.WORK, CaseAction.VIEW)),
    "partners:partner_step": Page(SIGNED_IN, (P.WORK, CaseAction.ACCEPT), post_only=True, form={}),
}
PAGE_FILLERS = {
    "partners:case_subcontract/number": _cases("in_progress"),
    "partners:case_withdraw/number": _cases("subcontracted"),
    "partners:partner_case/number": _cases("subcontracted", unrelated=True),
    "partners:partner_step/number": _cases("subcontracted", unrelated=True),
    "partners:partner_step/step": lambda w: [("accept", "accept", None, True)],
}
