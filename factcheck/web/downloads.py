"""Responses the HTML pages and the JSON API share: the bulk export's ZIP stream."""

from __future__ import annotations

from flask import Response, request, stream_with_context

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import User
from factcheck.services import exports
from factcheck.web.auth import current_actor


def zip_response(since, until, fmt, language=None) -> Response:
    """Audit the exports in one transaction, then stream the ZIP (shared with the API)."""
    actor = current_actor()
    with transaction() as s:
        ids = exports.plan_bulk_export(s, actor=actor, since=since, until=until, fmt=fmt,
                                       language=language)  # fmt: skip
    actor_id = actor.id

    def chunks():
        # The ZIP streams after the view has returned: the request's app context, and its
        # session with the signed-in account in it, are gone by then (a server, unlike the
        # test client, tears them down), so the account is read again in the stream's own.
        yield from exports.stream_bulk_export(
            db.session,
            actor=db.session.get(User, actor_id),
            article_ids=ids,
            fmt=fmt,
            language=language,
        )

    resp = Response(stream_with_context(chunks()), mimetype="application/zip")
    resp.headers["Content-Disposition"] = (
        f'attachment; filename="factcheck-reports-{since}-{until}-{fmt}.zip"'
    )
    return resp


def bulk_args() -> tuple[str, str, str, str | None]:
    """(since, until, format, report language) of a bulk export request (the web page's and
    the API's); no language: the desk's default."""
    args = request.args
    return (args.get("since", ""), args.get("until", ""), args.get("format", "json"),
            args.get("lang") or None)  # fmt: skip
