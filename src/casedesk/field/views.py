"""The console's pages of field visits: the list, dispatching one from a CASE, and the
engineer's visit page on a phone (check in, work done, the customer's signature, check
out), installable and kept working offline by a service worker.

The visit page posts its form with ``fetch`` (queued in the browser while offline) and
hears JSON back; without JavaScript it is an ordinary form and a redirect.
"""

from __future__ import annotations

import datetime as dt
import json

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from casedesk.accounts import selectors as people
from casedesk.cases import attachments
from casedesk.core import clock
from casedesk.core.errors import DomainError, InvalidInput
from casedesk.web.guards import forbidden, refusal_heading, staff_required

from . import selectors, services
from .choices import VisitStatus


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


@staff_required
def visit_list(request):
    try:
        mine = selectors.visit_list(fetched_by=request.user, engineer=request.user, open_only=True)
        others = selectors.visit_list(fetched_by=request.user, open_only=True).exclude(
            engineer=request.user
        )[:100]
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    return render(request, "field/visit_list.html", {"mine": mine, "others": others})


class VisitForm(forms.Form):
    engineer = forms.CharField(label=gettext_lazy("engineer"), max_length=150)
    scheduled_at = forms.DateTimeField(
        label=gettext_lazy("scheduled at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    parts = forms.CharField(
        label=gettext_lazy("parts (part numbers, comma-separated)"), required=False
    )
    tools = forms.CharField(
        label=gettext_lazy("tools"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# A phone's clock may run a little ahead of the desk's: a time that much in the future is now.
CLOCK_SKEW = dt.timedelta(minutes=5)


def _phone_time(raw: str | None) -> dt.datetime | None:
    """The time the engineer tapped (ISO 8601 with its zone, sent by the visit page: a step
    queued offline keeps it); None when the page sent none (no JavaScript: now)."""
    if not raw:
        return None
    try:
        at = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(_("The time sent by the phone is not a date and time.")) from None
    if at.tzinfo is None:
        raise InvalidInput(_("at needs a time zone."))
    now = clock.now()
    return now if now < at <= now + CLOCK_SKEW else at


def _codes(text: str) -> list[str]:
    return [c for c in text.replace("，", ",").replace("\n", ",").split(",") if c.strip()]


# Without a time chosen yet, whom to send is asked for a visit this far ahead.
DEFAULT_LEAD = dt.timedelta(hours=2)


def _suggestions(case, at: dt.datetime, user) -> list:
    try:
        return selectors.engineer_suggestions(case, at, fetched_by=user)[:5]
    except DomainError:
        return []


@staff_required
def visit_new(request, number: str):
    try:
        case = selectors.case_to_visit(number=number, fetched_by=request.user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    if request.method != "POST":  # the dispatcher's choice from the list, else the best suggested
        suggestions = _suggestions(case, clock.now() + DEFAULT_LEAD, request.user)
        chosen = request.GET.get("engineer") or (
            suggestions[0].engineer.username if suggestions else ""
        )
        form = VisitForm(initial={"engineer": chosen[:150]})
    else:
        form = VisitForm(request.POST)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_create(
                case=case,
                engineer=people.engineer_by_username(data["engineer"]),
                scheduled_at=data["scheduled_at"],
                parts=_codes(data["parts"]),
                tools=data["tools"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Engineer dispatched."))
            return redirect("field:visit_page", pk=visit.pk)
    if form.is_bound:  # refused: whom to send at the time asked for
        at = form.cleaned_data.get("scheduled_at") if form.is_valid() else None
        suggestions = _suggestions(case, at or clock.now() + DEFAULT_LEAD, request.user)
    return render(
        request,
        "field/visit_new.html",
        {
            "case": case,
            "form": form,
            "suggestions": suggestions,
            "visits": selectors.visits_of(case, fetched_by=request.user),
        },
    )


@staff_required
def visit_page(request, pk: int):
    try:
        visit = selectors.visit_get(pk=pk, fetched_by=request.user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    error = ""
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            at = _phone_time(request.POST.get("at"))
            if step == "check_in":
                services.visit_check_in(visit=visit, at=at, by=request.user)
            elif step == "check_out":
                services.visit_check_out(
                    visit=visit,
                    work_done=request.POST.get("work_done", ""),
                    customer_name=request.POST.get("customer_name", ""),
                    signature=request.POST.get("signature", ""),
                    parts_used=_codes(request.POST.get("parts_used", "")),
                    at=at,
                    by=request.user,
                )
            else:
                raise InvalidInput(_("Unknown step."))
        except DomainError as exc:
            if _wants_json(request):
                return JsonResponse({"detail": exc.detail}, status=exc.status)
            error = exc.detail
        else:
            if _wants_json(request):
                return JsonResponse({"ok": True, "url": reverse("field:visit_page", args=[pk])})
            return redirect("field:visit_page", pk=pk)
        visit = selectors.visit_get(pk=pk, fetched_by=request.user)
    forms_ = selectors.forms_of(visit)
    return render(
        request,
        "field/visit_page.html",
        {
            "visit": visit,
            "forms": forms_,
            "error": error,
            "S": VisitStatus,
            "parts_text": ", ".join(visit.parts_used or visit.parts),
            "cache": CACHE,
        },
        status=422 if error else 200,
    )


@staff_required
def visit_report(request, pk: int):
    try:
        visit = selectors.visit_get(pk=pk, fetched_by=request.user)
        form = selectors.latest_form(visit)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    return attachments.file_response(form.attachment, inline=True)


@require_GET
def portal_visit_report(request, pk: int):
    """The signed on-site service form of a visit, latest version, for the customers of the
    visit's CASE's organization (anyone else: no such visit, as for other portal objects);
    staff go to the console's."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user.is_customer:
        return redirect("field:visit_report", pk=pk)
    try:
        visit = selectors.visit_get(pk=pk, fetched_by=user)
        form = selectors.latest_form(visit)
        return attachments.file_response(form.attachment)
    except (DomainError, FileNotFoundError) as exc:
        message = exc.detail if isinstance(exc, DomainError) else _("There is no such file.")
        context = {"message": message, "heading": refusal_heading(404)}
        return render(request, "portal/refused.html", context, status=404)


CACHE = "casedesk-field-v2"  # the service worker's cache (the visit page adds itself to it)
SERVICE_WORKER = """// casedesk field visits: keep the visit pages and their scripts for offline use.
const CACHE = %(cache)s;
const ASSETS = %(assets)s;
self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(ASSETS)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (e) => {
  const old = (k) => k.startsWith("casedesk-field-") && k !== CACHE;
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter(old).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});
self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  const asset = ASSETS.includes(url.pathname);
  if (!asset && !/^\\/visits\\/\\d+\\/$/.test(url.pathname)) return;
  e.respondWith(
    fetch(req)
      .then((res) => {
        if (res.ok) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put(req, copy)); }
        return res;
      })
      .catch(() => caches.match(req, { ignoreVary: true }))
  );
});
"""


@staff_required
def service_worker(request):
    assets = [
        static("field/signature_pad.umd.min.js"),
        static("field/visit.js"),
        static("web/console.css"),
        static("web/console.js"),
        static("web/favicon.svg"),
        reverse("field:manifest"),
    ]
    response = HttpResponse(
        SERVICE_WORKER % {"assets": json.dumps(assets), "cache": json.dumps(CACHE)},
        content_type="text/javascript",
    )
    response["Service-Worker-Allowed"] = "/visits/"
    response["Cache-Control"] = "no-cache"
    return response


@staff_required
def manifest(request):
    data = {
        "name": _("casedesk field visits"),
        "short_name": _("Visits"),
        "start_url": reverse("field:visit_list"),
        "scope": "/visits/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f4e79",
        "icons": [{"src": static("web/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )
