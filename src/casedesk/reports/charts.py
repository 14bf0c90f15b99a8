"""Charts drawn on the server as SVG: no JavaScript library, nothing to download.

Each chart is accessible: a ``<title>`` and ``<desc>`` name it for screen readers, axes
carry their labels, every bar and point has its value as text (a label, and a ``<title>``
tooltip on hover).  Every piece of text is escaped here, so a customer named ``<script>``
draws as those characters; the returned markup is safe to put in a template as it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .selectors import AGE_BUCKETS, SEVERITY_WEIGHT

SEVERITY_COLORS = {"P1": "#c62828", "P2": "#ef6c00", "P3": "#f9a825", "P4": "#78909c"}
PALETTE = ("#1565c0", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457", "#5d4037", "#9e9d24")
AXIS = "#5f6b7a"
GRID = "#e3e7ec"
FONT = 12


@dataclass
class Series:
    name: str
    values: Sequence[float | int | None]
    color: str = ""


def _colored(series: Sequence[Series]) -> list[Series]:
    return [
        Series(s.name, s.values, s.color or PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)
    ]


def _fmt(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        text = number_format(value, 1)
    else:
        text = number_format(int(value))
    return f"{text}{unit}"


def _nice_max(value: float) -> tuple[float, float]:
    """A round top for the axis above ``value`` and its tick step (1, 2 or 5 × 10ⁿ)."""
    if value <= 0:
        return 1, 1
    raw = value / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if step < 1 and float(value).is_integer():
        step = 1
    return step * math.ceil(value / step), step


def _ticks(top: float, step: float) -> list[float]:
    count = round(top / step)
    return [step * i for i in range(count + 1)]


def _wide(ch: str) -> bool:
    return ord(ch) > 0x2E7F  # CJK and other full-width characters


def _width(text: str) -> float:
    """About how many pixels ``text`` takes at the chart's font size."""
    return sum(FONT if _wide(ch) else FONT * 0.58 for ch in text)


def _short(text: str, max_px: float) -> str:
    """``text`` cut with an ellipsis to fit ``max_px`` (the full text is in a tooltip)."""
    if _width(text) <= max_px:
        return text
    while text and _width(text) > max_px - FONT:
        text = text[:-1]
    return text + "…"


def _frame(chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]):
    return mark_safe(  # every text inside was escaped by the builders
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}">'
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", cls: str = "", **attrs) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}{extra}>{escape(text)}</text>'
    )


def _axes(
    left: float,
    top: float,
    plot_w: float,
    plot_h: float,
    x_end: float,
    height: float,
    x_label: str,
    y_label: str,
) -> list[str]:
    """The x axis line and both axis labels of a vertical chart."""
    mid = top + plot_h / 2
    return [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{x_end}" y2="{top + plot_h}" stroke="{AXIS}"/>',
        _text(left + plot_w / 2, height - 8, x_label, anchor="middle", cls="axis"),
        _text(14, mid, y_label, anchor="middle", cls="axis", transform=f"rotate(-90 14 {mid:.1f})"),
    ]


def _legend(series: Sequence[Series], x: float, y: float) -> list[str]:
    out = ['<g class="legend">']
    for s in series:
        out.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{s.color}"/>')
        out.append(_text(x + 16, y, s.name))
        x += 28 + _width(s.name)
    out.append("</g>")
    return out


def _empty(chart_id: str, title: str, message: str) -> SafeString:
    body = [_text(320, 60, message, anchor="middle", fill=AXIS)]
    return _frame(chart_id, title, message, 640, 100, body)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    x_label: str,
    y_label: str,
    empty: str,
    stacked: bool = True,
    unit: str = "",
) -> SafeString:
    """Vertical bars, one group per category; stacked (with the total on top) or side by side."""
    series = _colored(series)
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(categories))]
    peak = max(totals if stacked else [v or 0 for s in series for v in s.values], default=0)
    if peak <= 0:
        return _empty(chart_id, title, empty)
    width, height = 640, 300
    left, right, top, bottom = 56, 12, 34, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    axis_top, step = _nice_max(peak)
    scale = plot_h / axis_top
    body = _legend(series, left, 16)
    for tick in _ticks(axis_top, step):
        y = top + plot_h - tick * scale
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        body.append(_text(left - 6, y + 4, _fmt(tick), anchor="end", fill=AXIS))
    slot = plot_w / max(len(categories), 1)
    bar_w = min(48.0, slot * 0.7)
    label_every = max(1, math.ceil(len(categories) / 14))
    for i, category in enumerate(categories):
        x0 = left + slot * i + (slot - bar_w) / 2
        base = float(top + plot_h)
        group_w = bar_w / len(series)
        for j, s in enumerate(series):
            value = s.values[i] or 0
            if value <= 0:
                continue
            h = value * scale
            if stacked:
                x, y, w = x0, base - h, bar_w
                base -= h
            else:
                x, y, w = x0 + j * group_w, top + plot_h - h, group_w
                body.append(_text(x + w / 2, y - 3, _fmt(value, unit), anchor="middle"))
            tip = f"{category} · {s.name}: {_fmt(value, unit)}"
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
                f'fill="{s.color}"><title>{escape(tip)}</title></rect>'
            )
        if stacked and totals[i]:
            body.append(
                _text(x0 + bar_w / 2, base - 4, _fmt(totals[i], unit), anchor="middle", cls="v")
            )
        if i % label_every == 0:
            body.append(
                _text(left + slot * (i + 0.5), top + plot_h + 16, _short(category, slot * label_every - 4),
                      anchor="middle", fill=AXIS)
            )  # fmt: skip
    body += _axes(left, top, plot_w, plot_h, width - right, height, x_label, y_label)
    return _frame(chart_id, title, _describe(categories, series, unit), width, height, body)


