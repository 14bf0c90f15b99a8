"""The correlation id of the current request or command, stamped on every audit event."""

import contextvars
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("casedesk_request_id", default="")


def request_id() -> str:
    return _request_id.get()


def set_request_id(value: str | None = None) -> contextvars.Token[str]:
    return _request_id.set((value or uuid.uuid4().hex)[:64])


def reset_request_id(token: contextvars.Token[str]) -> None:
    _request_id.reset(token)


class RequestIdMiddleware:
    """Take X-Request-ID from the client (or make one) and echo it on the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request_id(request.headers.get("X-Request-ID"))
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id()
            return response
        finally:
            reset_request_id(token)
