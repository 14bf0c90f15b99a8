"""Who may open a console page: staff only.

Not logged in → the login page (with ``next``); anyone but the desk's staff (a customer
contact, a role the policy does not know) → a 403 page pointing to the portal.  Every staff
view of the console wears ``@staff_required``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from casedesk.accounts.choices import Role
from casedesk.accounts.policy import DISPATCHERS, STAFF_ROLES

# What a refusal page says above its message: an unknown (or hidden) CASE is "not found",
# never "not allowed"; a state or input the operation refuses is "not possible".
HEADINGS = {404: gettext_lazy("Not found"), 403: gettext_lazy("Not allowed")}


def staff_home_url(user) -> str:
    """Where a member of staff starts: dispatchers on the duty board, engineers on their queue;
    a partner engineer (who is no staff) in the partner area."""
    if user.role == Role.PARTNER:
        return reverse("partners:partner_home")
    if user.role in DISPATCHERS:
        return reverse("web:board")
    return reverse("web:my_cases")


def refusal_heading(status: int) -> str:
    return str(HEADINGS.get(status, gettext_lazy("Not possible")))


def forbidden(request, message: str | None = None, status: int = 403):
    """The console's refusal page (its heading from ``status``: 404 "not found", 403 "not
    allowed"); nothing was changed.  It shows the way back: staff to their queue, a customer
    to the portal, others to the login."""
    user = request.user
    home = staff_home_url(user) if user.is_authenticated and not user.is_customer else ""
    context = {"message": message, "heading": refusal_heading(status), "home_url": home}
    return render(request, "web/403.html", context, status=status)


def refused(request, exc):
    """The refusal page for an operation's refusal (a ``DomainError``): its words, its status."""
    return forbidden(request, exc.detail, status=exc.status)


def staff_required(view=None, *, refuse=forbidden):
    """``@staff_required``: not logged in → the login page; not staff → ``refuse(request)``
    (the console's 403 page; a JSON endpoint passes its own: ``@staff_required(refuse=…)``)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if user.role not in STAFF_ROLES:
                return refuse(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