def hbar_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    x_label: str,
    empty: str,
    unit: str = "",
    totals: Sequence[str] | None = None,
) -> SafeString:
    """Horizontal stacked bars, one row per category (people, customers, levels)."""
    series = _colored(series)
    sums = [sum(s.values[i] or 0 for s in series) for i in range(len(categories))]
    peak = max(sums, default=0)
    if peak <= 0:
        return _empty(chart_id, title, empty)
    row_h, left, right, top, bottom = 24, 176, 56, 34, 40
    width = 640
    height = top + bottom + row_h * len(categories)
    plot_w = width - left - right
    axis_top, step = _nice_max(peak)
    scale = plot_w / axis_top
    body = _legend(series, left, 16) if len(series) > 1 else []
    for tick in _ticks(axis_top, step):
        x = left + tick * scale
        body.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - bottom}" stroke="{GRID}"/>'
        )
        body.append(_text(x, height - bottom + 14, _fmt(tick), anchor="middle", fill=AXIS))
    for i, category in enumerate(categories):
        y = top + row_h * i + 4
        x = float(left)
        body.append(
            f"<g>{_text(left - 6, y + row_h / 2 + 1, _short(category, left - 12), anchor='end')}"
            f"<title>{escape(category)}</title></g>"
        )
        for s in series:
            value = s.values[i] or 0
            if value <= 0:
                continue
            w = value * scale
            tip = f"{category} · {s.name}: {_fmt(value, unit)}"
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{row_h - 8}" '
                f'fill="{s.color}"><title>{escape(tip)}</title></rect>'
            )
            x += w
        label = totals[i] if totals is not None else _fmt(sums[i], unit)
        body.append(_text(x + 4, y + row_h / 2 + 1, label, cls="v"))
    body.append(_text(left + plot_w / 2, height - 8, x_label, anchor="middle", cls="axis"))
    return _frame(chart_id, title, _describe(categories, series, unit), width, height, body)


def line_chart(
    *,
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    x_label: str,
    y_label: str,
    empty: str,
    y_max: float | None = 100,
    unit: str = "%",
) -> SafeString:
    """Lines over the categories (weeks); a missing value (None) breaks the line."""
    series = _colored(series)
    values = [v for s in series for v in s.values if v is not None]
    if not values:
        return _empty(chart_id, title, empty)
    width, height = 640, 300
    left, right, top, bottom = 56, 24, 34, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    axis_top, step = (y_max, y_max / 5) if y_max else _nice_max(max(values))
    scale = plot_h / axis_top
    body = _legend(series, left, 16)
    for tick in _ticks(axis_top, step):
        y = top + plot_h - tick * scale
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        body.append(_text(left - 6, y + 4, _fmt(tick, unit), anchor="end", fill=AXIS))
    slot = plot_w / max(len(categories), 1)
    label_every = max(1, math.ceil(len(categories) / 14))
    show_values = len(categories) <= 16
    for i, category in enumerate(categories):
        if i % label_every == 0:
            body.append(
                _text(left + slot * (i + 0.5), top + plot_h + 16, _short(category, slot * label_every - 4),
                      anchor="middle", fill=AXIS)
            )  # fmt: skip
    for s in series:
        runs: list[list[tuple[float, float]]] = [[]]
        for i, value in enumerate(s.values):
            if value is None:
                runs.append([])
                continue
            runs[-1].append((left + slot * (i + 0.5), top + plot_h - value * scale))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                body.append(
                    f'<polyline points="{points}" fill="none" stroke="{s.color}" stroke-width="2"/>'
                )
        for i, value in enumerate(s.values):
            if value is None:
                continue
            x, y = left + slot * (i + 0.5), top + plot_h - value * scale
            tip = f"{categories[i]} · {s.name}: {_fmt(value, unit)}"
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{s.color}">'
                f"<title>{escape(tip)}</title></circle>"
            )
            if show_values:
                body.append(_text(x, y - 8, _fmt(value, unit), anchor="middle", cls="v"))
    body += _axes(left, top, plot_w, plot_h, width - right, height, x_label, y_label)
    return _frame(chart_id, title, _describe(categories, series, unit), width, height, body)


