"""Safe methods stay safe (HOSTILE §4.8): a GET that records an export in the audit trail
(and fires the report.exported webhooks) cannot be triggered from another site.

A signed-in browser sends its session cookie with any request another site makes it send
(a link, an <img>, a form, a prefetch), so the export endpoints check where the request
comes from before they do anything: ``Sec-Fetch-Site`` (every current browser) must be
"same-origin" or "none" (typed, bookmarked); without it, an ``Origin`` or ``Referer`` of
another host is refused. A bearer-token request carries no ambient credential and is
never cross-site. HEAD never exports: it would record an export nobody received.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import g, request

from factcheck.errors import N_, PermissionDenied

ALLOWED_FETCH_SITES = frozenset({"same-origin", "none"})
REFUSED = N_(
    "this export is recorded in the audit trail, so it can't be started from another site "
    "(or with HEAD); open it from the desk's article page"
)


def _host_of(value: str | None) -> str | None:
    if not value or value == "null":
        return "null" if value == "null" else None
    return urlsplit(value).netloc.lower() or "null"


def is_cross_site() -> bool:
    """True when a browser sent this request on another site's behalf (see the module)."""
    if g.get("api_user") is not None:  # a bearer token: not an ambient credential
        return False
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site.strip().lower() not in ALLOWED_FETCH_SITES
    here = request.host.lower()
    for header in ("Origin", "Referer"):
        there = _host_of(request.headers.get(header))
        if there is not None:
            return there != here
    return False  # no browser metadata at all: a script with a cookie jar, not a page


def require_same_site_read() -> None:
    """Refuse (403) a recording GET made cross-site, and any HEAD of it."""
    if request.method == "HEAD" or is_cross_site():
        raise PermissionDenied(REFUSED)
