"""The SVG charts: well-formed, accessible, values as text, every label escaped."""

import xml.etree.ElementTree as ET

from casedesk.reports import charts
from casedesk.reports.charts import Series

NS = "{http://www.w3.org/2000/svg}"
EVIL = "<img src=x onerror=alert(1)>"


def parse(svg):
    return ET.fromstring(str(svg))


def texts(root):
    return [el.text for el in root.iter() if el.text]


def test_bar_chart_is_accessible_and_escapes_labels():
    svg = charts.bar_chart(
        chart_id="c1",
        title=f"标题 {EVIL}",
        categories=[EVIL, "4–24 h"],
        series=[Series("P1", [2, 0], "#c00"), Series("P2", [1, 3])],
        x_label="Open for",
        y_label="CASEs",
        empty="none",
    )
    assert EVIL not in svg
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-t c1-d"
    assert root.find(f"{NS}title").text == f"标题 {EVIL}"
    assert "P1: " in root.find(f"{NS}desc").text
    # Every bar carries its value as a tooltip; stacked totals are printed on top.
    tips = [
        r.find(f"{NS}title").text
        for r in root.iter(f"{NS}rect")
        if r.find(f"{NS}title") is not None
    ]
    assert f"{EVIL} · P1: 2" in tips
    assert "4–24 h · P2: 3" in tips
    assert len(tips) == 3  # the zero is not drawn
    assert {"3", "Open for", "CASEs"} <= set(texts(root))


def test_grouped_bars_print_each_value():
    svg = charts.bar_chart(
        chart_id="c2",
        title="t",
        categories=["a"],
        series=[Series("x", [5]), Series("y", [7])],
        x_label="",
        y_label="",
        empty="none",
        stacked=False,
    )
    assert {"5", "7"} <= set(texts(parse(svg)))


def test_an_empty_chart_says_so():
    svg = charts.bar_chart(
        chart_id="c3",
        title="t",
        categories=["a", "b"],
        series=[Series("x", [0, None])],
        x_label="",
        y_label="",
        empty="Nothing in this period.",
    )
    root = parse(svg)
    assert "Nothing in this period." in texts(root)
    assert not list(root.iter(f"{NS}rect"))


def test_line_chart_breaks_at_missing_weeks():
    svg = charts.line_chart(
        chart_id="c4",
        title="SLA",
        categories=["10-05", "10-12", "10-19", "10-26"],
        series=[Series("Compliance %", [10.0, None, 20.5, 30.0])],
        x_label="Week of",
        y_label="%",
        empty="none",
    )
    root = parse(svg)
    assert len(list(root.iter(f"{NS}circle"))) == 3
    assert len(list(root.iter(f"{NS}polyline"))) == 1  # 10-19 to 10-26; 10-05 stands alone
    assert {"10%", "20.5%", "30%", "100%"} <= set(texts(root))


def test_long_names_are_cut_but_whole_in_the_tooltip():
    name = "中国电信股份有限公司北京分公司数据中心运维部"
    svg = charts.hbar_chart(
        chart_id="c5",
        title="t",
        categories=[name, EVIL],
        series=[Series("Hours", [12.5, 3])],
        x_label="Hours",
        empty="none",
    )
    root = parse(svg)
    labels = texts(root)
    assert name in labels  # the row's tooltip
    assert any(t.endswith("…") and name.startswith(t[:-1]) for t in labels)
    assert "12.5" in labels
    assert EVIL in labels and EVIL not in svg


def test_axis_tops_are_round():
    assert charts._nice_max(7) == (8, 2)
    assert charts._nice_max(3) == (3, 1)
    assert charts._nice_max(1300) == (1500, 500)
    assert charts._nice_max(0) == (1, 1)
