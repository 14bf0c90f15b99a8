"""The agent console's own pages: login, the staff queues, the CASE list, preferences.

Thin: parse → permission-checked read (selectors scoped by ``policy``) → at most one
service call → render.  CASE pages and actions live in their own modules.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from casedesk.accounts import services as account_services
from casedesk.accounts.choices import ASSIGNABLE_ROLES, Language
from casedesk.accounts.models import User
from casedesk.caselist import queues
from casedesk.cases import selectors as case_selectors
from casedesk.cases.choices import Priority, Status
from casedesk.core import clock
from casedesk.core.errors import DomainError
from casedesk.roster import selectors as roster

from . import services
from .admin_site import admin_refusal
from .forms import LoginForm
from .guards import staff_home_url, staff_required
from .templatetags.console import case_url, countdown, person, urgency

PAGE_SIZES = (25, 50, 100)
MY_PAGE_SIZE = 50


def prepare_rows(cases: list, now) -> list:
    """Everything a CASE row shows, computed once in Python (``row_*`` attributes): the
    template filters cost ~0.35 ms a row, and the board shows 75 rows."""
    from django.utils import timezone

    statuses = {value: str(label) for value, label in Status.choices}
    priorities = {value: str(label) for value, label in Priority.choices}
    for case in cases:
        due = getattr(case, "chased_due_at", None) or getattr(case, "next_due_at", None)
        case.row_url = case_url(case)
        case.row_status = statuses.get(case.status, case.status)
        case.row_priority = priorities.get(case.priority, case.priority)
        case.row_engineer = person(case.engineer) if case.engineer_id else ""
        created = timezone.localtime(case.created_at)
        case.row_created, case.row_created_iso = (
            f"{created:%Y-%m-%d %H:%M}",
            created.isoformat(timespec="seconds"),
        )
        case.row_due = due
        if due is not None:
            local_due = timezone.localtime(due)
            case.row_due_local, case.row_due_iso = (
                f"{local_due:%Y-%m-%d %H:%M}",
                local_due.isoformat(timespec="seconds"),
            )
            case.row_urgency, case.row_countdown = urgency(due, now), countdown(due, now)
    return cases


def portal_home_url() -> str:
    try:
        return reverse("portal:home")
    except NoReverseMatch:
        return "/portal/"


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def home(request):
    user = request.user
    if not user.is_authenticated:
        return redirect("web:login")
    if user.is_customer:
        return HttpResponseRedirect(portal_home_url())
    return HttpResponseRedirect(staff_home_url(user))


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def client_ip(request) -> str | None:
    """The client's address for the login throttle.

    The peer's address, unless ``CASEDESK_PROXY_COUNT`` reverse proxies sit in front: then
    the address the outermost of them saw, read from X-Forwarded-For from the right (the
    entries further left are whatever the client sent, and never trusted).
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.CASEDESK_PROXY_COUNT
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


