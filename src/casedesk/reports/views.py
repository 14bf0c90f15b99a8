"""The manager dashboard and its exports: parse the filters, check the policy, read the
selectors, render.  Nothing here changes anything."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from casedesk.cases.choices import Priority
from casedesk.core import clock, discovery, policy
from casedesk.core.errors import DomainError
from casedesk.reports.policy import ReportAction
from casedesk.web.guards import forbidden, staff_required

from . import charts, exports, selectors

FORMATS = ("csv", "xlsx")
ALL = "all"


def _cell(value, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "date":
        return value.isoformat()
    if kind == "percent":
        return f"{number_format(value, 1)}%"
    if kind == "float":
        return number_format(value, 1)
    return str(value)


def drill_down(table, f: selectors.Filters):
    """For the tables whose rows are CASEs one can list: row → the CASE list's filters."""
    base = {"organization": f.organization.code} if f.organization else {}
    if table.key == "open_by_age":
        if f.engineer:
            base["engineer"] = f.engineer.username
        return lambda row: {**base, "priority": row[0]}
    if table.key == "load":
        if f.priority:
            base["priority"] = f.priority
        return lambda row: {**base, "engineer": row[1]}
    return None


def numbers_table(table, link=None) -> SafeString:
    """The table under a chart, every value escaped (built here: a template loop over a
    few thousand cells costs more than the page's charts).  ``link(row)``: the CASE list's
    filters that show the row's CASEs, put on its first cell."""
    head = "".join(f'<th scope="col">{escape(c.label)}</th>' for c in table.columns)
    kinds = [c.kind for c in table.columns]
    cases_url = reverse("web:case_list")
    body = []
    for row in table.rows:
        cells: list[str] = [escape(_cell(v, k)) for v, k in zip(row, kinds, strict=True)]
        if link is not None:
            href = escape(f"{cases_url}?{urlencode(link(row))}")
            cells[0] = f'<a href="{href}">{cells[0]}</a>'
        body.append(
            f'<tr><th scope="row">{cells[0]}</th>'
            + "".join(
                f'<td class="text">{cell}</td>' if kind == "text" else f"<td>{cell}</td>"
                for cell, kind in zip(cells[1:], kinds[1:], strict=True)
            )
            + "</tr>"
        )
    if not body:
        empty = escape(_("Nothing in this period."))
        body.append(f'<tr><td colspan="{len(kinds)}" class="empty">{empty}</td></tr>')
    return mark_safe(  # every piece was escaped above
        f'<table class="numbers-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def options(choices, selected: str) -> SafeString:
    """``<option>``s for (value, label) pairs, escaped, with ``selected`` marked."""
    return mark_safe(  # escaped here
        "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) == selected else ""}>'
            f"{escape(label)}</option>"
            for value, label in choices
        )
    )


def _refuse(request):
    return forbidden(request, _("The dashboard is for managers."))


def _sum(table, column: str) -> int:
    return sum(v or 0 for v in table.column(column))


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def headline(tables) -> list[dict]:
    """The few numbers a manager reads first, summed from the same tables as the charts."""
    cb, sla, labour = tables["callbacks"], tables["sla"], tables["labour_week"]
    cb_on_time = _sum(cb, "callback_on_time")
    eng_on_time = _sum(cb, "engineer_on_time")
    met = _sum(sla, "met")
    escalated = sum(row[-1] for row in tables["escalations"].rows[:2])
    return [
        {"label": _("Open CASEs now"), "value": _sum(tables["open_by_age"], "total")},
        {
            "label": _("Callbacks on time"),
            "value": _percent(cb_on_time, cb_on_time + _sum(cb, "callback_late")),
            "unit": "%",
        },
        {
            "label": _("Engineer callbacks on time"),
            "value": _percent(eng_on_time, eng_on_time + _sum(cb, "engineer_late")),
            "unit": "%",
        },
        {
            "label": _("SLA compliance"),
            "value": _percent(met, met + _sum(sla, "breached")),
            "unit": "%",
        },
        {"label": _("Escalations"), "value": escalated},
        {"label": _("Labour hours"), "value": round(_sum(labour, "minutes") / 60, 1)},
    ]


def domain_panels(request) -> list:
    """The panels other domains put on the dashboard: each installed app's ``dashboard``
    room (``panels(request)``: rendered HTML, empty for a reader it has nothing for)."""
    return [panel for room in discovery.app_modules("dashboard") for panel in room.panels(request)]


@staff_required
def dashboard(request):
    user = request.user
    if not policy.can(user, ReportAction.VIEW_DASHBOARD):
        return _refuse(request)
    params = request.GET
    context = {
        "customer_options": options(
            ((c.pk, c.name) for c in selectors.customers(reader=user)), params.get("customer", "")
        ),
        "engineer_options": options(
            ((e.pk, f"{e.display_name} ({e.username})") for e in selectors.engineers(reader=user)),
            params.get("engineer", ""),
        ),
        "severity_options": options(Priority.choices, params.get("severity", "")),
        "params": params,
        "panels": domain_panels(request),
    }
    try:
        f = selectors.parse_filters(request.GET, user=user)
    except DomainError as exc:
        context["error"] = exc.detail
        return render(request, "reports/dashboard.html", context, status=exc.status)
    tables = selectors.dashboard(f, reader=user)
    query = urlencode(f.querystring())
    context.update(
        filters=f,
        query=query,
        headline=headline(tables),
        charts=[
            {
                "table": table,
                "svg": charts.chart_for(table),
                "numbers": numbers_table(table, drill_down(table, f)),
                "top": charts.TOP,
            }
            for table in tables.values()
        ],
        generated_at=timezone.localtime(clock.now(), f.zone),
    )
    return render(request, "reports/dashboard.html", context)


def _about(f: selectors.Filters) -> list[tuple[str, str]]:
    return [
        (_("Period"), f"{f.start.isoformat()} – {f.end.isoformat()}"),
        (_("Time zone"), str(f.zone)),
        (_("Customer"), f.organization.name if f.organization else _("All")),
        (
            _("Engineer"),
            f.engineer.display_name if f.engineer else _("All"),
        ),
        (_("Severity"), f.priority or _("All")),
        (_("Generated at"), timezone.localtime(f.now, f.zone).strftime("%Y-%m-%d %H:%M")),
    ]


@staff_required
def export(request, table: str, fmt: str):
    """One table as CSV or XLSX, or every table as one workbook (``all.xlsx``)."""
    user = request.user
    if not policy.can(user, ReportAction.VIEW_DASHBOARD):
        return _refuse(request)
    if fmt not in FORMATS or (table not in selectors.TABLES and table != ALL):
        raise Http404
    if table == ALL and fmt != "xlsx":
        raise Http404
    try:
        f = selectors.parse_filters(request.GET, user=user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    if table == ALL:
        tables = list(selectors.dashboard(f, reader=user).values())
    else:
        tables = [selectors.TABLES[table](f, reader=user)]
    if fmt == "csv":
        body, content_type = exports.to_csv(tables[0]), "text/csv; charset=utf-8"
    else:
        body = exports.to_xlsx(tables, about_title=_("Filters"), about=_about(f))
        content_type = exports.XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    name = f"casedesk-{table}-{f.start.isoformat()}-{f.end.isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
