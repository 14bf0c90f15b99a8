"""Activate a logged-in user's own language and time zone for the whole request."""

from __future__ import annotations

from django.utils import timezone, translation

from casedesk.core import clock


class UserPreferencesMiddleware:
    """After authentication: the user's ``language`` beats the browser's, ``time_zone``
    (default ``CASEDESK_TIME_ZONE``) is the zone every time is shown in.

    Anonymous visitors keep what ``LocaleMiddleware`` chose (cookie, Accept-Language).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language and translation.check_for_language(user.language):
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
            timezone.activate(clock.user_zone(user))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