class LoginView(auth_views.LoginView):
    """Django's login, throttled per username and per IP address (``services``)."""

    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")[:150]
        wait = services.login_retry_after(username=username, ip=client_ip(request))
        if wait:
            # Refused before the password is even checked: a locked account answers the
            # same whatever was typed, and costs no password hashing.
            minutes = max(1, -(-wait // 60))
            form = self.get_form_class()(request, initial={"username": username})
            locked = ngettext(
                "Too many failed logins. Try again in %(minutes)d minute.",
                "Too many failed logins. Try again in %(minutes)d minutes.",
                minutes,
            ) % {"minutes": minutes}
            context = self.get_context_data(form=form, locked_message=locked)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        services.login_failure_record(
            username=self.request.POST.get("username", ""), ip=client_ip(self.request)
        )
        return super().form_invalid(form)

    def form_valid(self, form):
        services.login_success_record(username=form.get_user().get_username())
        return super().form_valid(form)

    def get_success_url(self):
        user = self.request.user
        if user.is_customer:
            target = _safe_next(self.request, "")
            return target if target.startswith("/portal/") else portal_home_url()
        return _safe_next(self.request, staff_home_url(user))


def admin_login(request):
    """The admin's login page sends to the console's (throttled) login, keeping ``next``;
    a logged-in user who is no administrator is refused here (``admin_site``), never sent
    round the login again."""
    user = request.user
    if user.is_authenticated and not (user.is_active and user.is_staff):
        return admin_refusal(request)
    target = _safe_next(request, reverse("admin:index"))
    return HttpResponseRedirect(f"{reverse('web:login')}?{urlencode({'next': target})}")


class LogoutView(auth_views.LogoutView):
    next_page = "web:login"


@require_POST
def set_language(request):
    """Switch the language: saved to the user when logged in, a cookie otherwise."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request, reverse("web:home")))
    if language not in Language.values:
        return response
    if request.user.is_authenticated:
        account_services.user_set_preferences(user=request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    return response


COMMON_ZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "UTC",
)


@staff_required
def preferences(request):
    """The user's own language and time zone."""
    return preferences_page(request, template="web/preferences.html", done="web:preferences")


def preferences_page(request, *, template: str, done: str):
    """Show and save the user's language and time zone: the console's and the portal's page."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    user = request.user
    context = {
        "languages": Language.choices,
        "zones": COMMON_ZONES,
        "default_zone": settings.TIME_ZONE,
    }
    if request.method == "POST":
        try:
            account_services.user_set_preferences(
                user=user,
                language=request.POST.get("language", user.language),
                time_zone=request.POST.get("time_zone", ""),
            )
        except DomainError as exc:
            context["error"] = exc.detail
            return render(request, template, context, status=exc.status)
        messages.success(request, _("Your preferences are saved."))
        return redirect(done)
    return render(request, template, context)


@staff_required
def board(request):
    """The duty board: unassigned, callbacks/work logs due within the hour, escalated."""
    user = request.user
    now = clock.now()
    limit = queues.BOARD_LIMIT
    found = {
        "due": queues.rows(
            queues.board_due(fetched_by=user, now=now),
            limit=limit + 1,
            chased=queues.board_due_until(now),
        ),
        "unassigned": queues.rows(queues.board_unassigned(fetched_by=user), limit=limit + 1),
        "escalated": queues.rows(queues.board_escalated(fetched_by=user), limit=limit + 1),
    }
    sections = [
        {
            "key": key,
            "title": title,
            "cases": found[key][:limit],
            "more": len(found[key]) > limit,
            "empty": empty,
            "list_query": list_query,
        }
        for key, title, empty, list_query in (
            ("due", _("Callbacks and work logs due within the hour"), _("Nothing due."), ""),
            (
                "unassigned",
                _("Unassigned CASEs"),
                _("Every CASE has an engineer."),
                "engineer=none&status=open",
            ),
            ("escalated", _("Escalated CASEs"), _("No CASE is escalated."), ""),
        )
    ]
    for section in sections:
        prepare_rows(section["cases"], now)
    context = {
        "now": now,
        "sections": sections,
        "limit": limit,
        "on_duty": roster.on_duty(now),
    }
    return render(request, "web/board.html", context)


class Page:
    """One page of a queue: its CASEs and where it stands (``count`` None: not counted)."""

    def __init__(self, number: int, size: int, cases: list, count: int | None, has_next: bool):
        self.number, self.size, self.cases, self.count = number, size, cases, count
        self.num_pages = None if count is None else max(1, -(-count // size))
        self.has_next = has_next
        self.has_previous = number > 1
        self.next_page_number = number + 1
        self.previous_page_number = number - 1


def paginate(
    qs, raw_page: str | None, size: int, *, counted: bool = True, search: bool = False
) -> Page:
    """A page of ``qs``; uncounted pages skip the full ``count(*)`` and know only whether
    a next page exists; a search's page counts its matches in the page's own query."""
    try:
        number = max(1, int(raw_page or 1))
    except ValueError:
        number = 1
    if search:
        cases, count = queues.counted_rows(qs, offset=(number - 1) * size, limit=size)
        if not cases and count:  # past the last page: show the last one
            number = max(1, -(-count // size))
            cases, count = queues.counted_rows(qs, offset=(number - 1) * size, limit=size)
        return Page(number, size, cases, count, number * size < count)
    if counted:
        count = qs.count()
        number = min(number, max(1, -(-count // size)))
        cases = queues.rows(qs, offset=(number - 1) * size, limit=size)
        return Page(number, size, cases, count, number * size < count)
    cases = queues.rows(qs, offset=(number - 1) * size, limit=size + 1)
    return Page(number, size, cases[:size], None, len(cases) > size)


@staff_required
def my_cases(request):
    """The CASEs the user owns or helps on, nearest deadline first."""
    qs = queues.my_cases(engineer=request.user, fetched_by=request.user)
    page = paginate(qs, request.GET.get("page"), MY_PAGE_SIZE)
    now = clock.now()
    context = {"page": page, "cases": prepare_rows(page.cases, now), "now": now}
    return render(request, "web/my_cases.html", context)


def _page_size(raw: str | None) -> int:
    try:
        size = int(raw or PAGE_SIZES[0])
    except ValueError:
        return PAGE_SIZES[0]
    return size if size in PAGE_SIZES else PAGE_SIZES[0]


@staff_required
def case_list(request):
    """All CASEs, filtered (the API's filter definition), sorted and paginated."""
    params = request.GET
    filters = {
        k: params.get(k, "").strip() or None
        for k in ("status", "priority", "engineer", "organization", "q")
    }
    if params.get("go") and filters["q"]:  # the top bar's search: a CASE number opens it
        number = case_selectors.number_named(q=filters["q"], fetched_by=request.user)
        if number is not None:
            return redirect("web:case_detail", number=number)
    sort = queues.sort_key(params.get("sort"), q=filters["q"])
    size = _page_size(params.get("size"))
    error = None
    try:
        qs = queues.case_search(fetched_by=request.user, sort=sort, **filters)
        page = paginate(qs, params.get("page"), size, search=queues.is_text_search(filters["q"]))
    except DomainError as exc:
        error = exc.detail
        page = Page(1, size, [], 0, False)
    filter_qs = services.filter_query(params)
    context = {
        "page": page,
        "cases": prepare_rows(page.cases, clock.now()),
        "filters": {k: v or "" for k, v in filters.items()},
        "sort": sort,
        "size": size,
        "page_sizes": PAGE_SIZES,
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "engineers": [
            (u.username, u.display_name)
            for u in User.objects.filter(role__in=ASSIGNABLE_ROLES, is_active=True)
            .order_by("username")
            .only("username", "first_name", "last_name")
        ],
        "filter_query": filter_qs,
        "base_query": urlencode(
            [(k, v) for k, v in parse_qsl(filter_qs) if k != "sort"]
            + ([("size", size)] if size != PAGE_SIZES[0] else [])
        ),
        "page_query": urlencode(
            parse_qsl(filter_qs) + ([("size", size)] if size != PAGE_SIZES[0] else [])
        ),
        "error": error,
        "now": clock.now(),
        "columns": [
            ("number", _("CASE")),
            ("priority", _("Priority")),
            ("title", _("Title")),
            ("organization", _("Customer")),
            ("status", _("Status")),
            ("engineer", _("Engineer")),
            ("created", _("Created")),
            ("", _("Next deadline")),
        ],
    }
    return render(request, "web/case_list.html", context, status=422 if error else 200)


@staff_required
@require_POST
def filter_save(request):
    query = request.POST.get("query", "")
    try:
        saved = services.saved_filter_save(
            user=request.user, name=request.POST.get("name", ""), query=query
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect(
            f"{reverse('web:case_list')}?{services.filter_query(dict(parse_qsl(query)))}"
        )
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return redirect(f"{reverse('web:case_list')}?{saved.query}")


@staff_required
@require_POST
def filter_delete(request, pk: int):
    try:
        services.saved_filter_delete(user=request.user, pk=pk)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("web:case_list")
    messages.success(request, _("Saved filter deleted."))
    return redirect("web:case_list")
