"""Who may open a console page: staff only.

Not logged in → the login page (with ``next``); a customer contact → a 403 page pointing
to the portal.  Every staff view of the console wears ``@staff_required``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render


def forbidden(request, message: str | None = None, status: int = 403):
    """The console's refusal page (403, or 404 for what is not there); nothing was changed.
    It shows the way back: staff to their queue, a customer to the portal, others to the
    login."""
    from .views import staff_home_url

    user = request.user
    home = staff_home_url(user) if user.is_authenticated and not user.is_customer else ""
    context = {"message": message, "status": status, "home_url": home}
    return render(request, "web/403.html", context, status=status)


def staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.is_customer:
            return forbidden(request)
        return view(request, *args, **kwargs)

    return wrapper
