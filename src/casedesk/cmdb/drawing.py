"""Impact drawn server-side as a small inline SVG (no script): the failing CI on the left,
the CIs it hits in columns by how many steps away they are, then the services hit and
their customers on the right; an arrow is "is hit through".  At most ``MAX_NODES`` CIs
are drawn (nearest first); the lists beside it name every one."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .choices import IMPACT_KINDS, ItemKind
from .models import Relation, Service
from .selectors import Impact

MAX_NODES = 36
W, H, GAP_X, GAP_Y, PAD = 150, 40, 34, 12, 12


@dataclasses.dataclass
class _Node:
    key: str
    title: str
    subtitle: str
    css: str
    column: int = 0
    row: int = 0


def _short(text: str, n: int = 18) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _layers(start: int, edges: dict[int, set[int]]) -> dict[int, int]:
    """Each CI reachable from ``start`` over ``edges`` (dependency → dependents) and its
    distance (breadth first: a node is drawn once, at its nearest column)."""
    depth, frontier = {start: 0}, [start]
    while frontier:
        nxt = []
        for node in frontier:
            for dependent in sorted(edges[node]):
                if dependent not in depth:
                    depth[dependent] = depth[node] + 1
                    nxt.append(dependent)
        frontier = nxt
    return depth


def impact_svg(found: Impact) -> SafeString:
    ci = found.ci
    hit = {item.pk: item for item in found.items}
    edges: dict[int, set[int]] = defaultdict(set)
    rows = Relation.objects.filter(
        source_id__in=list(hit), target_id__in=[*hit, ci.pk], kind__in=IMPACT_KINDS
    ).values_list("target_id", "source_id")
    for target, source in rows:
        edges[target].add(source)
    depth = _layers(ci.pk, edges)
    drawn = sorted((d, hit[pk].name, pk) for pk, d in depth.items() if pk in hit)[:MAX_NODES]
    shown = {ci.pk} | {pk for _d, _n, pk in drawn}
    nodes: dict[str, _Node] = {
        f"ci{ci.pk}": _Node(f"ci{ci.pk}", ci.name, ci.get_kind_display(), "failed")
    }
    for d, _name, pk in drawn:
        item = hit[pk]
        css = "service-ci" if item.kind == ItemKind.SERVICE else "ci"
        nodes[f"ci{pk}"] = _Node(f"ci{pk}", item.name, item.get_kind_display(), css, column=d)
    last = max((n.column for n in nodes.values()), default=0)
    links = [
        (f"ci{t}", f"ci{s}") for t, ss in edges.items() for s in ss if t in shown and s in shown
    ]
    items_of = defaultdict(set)
    through = Service.items.through.objects.filter(
        service_id__in=[s.pk for s in found.services], configurationitem_id__in=shown
    ).values_list("service_id", "configurationitem_id")
    for service_id, item_id in through:
        items_of[service_id].add(item_id)
    for service in found.services:
        key = f"s{service.pk}"
        nodes[key] = _Node(key, service.name, _("service"), "service", column=last + 1)
        for item_id in items_of[service.pk]:
            links.append((f"ci{item_id}", key))
    for org in found.customers:
        key = f"o{org.pk}"
        nodes[key] = _Node(key, org.name, _("customer"), "customer", column=last + 2)
    for service in found.services:
        links.append((f"s{service.pk}", f"o{service.organization_id}"))
    columns: dict[int, list[_Node]] = defaultdict(list)
    for node in nodes.values():
        columns[node.column].append(node)
    for column in columns.values():
        for row, node in enumerate(column):
            node.row = row
    width = PAD * 2 + (max(columns) + 1) * (W + GAP_X) - GAP_X
    height = PAD * 2 + max(len(c) for c in columns.values()) * (H + GAP_Y) - GAP_Y
    return mark_safe(_svg(nodes, links, width, height))  # noqa: S308 (every text escaped)


def _xy(node: _Node) -> tuple[int, int]:
    return PAD + node.column * (W + GAP_X), PAD + node.row * (H + GAP_Y)


def _svg(nodes: dict[str, _Node], links, width: int, height: int) -> str:
    label = escape(_("Impact graph"))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="impact-graph" role="img"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        ' style="max-width:100%;height:auto"'
        f' aria-label="{label}">',
        "<defs><marker id='arrow' viewBox='0 0 8 8' refX='8' refY='4' markerWidth='7'"
        " markerHeight='7' orient='auto'><path d='M0,0 L8,4 L0,8 z' fill='#64748b'/></marker></defs>",
    ]
    for a, b in links:
        if a not in nodes or b not in nodes:
            continue
        (x1, y1), (x2, y2) = _xy(nodes[a]), _xy(nodes[b])
        out.append(
            f'<line x1="{x1 + W}" y1="{y1 + H // 2}" x2="{x2}" y2="{y2 + H // 2}"'
            ' stroke="#94a3b8" stroke-width="1.2" marker-end="url(#arrow)"/>'
        )
    fills = {
        "failed": ("#fee2e2", "#dc2626"),
        "ci": ("#f8fafc", "#94a3b8"),
        "service-ci": ("#eef2ff", "#6366f1"),
        "service": ("#e0f2fe", "#0284c7"),
        "customer": ("#fef3c7", "#d97706"),
    }
    for node in nodes.values():
        x, y = _xy(node)
        fill, stroke = fills[node.css]
        out.append(
            f'<g class="node {node.css}"><title>{escape(node.title)}</title>'
            f'<rect x="{x}" y="{y}" width="{W}" height="{H}" rx="6" fill="{fill}"'
            f' stroke="{stroke}"/>'
            f'<text x="{x + 8}" y="{y + 17}" font-size="12" fill="#0f172a">'
            f"{escape(_short(node.title))}</text>"
            f'<text x="{x + 8}" y="{y + 32}" font-size="10" fill="#475569">'
            f"{escape(node.subtitle)}</text></g>"
        )
    out.append("</svg>")
    return "".join(out)
