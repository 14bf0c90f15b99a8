"""The site's own 403 and 404 pages (``handler403``/``handler404`` in ``casedesk.urls``).

Wherever a request is refused or finds nothing — a console page, the admin, an unknown
address — the answer is a page in the desk's look and the reader's language, with a way
back: staff to their queue, a customer to the portal, anyone else to the login.  The
portal's addresses answer in the portal's look, the API's in JSON with a ``detail``.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .guards import forbidden


def _error(request, status: int, message: str):
    path = request.path
    if path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    if path.startswith("/portal/"):
        return render(request, "portal/refused.html", {"message": message}, status=status)
    return forbidden(request, message, status=status)


def permission_denied(request, exception=None):
    return _error(request, 403, _("You may not open this page."))


def page_not_found(request, exception=None):
    return _error(request, 404, _("There is no such page."))


def csrf_failure(request, reason: str = ""):
    """``CSRF_FAILURE_VIEW``: a form sent without its token (expired session, another site)."""
    return _error(
        request,
        403,
        _("The form was sent without its security token; reload the page and try again."),
    )
