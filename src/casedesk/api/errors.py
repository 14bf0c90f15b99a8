"""The one place where errors become HTTP answers, all as ``{"detail": …}``."""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404

from casedesk.errors import DomainError


def install(api) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(request, {"detail": exc.detail}, status=exc.status)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return api.create_response(request, {"detail": "Request body too large."}, status=413)

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc):
        return api.create_response(request, {"detail": "Bad request."}, status=400)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": "Not found."}, status=404)
