"""The one place where errors become HTTP answers, all as ``{"detail": "…"}``.

``detail`` is always one human-readable string; schema validation errors also carry the
structured list as ``errors`` (``loc`` without ninja's ``body``/``payload`` prefix).
"""

import logging

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, SuspiciousOperation
from django.db import DataError, IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import ValidationError

from casedesk.core.errors import DomainError

log = logging.getLogger(__name__)

# Where ninja says an input came from; the body also names the view's parameter.
_SOURCES = {"body": 2, "query": 1, "path": 1, "header": 1, "cookie": 1, "form": 2, "file": 2}


def _loc(loc) -> list:
    loc = list(loc)
    return loc[_SOURCES.get(loc[0], 0) :] if loc else []


def _field(loc) -> str:
    return ".".join(str(part) for part in _loc(loc)) or "body"


def _plain(errors: list[dict]) -> list[dict]:
    return [{**e, "loc": _loc(e.get("loc", ()))} for e in errors]


# pydantic's messages are English only: the common ones in the client's language.
_MESSAGES = {
    "missing": gettext_lazy("Field required"),
    "extra_forbidden": gettext_lazy("Unknown field"),
    "string_type": gettext_lazy("Input should be a string"),
    "string_too_short": gettext_lazy("Should have at least %(min_length)s characters"),
    "string_too_long": gettext_lazy("Should have at most %(max_length)s characters"),
    "int_type": gettext_lazy("Input should be an integer"),
    "int_parsing": gettext_lazy("Input should be an integer"),
    "int_from_float": gettext_lazy("Input should be an integer"),
    "bool_type": gettext_lazy("Input should be true or false"),
    "bool_parsing": gettext_lazy("Input should be true or false"),
    "greater_than_equal": gettext_lazy("Should be at least %(ge)s"),
    "less_than_equal": gettext_lazy("Should be at most %(le)s"),
    "greater_than": gettext_lazy("Should be greater than %(gt)s"),
    "literal_error": gettext_lazy("Should be one of %(expected)s"),
    "enum": gettext_lazy("Should be one of %(expected)s"),
    "json_invalid": gettext_lazy("Malformed JSON"),
    "model_attributes_type": gettext_lazy("Should be an object"),
    "dict_type": gettext_lazy("Should be an object"),
    "list_type": gettext_lazy("Should be a list"),
}


def _message(error: dict) -> str:
    template = _MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", "invalid"))
    try:
        return str(template) % error.get("ctx", {})
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", "invalid"))


def validation_detail(errors: list[dict]) -> str:
    """``title: Field required; priority: Should be one of 'P1', …`` in the order found,
    in the client's language."""
    return "; ".join(f"{_field(e.get('loc', ()))}: {_message(e)}" for e in errors)


def install(api) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(request, {"detail": exc.detail}, status=exc.status)

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        body = {"detail": validation_detail(exc.errors), "errors": _plain(exc.errors)}
        return api.create_response(request, body, status=422)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return api.create_response(request, {"detail": _("Request body too large.")}, status=413)

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc):
        return api.create_response(request, {"detail": _("Bad request.")}, status=400)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    # Safety nets: operations should turn these into DomainErrors themselves; if one slips
    # through, the client still gets a 4xx and a detail, and the log gets the traceback.

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request, exc):
        log.warning("DoesNotExist reached the API", exc_info=exc)
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(IntegrityError)
    def integrity(request, exc):
        log.warning("IntegrityError reached the API", exc_info=exc)
        body = {"detail": _("The request conflicts with existing data.")}
        return api.create_response(request, body, status=409)

    @api.exception_handler(DataError)
    def data_error(request, exc):
        log.warning("DataError reached the API", exc_info=exc)
        body = {"detail": _("A value is out of range or malformed.")}
        return api.create_response(request, body, status=400)
