"""Domain errors. Services raise these; one handler maps them to HTML or problem+json."""

from __future__ import annotations


class FactcheckError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, errors: dict | None = None, **extra):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.extra = extra


class CSRFFailed(FactcheckError):
    status = 400
    title = "CSRF token missing or invalid"


class InvalidInput(FactcheckError):
    status = 422
    title = "Invalid input"


class NotAuthenticated(FactcheckError):
    status = 401
    title = "Not authenticated"


class ReauthRequired(FactcheckError):
    """A sensitive change without a recent password (and code) check."""

    status = 401
    title = "Re-authentication required"


class PermissionDenied(FactcheckError):
    status = 403
    title = "Forbidden"


class NotFound(FactcheckError):
    status = 404
    title = "Not found"


class Conflict(FactcheckError):
    """A stale version (extra: current_version) or a state conflict."""

    status = 409
    title = "Conflict"


class InvalidTransition(Conflict):
    title = "Invalid state transition"


class TooLarge(FactcheckError):
    status = 413
    title = "Payload too large"


class UnsupportedType(FactcheckError):
    status = 415
    title = "Unsupported media type"


class VersionRequired(FactcheckError):
    status = 428
    title = "Version required"


class RateLimited(FactcheckError):
    status = 429
    title = "Too many requests"


class Unavailable(FactcheckError):
    status = 503
    title = "Service unavailable"


class SourceUnreachable(FactcheckError):
    """A URL import could not reach or read its source."""

    status = 502
    title = "Source unreachable"


class SourceTimeout(FactcheckError):
    """A URL import's source did not answer within the total deadline."""

    status = 504
    title = "Source did not respond"


class RenderFailed(FactcheckError):
    """A file rendered in the background could not be made (services/render_requests)."""

    status = 500
    title = "Rendering failed"


# What a web form shows next to its fields. The others (401, 403, 404, 503) are not the
# form's business: they reach the one error handler and its error page.
FORM_ERRORS = (
    InvalidInput, Conflict, TooLarge, UnsupportedType, VersionRequired, RateLimited,
    SourceUnreachable, SourceTimeout, CSRFFailed,
)  # fmt: skip
