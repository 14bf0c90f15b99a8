"""The CMDB's entries in the authorization matrices."""

from __future__ import annotations

from casedesk.cmdb import services
from casedesk.cmdb.policy import CmdbAction as C
from tests.authorization import CONSOLE, NOTHING, UNKNOWN_PK, Needs, Page, World


def build(world: World) -> None:
    by = None  # the system: the matrices' roles are the subjects, not the builders
    router = services.ci_create(
        name="MATRIX-路由器", kind="router", organization=world.org_a, serial_number="MX-R1", by=by
    )
    switch = services.ci_create(
        name="MATRIX-交换机", kind="switch", organization=world.org_a, by=by
    )
    spare = services.ci_create(name="MATRIX-备用", kind="server", organization=world.org_a, by=by)
    relation = services.ci_relate(ci=switch, to=router, kind="depends_on", by=by)
    service = services.service_create(organization=world.org_a, name="MATRIX-专线", by=by)
    services.service_add_item(service=service, item=switch, by=by)
    world.objects["cmdb"] = {
        "router": router,
        "switch": switch,
        "spare": spare,
        "relation": relation,
        "service": service,
    }


def _items(w: World, state: str = "") -> dict:
    router = w.objects["cmdb"]["switch"]
    return {"a CI": (str(router.pk), router), "no such CI": (str(UNKNOWN_PK), NOTHING)}


def _relations(w: World, state: str = "") -> dict:
    return {"its relation": (str(w.objects["cmdb"]["relation"].pk), None)}


def _services(w: World, state: str = "") -> dict:
    service = w.objects["cmdb"]["service"]
    return {"a service": (str(service.pk), service), "no such service": (str(UNKNOWN_PK), NOTHING)}


def _ci_body(w: World) -> dict:
    return {"name": "矩阵 CI", "kind": "site", "organization": "ORGA"}


ENDPOINTS = {
    "casedesk_api_cmdb_list_items": (Needs((C.VIEW,)),),
    "casedesk_api_cmdb_create_item": (Needs((C.EDIT,), _ci_body),),
    "casedesk_api_cmdb_get_item": (Needs((C.VIEW,)),),
    "casedesk_api_cmdb_change_item": (Needs((C.EDIT,), lambda w: {"attributes": {"rack": "B"}}),),
    "casedesk_api_cmdb_retire_item": (Needs((C.EDIT,), lambda w: {"reason": "矩阵"}),),
    "casedesk_api_cmdb_add_relation": (
        Needs((C.EDIT,), lambda w: {"to": w.objects["cmdb"]["spare"].pk, "kind": "runs_on"}),
    ),
    "casedesk_api_cmdb_remove_relation": (Needs((C.EDIT,)),),
    "casedesk_api_cmdb_item_impact": (Needs((C.VIEW,)),),
    "casedesk_api_cmdb_item_history": (Needs((C.VIEW,)),),
    "casedesk_api_cmdb_create_service": (
        Needs((C.EDIT,), lambda w: {"organization": "ORGA", "name": "矩阵服务"}),
    ),
    "casedesk_api_cmdb_get_service": (Needs((C.VIEW,)),),
    "casedesk_api_cmdb_add_service_item": (
        Needs((C.EDIT,), lambda w: {"item": w.objects["cmdb"]["router"].pk}),
    ),
}
API_FILLERS = {
    ("configuration-items", "id"): _items,
    ("configuration-items", "relation_id"): _relations,
    ("services", "id"): _services,
}


def _item_pages(w: World) -> list:
    return [
        (label, int(value), obj, obj is not NOTHING) for label, (value, obj) in _items(w).items()
    ]


PAGES = {
    "cmdb:item_list": Page(CONSOLE, (C.VIEW,)),
    "cmdb:item_new": Page(CONSOLE, (C.EDIT,)),
    "cmdb:item_page": Page(CONSOLE, (C.VIEW,)),
    "cmdb:item_edit": Page(CONSOLE, (C.EDIT,)),
    "cmdb:item_relate": Page(
        CONSOLE, (C.EDIT,), post_only=True, form={"kind": "connected_to", "to_id": "1"}
    ),
    "cmdb:relation_remove": Page(CONSOLE, (C.EDIT,), post_only=True, form={}),
    "cmdb:item_retire": Page(CONSOLE, (C.EDIT,), post_only=True, form={"reason": "矩阵"}),
}
PAGE_FILLERS = {
    "cmdb:item_page/pk": _item_pages,
    "cmdb:item_edit/pk": _item_pages,
    "cmdb:item_relate/pk": _item_pages,
    "cmdb:item_retire/pk": _item_pages,
    "cmdb:relation_remove/pk": _item_pages,
    "cmdb:relation_remove/relation_pk": lambda w: [
        ("its relation", w.objects["cmdb"]["relation"].pk, None, True)
    ],
}
