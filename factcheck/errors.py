"""Domain errors. Services raise these; one handler maps them to HTML or problem+json.

Each error's problem ``type`` is a URI from one small registry (``PROBLEM_TYPES``, also
listed in the OpenAPI document): RFC 9457 keeps ``about:blank`` for answers whose title
is the status's own phrase, and these titles are the desk's.
"""

from __future__ import annotations

PROBLEM_BASE = "urn:factcheck:problem:"
# slug -> what it means (the OpenAPI document lists them with their URIs)
PROBLEM_TYPES = {
    "bad-request": "a malformed request",
    "malformed-json": "the body is not well-formed JSON",
    "csrf-failed": "the CSRF token of a cookie-authenticated change is missing or invalid",
    "invalid-input": "the input is well-formed but invalid: errors names each bad field",
    "not-authenticated": "no, an invalid, expired or revoked token, or a deactivated account",
    "reauth-required": "a sensitive change needs the password (and code) again",
    "forbidden": "your role, or the object's state, does not allow this",
    "two-step-required": "your role must set up two-step sign-in first",
    "not-found": "no such object (also for objects you may not see)",
    "conflict": "a stale version (current_version) or a state that does not allow this",
    "invalid-transition": "the object's status does not allow this action",
    "not-published": "a draft (or unpublished) article has no ClaimReview: approve it first",
    "too-large": "the request body or the article is too large",
    "unsupported-type": "unsupported media type",
    "version-required": "a change to an existing object without the version it is based on",
    "rate-limited": "too many requests (Retry-After says how long to wait)",
    "unavailable": "the database is unavailable for a moment",
    "source-unreachable": "the source URL could not be reached or read",
    "source-timeout": "the source URL did not answer in time",
    "render-failed": "a file rendered in the background could not be made",
    "server-error": "something went wrong on the server; nothing was saved",
}


class Msg(str):
    """A refusal's English text (the API's ``detail``, the logs) that keeps the template it
    was made from and its values, so a page can say it in its own language
    (``web/i18n.say``): the template is marked for the catalogs (``N_``), each value that
    is itself a Msg, or a status, is translated too, ids and numbers are kept. The English
    text is exactly ``template % values``; the API never sees anything else."""

    template: str
    values: dict

    def __new__(cls, template: str, **values):
        text = template % {k: str(v) for k, v in values.items()} if values else template
        self = super().__new__(cls, text)
        self.template, self.values = template, values
        return self

    def __reduce__(self):  # pickles (an exception sent between processes) keep the template
        return (_msg, (self.template, self.values))


def _msg(template: str, values: dict) -> Msg:
    return Msg(template, **values)


# gettext's name for "mark for the catalogs, translate when shown" (`make messages` extracts
# N_("…") calls): the refusals the services raise are Msgs, so the pages can translate them.
N_ = Msg


def problem_type(slug: str) -> str:
    """The registered type URI of a problem (KeyError for an unregistered slug)."""
    PROBLEM_TYPES[slug]  # noqa: B018 - only registered types go out
    return PROBLEM_BASE + slug


class FactcheckError(Exception):
    status = 400
    title = N_("Bad request")
    slug = "bad-request"

    def __init__(self, detail: str, *, errors: dict | None = None, **extra):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.extra = extra


class CSRFFailed(FactcheckError):
    status = 400
    title = N_("CSRF token missing or invalid")
    slug = "csrf-failed"


class MalformedJson(FactcheckError):
    """A body sent as JSON that does not parse (RFC 9110: the request is malformed)."""

    status = 400
    title = N_("Malformed JSON")
    slug = "malformed-json"


class NotPublished(FactcheckError):
    """A ClaimReview asked of an article that is not approved (or has no public address)."""

    status = 409
    title = N_("Not published")
    slug = "not-published"


class InvalidInput(FactcheckError):
    status = 422
    title = N_("Invalid input")
    slug = "invalid-input"


class NotAuthenticated(FactcheckError):
    status = 401
    title = N_("Not authenticated")
    slug = "not-authenticated"


class ReauthRequired(FactcheckError):
    """A sensitive change without a recent password (and code) check."""

    status = 401
    title = N_("Re-authentication required")
    slug = "reauth-required"


class PermissionDenied(FactcheckError):
    status = 403
    title = N_("Forbidden")
    slug = "forbidden"


class NotFound(FactcheckError):
    status = 404
    title = N_("Not found")
    slug = "not-found"


class Conflict(FactcheckError):
    """A stale version (extra: current_version) or a state conflict."""

    status = 409
    title = N_("Conflict")
    slug = "conflict"


class InvalidTransition(Conflict):
    title = N_("Invalid state transition")
    slug = "invalid-transition"


class TooLarge(FactcheckError):
    status = 413
    title = N_("Payload too large")
    slug = "too-large"


class UnsupportedType(FactcheckError):
    status = 415
    title = N_("Unsupported media type")
    slug = "unsupported-type"


class VersionRequired(FactcheckError):
    status = 428
    title = N_("Version required")
    slug = "version-required"


class RateLimited(FactcheckError):
    status = 429
    title = N_("Too many requests")
    slug = "rate-limited"


class Unavailable(FactcheckError):
    status = 503
    title = N_("Service unavailable")
    slug = "unavailable"


class SourceUnreachable(FactcheckError):
    """A URL import could not reach or read its source."""

    status = 502
    title = N_("Source unreachable")
    slug = "source-unreachable"


class SourceTimeout(FactcheckError):
    """A URL import's source did not answer within the total deadline."""

    status = 504
    title = N_("Source did not respond")
    slug = "source-timeout"


class RenderFailed(FactcheckError):
    """A file rendered in the background could not be made (services/render_requests)."""

    status = 500
    title = N_("Rendering failed")
    slug = "render-failed"


# What a web form shows next to its fields. The others (401, 403, 404, 503) are not the
# form's business: they reach the one error handler and its error page.
FORM_ERRORS = (
    InvalidInput, MalformedJson, Conflict, TooLarge, UnsupportedType, VersionRequired, RateLimited,
    SourceUnreachable, SourceTimeout, CSRFFailed,
)  # fmt: skip
