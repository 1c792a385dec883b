"""Articles: import, list, read, approve, add a claim, export."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for

from ..database import transaction
from ..errors import InvalidInput
from ..extensions import db
from ..models import ArticleStatus
from ..security import current_actor
from ..services import articles, exports
from ..services.articles import decode_upload
from ..services.claims import add_claim
from ..services.common import get_article
from . import bp, json_body, only, version_from
from .helpers import paginated, pagination, with_etag
from .serializers import article_json, article_summary, claim_json

META = ("title", "source_url", "publisher", "published_at")


def _article_response(article_id: int, status: int = 200):
    db.session.expire_all()
    article = get_article(db.session, article_id)
    progress = articles.progress_for(db.session, [article.id])[article.id]
    return with_etag(article_json(article, progress, article.claims), article.version, status)


@bp.post("/articles")
def import_article():
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise InvalidInput("send the article as a 'file' part", errors={"file": "required"})
        text = decode_upload(upload.read(), upload.filename)
        fields = {k: request.form.get(k) for k in META}
        kind, raw, filename = "file", text, upload.filename
    else:
        data = only(json_body(), {"text", "html", "url", *META})
        if "html" in data or "url" in data:
            raise InvalidInput("import from HTML or a URL is not available yet; send text", errors={"text": "required"})
        text = data.get("text")
        fields = {k: data.get(k) for k in META}
        kind, raw, filename = "text", text, None
    with transaction() as s:
        article = articles.import_article(s, actor=current_actor(), text=text, input_kind=kind,
                                          raw_input=raw, filename=filename, **fields)  # fmt: skip
        article_id = article.id
    resp = _article_response(article_id, 201)
    resp.headers["Location"] = url_for("api.read_article", article_id=article_id)
    return resp


@bp.get("/articles")
def list_articles():
    page, per_page = pagination()
    status = request.args.get("status") or None
    if status and status not in {s.value for s in ArticleStatus}:
        raise InvalidInput("status must be draft, in_review or approved", errors={"status": "unknown"})
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
        articles.approve_article(s, actor=current_actor(), article_id=article_id, version=version_from(data))
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


@bp.get("/articles/<int:article_id>/export")
def export(article_id: int):
    fmt = request.args.get("format", "json")
    with transaction() as s:
        rendered = exports.export_article(
            s, actor=current_actor(), article_id=article_id, fmt=fmt,
            report_url=url_for("articles.show", article_id=article_id, _external=True),
        )  # fmt: skip
    resp = Response(rendered.content)
    resp.headers["Content-Type"] = rendered.media_type
    resp.headers["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return resp

