"""The manager dashboard and its exports: parse the filters, check the policy, read the
selectors, render.  Nothing here changes anything."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from casedesk import clock, policy
from casedesk.cases.choices import Priority
from casedesk.errors import DomainError
from casedesk.web.guards import forbidden, staff_required

from . import charts, exports, selectors

FORMATS = ("csv", "xlsx")
ALL = "all"


def _cells(table) -> list[list[str]]:
    """The table's values as the page shows them (the exports keep the raw values)."""
    kinds = [c.kind for c in table.columns]
    out = []
    for row in table.rows:
        cells = []
        for value, kind in zip(row, kinds, strict=True):
            if value is None:
                cells.append("–")
            elif kind == "date":
                cells.append(value.isoformat())
            elif kind == "percent":
                cells.append(f"{number_format(value, 1)}%")
            elif kind == "float":
                cells.append(number_format(value, 1))
            else:
                cells.append(str(value))
        out.append(cells)
    return out


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


@staff_required
def dashboard(request):
    user = request.user
    if not policy.can(user, policy.Action.VIEW_DASHBOARD):
        return _refuse(request)
    context = {
        "customers": selectors.customers(),
        "engineers": selectors.engineers(),
        "severities": Priority.choices,
        "params": request.GET,
    }
    try:
        f = selectors.parse_filters(request.GET, user=user)
    except DomainError as exc:
        context["error"] = exc.detail
        return render(request, "reports/dashboard.html", context, status=exc.status)
    tables = selectors.dashboard(f, user)
    query = urlencode(f.querystring())
    context.update(
        filters=f,
        query=query,
        headline=headline(tables),
        charts=[
            {
                "table": table,
                "svg": charts.chart_for(table),
                "cells": _cells(table),
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
            selectors.person_name(f.engineer) if f.engineer else _("All"),
        ),
        (_("Severity"), f.priority or _("All")),
        (_("Generated at"), timezone.localtime(f.now, f.zone).strftime("%Y-%m-%d %H:%M")),
    ]


@staff_required
def export(request, table: str, fmt: str):
    """One table as CSV or XLSX, or every table as one workbook (``all.xlsx``)."""
    user = request.user
    if not policy.can(user, policy.Action.VIEW_DASHBOARD):
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
        tables = list(selectors.dashboard(f, user).values())
    else:
        tables = [selectors.TABLES[table](f, user)]
    if fmt == "csv":
        body, content_type = exports.to_csv(tables[0]), "text/csv; charset=utf-8"
    else:
        body = exports.to_xlsx(tables, about_title=_("Filters"), about=_about(f))
        content_type = exports.XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    name = f"casedesk-{table}-{f.start.isoformat()}-{f.end.isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
