"""Articles: import, list, read, approve, add a claim, export."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for

from factcheck.api import bp, json_body, only, version_from
from factcheck.api.helpers import paginated, pagination, with_etag
from factcheck.api.serializers import article_json, article_summary, claim_json
from factcheck.database import transaction
from factcheck.errors import InvalidInput
from factcheck.extensions import db
from factcheck.jobs.render import bulk_pending, export_or_request
from factcheck.models import ArticleStatus, iso
from factcheck.permissions import Permission, can
from factcheck.services import agreement as agreement_service
from factcheck.services import articles, sources, versions
from factcheck.services.claims import add_claim
from factcheck.services.common import get_article
from factcheck.services.render_requests import RequestState
from factcheck.web.auth import current_actor

META = ("title", "source_url", "publisher", "published_at")


def _article_response(article_id: int, status: int = 200):
    db.session.expire_all()
    article = get_article(db.session, article_id)
    progress = articles.progress_for(db.session, [article.id])[article.id]
    return with_etag(article_json(article, progress, article.claims), article.version, status)


@bp.post("/articles")
def import_article():
    source, fields = _source_from_request(set(META))
    with transaction() as s:
        article = articles.import_article(s, actor=current_actor(), source=source, **fields)
        article_id = article.id
    resp = _article_response(article_id, 201)
    resp.headers["Location"] = url_for("api.read_article", article_id=article_id)
    return resp


def _source_from_request(allowed_extra: set[str]) -> tuple[sources.Source, dict]:
    """text | html | url in JSON, or a multipart file; returns the source and the other fields."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise InvalidInput("send the article as a 'file' part", errors={"file": "required"})
        return sources.from_file(upload.read(), upload.filename), {
            k: request.form.get(k) for k in allowed_extra
        }
    data = only(json_body(), {"text", "html", "url", *allowed_extra})
    given = [k for k in ("text", "html", "url") if data.get(k) is not None]
    if len(given) != 1:
        raise InvalidInput(
            "send exactly one of text, html or url", errors={"text": "one of text, html, url"}
        )
    if given[0] == "url":
        source = sources.from_url(data["url"], sources.fetch_policy())
    elif given[0] == "html":
        source = sources.from_html(data["html"])
    else:
        source = sources.from_text(data["text"], detect_html=False)
    return source, {k: data.get(k) for k in allowed_extra}


@bp.post("/articles/<int:article_id>/versions")
def new_version(article_id: int):
    """Import a corrected version; claims are re-anchored (counts per outcome returned)."""
    source, extra = _source_from_request({"version"})
    with transaction() as s:
        counts = versions.import_new_version(s, actor=current_actor(), article_id=article_id, source=source,
                                             version=extra.get("version") or request.headers.get("If-Match"))  # fmt: skip
    resp = _article_response(article_id)
    payload = resp.get_json()
    payload["reanchored"] = counts
    return with_etag(payload, payload["version"])


@bp.get("/articles")
def list_articles():
    page, per_page = pagination()
    status = request.args.get("status") or None
    if status and status not in {s.value for s in ArticleStatus}:
        raise InvalidInput(
            "status must be draft, in_review or approved", errors={"status": "unknown"}
        )
    items, total = articles.list_articles(db.session, status=status, q=request.args.get("q"),
                                          page=page, per_page=per_page)  # fmt: skip
    progress = articles.progress_for(db.session, [a.id for a in items])
    return paginated([article_summary(a, progress[a.id]) for a in items], page, per_page, total)


@bp.get("/articles/<int:article_id>")
def read_article(article_id: int):
    return _article_response(article_id)


@bp.post("/articles/<int:article_id>/approve")
def approve_article(article_id: int):
    data = only(json_body(), {"version"})
    with transaction() as s:
        articles.approve_article(
            s, actor=current_actor(), article_id=article_id, version=version_from(data)
        )
    return _article_response(article_id)


@bp.post("/articles/<int:article_id>/claims")
def add_claim_(article_id: int):
    data = only(json_body(), {"start", "end", "speaker"})
    with transaction() as s:
        claim = add_claim(s, actor=current_actor(), article_id=article_id, start=data.get("start"),
                          end=data.get("end"), speaker=data.get("speaker"))  # fmt: skip
        claim_id = claim.id
    claim = db.session.get(type(claim), claim_id)
    return with_etag(claim_json(claim), claim.version, 201)


@bp.get("/articles/<int:article_id>/agreement")
def agreement(article_id: int):
    """How often reviewers agree on this article's claims, and the conflicts."""
    article = get_article(db.session, article_id)
    actor = current_actor()
    data = agreement_service.article_agreement(db.session, article.id, viewer=actor)
    if not can(actor, Permission.SEE_ALL_REVIEWS):
        # Blind review: a reviewer learns only the totals, never who agreed with whom.
        data = {
            k: data[k]
            for k in (
                "claims_with_reviews",
                "claims_compared",
                "agreeing",
                "share_agreeing",
                "alpha",
            )
        } | {"conflicts": []}
    return jsonify(data)


RETRY_AFTER = 5  # seconds: when to ask again for a file being rendered in the background


@bp.get("/articles/<int:article_id>/export")
def export(article_id: int):
    fmt = request.args.get("format", "json")
    rendered = export_or_request(
        current_actor(), article_id, fmt, retry_failed=False,
        report_url=url_for("articles.show", article_id=article_id, _external=True),
    )  # fmt: skip
    if isinstance(rendered, RequestState):  # too long to render now: ask again shortly
        return _pending(
            {"status": rendered.state, "format": rendered.fmt, "claims": rendered.claims,
             "requested_at": iso(rendered.requested_at), "started_at": iso(rendered.started_at)},
            f"The {rendered.fmt.upper()} of this {rendered.claims}-claim report is being rendered "
            "in the background",
            url_for("api.export", article_id=article_id, format=fmt),
        )  # fmt: skip
    resp = Response(rendered.content)
    resp.headers["Content-Type"] = rendered.media_type
    resp.headers["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return resp


def _pending(body: dict, what: str, location: str):
    """202: a file (or files) being rendered in the background; ask again at ``location``."""
    resp = jsonify({**body, "retry_after": RETRY_AFTER,
                    "detail": f"{what}; ask again (the same request) after retry_after seconds."})  # fmt: skip
    resp.status_code = 202
    resp.headers["Retry-After"] = str(RETRY_AFTER)
    resp.headers["Location"] = location
    return resp


@bp.get("/exports")
def bulk_export():
    """Every report approved in [since, until] as one streamed ZIP."""
    from factcheck.views.exports import bulk_args, zip_response

    since, until, fmt = bulk_args()
    states = bulk_pending(current_actor(), since=since, until=until, fmt=fmt, retry_failed=False)
    if states:  # too long to render while the ZIP streams: ask again shortly
        started = sum(1 for state in states if state.started_at)
        return _pending(
            {"status": "rendering" if started else "queued", "format": fmt,
             "pending": [state.article_id for state in states]},
            f"{len(states)} {fmt.upper()} file(s) of this export are being rendered in the background",
            url_for("api.bulk_export", since=since, until=until, format=fmt),
        )  # fmt: skip
    return zip_response(since, until, fmt)