def _describe(categories: Sequence[str], series: Sequence[Series], unit: str) -> str:
    """The chart's numbers as one sentence per series, for screen readers."""
    parts = []
    for s in series:
        pairs = ", ".join(
            f"{c} {_fmt(v, unit)}" for c, v in zip(categories, s.values, strict=True) if v
        )
        parts.append(f"{s.name}: {pairs or '0'}.")
    return " ".join(parts)


# --- the dashboard's charts, each drawn from its table ----------------------------------

TOP = 15  # rows drawn in the people and customer charts; the table and exports have all


def _weeks(table) -> list[str]:
    return [week.strftime("%m-%d") for week in table.column("week")]


def _severity_series(table, rows, columns, *, weight=None) -> list[Series]:
    return [
        Series(
            p if weight is None else f"{p} ×{weight[p]}",
            [r[columns.index(p)] * (weight[p] if weight else 1) for r in rows],
            SEVERITY_COLORS[p],
        )
        for p in SEVERITY_COLORS
    ]


def chart_for(table) -> SafeString:
    """The chart of one dashboard table (see ``selectors.TABLES``)."""
    from django.utils.translation import gettext as _

    key, title = table.key, str(table.title)
    columns = [c.key for c in table.columns]
    empty = _("Nothing in this period.")
    chart_id = f"chart-{key}"
    if key == "open_by_age":
        buckets = [str(label) for label, _low, _high in AGE_BUCKETS]
        series = [
            Series(row[0], row[1 : 1 + len(buckets)], SEVERITY_COLORS[row[0]]) for row in table.rows
        ]
        return bar_chart(
            chart_id=chart_id,
            title=title,
            categories=buckets,
            series=series,
            x_label=_("Open for"),
            y_label=_("CASEs"),
            empty=_("No open CASEs."),
        )
    if key == "callbacks":
        return line_chart(
            chart_id=chart_id,
            title=title,
            categories=_weeks(table),
            series=[
                Series(_("Callbacks"), table.column("callback_pct"), PALETTE[0]),
                Series(_("Engineer callbacks"), table.column("engineer_pct"), PALETTE[2]),
            ],
            x_label=_("Week of"),
            y_label=_("On time %"),
            empty=empty,
        )
    if key == "sla":
        return line_chart(
            chart_id=chart_id,
            title=title,
            categories=_weeks(table),
            series=[Series(_("Compliance %"), table.column("pct"), PALETTE[1])],
            x_label=_("Week of"),
            y_label=_("Resolved on time %"),
            empty=empty,
        )
    if key == "escalations":
        return hbar_chart(
            chart_id=chart_id,
            title=title,
            categories=[str(r[0]) for r in table.rows],
            series=_severity_series(table, table.rows, columns),
            x_label=_("Escalations"),
            empty=empty,
        )
    if key == "load":
        rows = [r for r in table.rows if r[columns.index("total")]][:TOP]
        return hbar_chart(
            chart_id=chart_id,
            title=title,
            categories=[r[0] for r in rows],
            series=_severity_series(table, rows, columns, weight=SEVERITY_WEIGHT),
            x_label=_("Weighted load"),
            empty=_("No engineer has open CASEs."),
        )
    if key == "labour_week":
        return bar_chart(
            chart_id=chart_id,
            title=title,
            categories=_weeks(table),
            series=[Series(_("Hours"), table.column("hours"), PALETTE[3])],
            x_label=_("Week of"),
            y_label=_("Hours"),
            empty=empty,
        )
    rows = table.rows[:TOP]  # labour per engineer / per customer, most hours first
    return hbar_chart(
        chart_id=chart_id,
        title=title,
        categories=[str(r[0]) for r in rows],
        series=[Series(_("Hours"), [r[columns.index("hours")] for r in rows], PALETTE[3])],
        x_label=_("Hours"),
        empty=empty,
    )
