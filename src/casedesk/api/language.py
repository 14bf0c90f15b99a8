"""The API's language: English unless the client asks for another one.

Integrators parse the API's ``detail`` strings and expect English, whatever language the
desk's pages default to.  So under ``/api/``:

- no ``Accept-Language`` header: English;
- a header: its first language the desk speaks (``zh-hans``, ``zh-CN``, ``en``…), English
  if it names none of them;
- a browser session of a user who chose a language (the console's own scripts): that
  language, as on every page (``UserPreferencesMiddleware`` already activated it).

Placed after ``UserPreferencesMiddleware`` in ``settings.MIDDLEWARE``.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIX = "/api/"
DEFAULT = "en"


def language_from_header(header: str) -> str:
    """The first language of an ``Accept-Language`` header the desk speaks, else English."""
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return DEFAULT


class ApiLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            header = request.headers.get("Accept-Language", "").strip()
            user = getattr(request, "user", None)
            chosen = (
                header
                and user is not None
                and user.is_authenticated
                and user.language
                and translation.check_for_language(user.language)
            )
            if not chosen:
                translation.activate(language_from_header(header) if header else DEFAULT)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
