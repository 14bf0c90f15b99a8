"""API authentication: bearer tokens for integrations, the session for the browser."""

from ninja.security import HttpBearer, django_auth

from casedesk.accounts.services import token_authenticate


class BearerToken(HttpBearer):
    openapi_description = "A token from `casedesk createtoken USERNAME`."

    def authenticate(self, request, token):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


AUTH = [BearerToken(), django_auth]
