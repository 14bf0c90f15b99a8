"""The one error hierarchy.  Operations raise these; the API maps them to HTTP in one place."""


class DomainError(Exception):
    """A request the domain refuses.  ``status`` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class InvalidInput(DomainError):
    """Wrong or unknown values (unknown organization, engineer of the wrong role…)."""

    status = 422


class NotFound(DomainError):
    """Unknown, or not visible to this user: the two look the same from outside."""

    status = 404


class Forbidden(DomainError):
    """Visible, but this user may not do that."""

    status = 403


class TransitionNotAllowed(DomainError):
    """The CASE's state does not allow this action now."""

    status = 409


class Conflict(DomainError):
    """The request conflicts with existing data (duplicate code, already a helper…)."""

    status = 409
