"""Articles: import, list, read, approve, add a claim, export."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for
from werkzeug.datastructures import FileStorage

from factcheck.api import requests as inp
from factcheck.api import responses as out
from factcheck.api.claims import SPAN
from factcheck.api.contract import Answer, Refusal, answer, route, version_of
from factcheck.api.helpers import paginated, with_etag
from factcheck.api.serializers import article_json, article_summary, claim_json
from factcheck.database import transaction
from factcheck.errors import InvalidInput
from factcheck.extensions import db
from factcheck.jobs.render import bulk_pending, export_or_request
from factcheck.models import iso
from factcheck.permissions import Permission, can
from factcheck.reports.render import with_bom
from factcheck.services import agreement as agreement_service
from factcheck.services import articles, languages, live, sources, url_imports, versions
from factcheck.services.claims import add_claim
from factcheck.services.common import get_article
from factcheck.services.render_requests import RequestState
from factcheck.web.auth import current_actor
from factcheck.web.downloads import bulk_args, zip_response
from factcheck.web.safe_reads import require_same_site_read

META = ("title", "source_url", "publisher", "published_at", "language")
LANGUAGE_RULE = Refusal(409, "language", "the language can change while the article is not "
                        "approved and nobody has reviewed, edited or been assigned its claims "
                        "(they are split again)")  # fmt: skip
SOURCE_RULES = (
    Refusal(422, "text", "the article (the text, or what is read from the html, the url's page "
            "or the file) holds a sentence: a line that is more than punctuation, symbols or page "
            "furniture (a copyright line, share links, an agency's name alone)"),
    Refusal(422, "url", "the server fetches the page: its addresses must be public (or allowed "
            "by FETCH_ALLOWED_ADDRESSES), its port allowed (FETCH_ALLOWED_PORTS: 80, 443, 8080, "
            "8443), its answer text or HTML within the size limit, at most 5 redirects"),
    Refusal(415, "file", "the file's name ends in .txt, .md, .markdown, .text, .html, .htm or "
            ".xhtml and it holds UTF-8 text (or UTF-16 with a BOM), not a binary format"),
)  # fmt: skip
SOURCE_PROBLEMS = (502, 504)  # a URL import whose page cannot be reached or does not answer
ARTICLE = answer(out.Article, headers=("ETag",))


def _article_response(article_id: int, status: int = 200):
    db.session.expire_all()
    article = get_article(db.session, article_id)
    viewer = current_actor()
    progress = articles.progress_for(db.session, [article.id], viewer)[article.id]
    claims = articles.claims_as_seen(db.session, viewer, article)
    return with_etag(article_json(article, progress, claims), article.version, status)


QUEUED = (
    "Prefer: respond-async with a url: the import is queued for the worker (no request waits "
    "on the publisher); poll Location (GET /imports/{job_id}) until its status is done "
    "(article: the new article) or failed (error: why; nothing was imported)"
)
QUEUED_VERSION = (
    "Prefer: respond-async with a url: the corrected version is queued for the worker (who "
    "may, the lock and the version are checked now); poll Location (GET /imports/{job_id}) "
    "until done (reanchored: the claims' outcomes) or failed (error: why, e.g. the article "
    "changed meanwhile; nothing was stored)"
)
IMPORT = answer(out.UrlImport, description="The URL import: queued, running, done or failed")


@route("POST", "/articles", summary="Import an article (JSON text, html or url; or multipart with a file)",
       body=inp.NewArticle, upload=inp.NewArticleUpload, refusals=SOURCE_RULES, prefer=True,
       problems=(*SOURCE_PROBLEMS, 429),  # 429: five URL imports of the caller's waiting already
       ok=(answer(out.Article, 201, "Created", headers=("ETag", "Location")),
           answer(out.UrlImport, 202, QUEUED, headers=("Location", "Preference-Applied"))))  # fmt: skip
def import_article(body: inp.NewArticle | inp.NewArticleUpload):
    if isinstance(body, inp.NewArticle) and body.url is not None and _prefers_async():
        return _queue_url_import(body)
    source = _source(body, body.language)
    fields = {k: getattr(body, k) for k in META}
    with transaction() as s:
        article = articles.import_article(s, actor=current_actor(), source=source, **fields)
        article_id = article.id
    resp = _article_response(article_id, 201)
    resp.headers["Location"] = url_for("api.read_article", article_id=article_id)
    return resp


def _prefers_async() -> bool:
    """RFC 7240: Prefer is a comma-separated list of preferences (parameters after ';')."""
    prefs = ",".join(request.headers.getlist("Prefer")).lower().split(",")
    return any(p.split(";")[0].strip() == "respond-async" for p in prefs)


def _queue_url_import(body: inp.NewArticle):
    with transaction() as s:
        state, _new = url_imports.request_url_import(
            s, actor=current_actor(), url=body.url, title=body.title, publisher=body.publisher,
            published_at=body.published_at, language=body.language,
        )  # fmt: skip
    return _queued(state)


def _queued(state: url_imports.ImportState):
    resp = _import_response(state, 202)
    resp.headers["Location"] = url_for("api.read_import", job_id=state.id)
    resp.headers["Preference-Applied"] = "respond-async"
    return resp


def _import_response(state: url_imports.ImportState, status: int = 200):
    article = None
    if state.article_id is not None:
        article = {"id": state.article_id,
                   "url": url_for("api.read_article", article_id=state.article_id)}  # fmt: skip
    resp = jsonify({"id": state.id, "url": state.url, "status": state.status, "error": state.error,
                    "requested_at": iso(state.requested_at), "started_at": iso(state.started_at),
                    "finished_at": iso(state.finished_at), "article": article,
                    "new_version_of": state.new_version_of, "reanchored": state.reanchored})  # fmt: skip
    resp.status_code = status
    return resp


@route("GET", "/imports/<int:job_id>", ok=IMPORT,
       summary="A URL import asked for with Prefer: respond-async (the caller's own; a lead's: any)")  # fmt: skip
def read_import(job_id: int):
    return _import_response(
        url_imports.get_url_import(db.session, actor=current_actor(), job_id=job_id)
    )


def _source(
    body: inp.NewArticle | inp.NewVersion | inp.Upload, language: str | None
) -> sources.Source:
    """The article as given: exactly one of text, html or url (JSON), or the uploaded file,
    split in ``language`` (else the detected one) before the write turn."""
    if isinstance(body, inp.Upload):
        upload = body.file if isinstance(body.file, FileStorage) else None
        if upload is None or not upload.filename:
            raise InvalidInput("send the article as a 'file' part", errors={"file": "required"})
        return sources.from_file(upload.read(), upload.filename, language=language)
    if body.url is not None:
        return sources.from_url(body.url, sources.fetch_policy(), language=language)
    if body.html is not None:
        return sources.from_html(body.html, language=language)
    return sources.from_text(body.text, detect_html=False, language=language)


@route("POST", "/articles/<int:article_id>/versions", versioned=True, refusals=SOURCE_RULES,
       summary="Import a corrected version; claims are re-anchored (counts per outcome returned)",
       body=inp.NewVersion, upload=inp.NewVersionUpload, prefer=True,
       problems=(*SOURCE_PROBLEMS, 429),
       ok=(answer(out.Reanchored, headers=("ETag",)),
           answer(out.UrlImport, 202, QUEUED_VERSION, headers=("Location", "Preference-Applied"))))  # fmt: skip
def new_version(article_id: int, body: inp.NewVersion | inp.NewVersionUpload):
    """Import a corrected version; claims are re-anchored (counts per outcome returned)."""
    if isinstance(body, inp.NewVersion) and body.url is not None and _prefers_async():
        with transaction() as s:
            state, _new = url_imports.request_url_import(
                s, actor=current_actor(), url=body.url, new_version_of=article_id,
                version=version_of(body),
            )  # fmt: skip
        return _queued(state)
    source = _source(body, languages.language_of(db.session, article_id))
    with transaction() as s:
        counts = versions.import_new_version(s, actor=current_actor(), article_id=article_id, source=source,
                                             version=version_of(body))  # fmt: skip
    resp = _article_response(article_id)
    payload = resp.get_json()
    payload["reanchored"] = counts
    return with_etag(payload, payload["version"])


@route(
    "GET", "/articles", summary="List articles", query=inp.ArticleList, ok=answer(out.ArticlePage)
)
def list_articles(query: inp.ArticleList):
    items, total = articles.list_articles(db.session, status=query.status, q=query.q,
                                          page=query.page, per_page=query.per_page)  # fmt: skip
    progress = articles.progress_for(db.session, [a.id for a in items], current_actor())
    return paginated([article_summary(a, progress[a.id]) for a in items], query.page,
                     query.per_page, total)  # fmt: skip


@route("GET", "/articles/<int:article_id>", summary="An article with its claims", ok=ARTICLE)
def read_article(article_id: int):
    return _article_response(article_id)


@route("GET", "/articles/<int:article_id>/changes",
       summary="The article's live state as the caller may see it (poll with If-None-Match)",
       ok=(answer(out.ArticleLive, headers=("ETag",)),
           Answer(304, {}, "Not modified: the state still has the ETag sent", ("ETag",))))  # fmt: skip
def article_changes(article_id: int):
    state = live.article_state(db.session, current_actor(), article_id)
    tag = live.state_tag(state)
    resp = Response(status=304) if tag in request.if_none_match else jsonify(state)
    resp.set_etag(tag)
    return resp


@route("POST", "/articles/<int:article_id>/approve", summary="Approve the article",
       body=inp.ArticleApproval, versioned=True, ok=ARTICLE)  # fmt: skip
def approve_article(article_id: int, body: inp.ArticleApproval):
    with transaction() as s:
        articles.approve_article(s, actor=current_actor(), article_id=article_id,
                                 version=version_of(body), published_url=body.published_url)  # fmt: skip
    return _article_response(article_id)


@route("PUT", "/articles/<int:article_id>/language", body=inp.ArticleLanguage, versioned=True,
       summary="Correct the article's language; its claims are split again in it",
       refusals=(LANGUAGE_RULE,), ok=ARTICLE)  # fmt: skip
def set_language(article_id: int, body: inp.ArticleLanguage):
    prepared = languages.prepare_language(db.session, article_id=article_id, language=body.language)
    with transaction() as s:
        languages.set_article_language(s, actor=current_actor(), article_id=article_id,
                                       language=body.language, version=version_of(body), prepared=prepared)  # fmt: skip
    return _article_response(article_id)


@route("POST", "/articles/<int:article_id>/claims", summary="Add a claim from a span of the body",
       body=inp.NewClaim, problems=(409,), refusals=(SPAN,),
       ok=answer(out.Claim, 201, "Created", headers=("ETag",)))  # fmt: skip
def add_claim_(article_id: int, body: inp.NewClaim):
    with transaction() as s:
        claim = add_claim(s, actor=current_actor(), article_id=article_id, start=body.start,
                          end=body.end, speaker=body.speaker)  # fmt: skip
        claim_id = claim.id
    claim = db.session.get(type(claim), claim_id)
    return with_etag(claim_json(claim), claim.version, 201)


@route("GET", "/articles/<int:article_id>/agreement", ok=answer(out.Agreement),
       summary="Agreement between reviewers (details for leads)")  # fmt: skip
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
                "current_agreeing",
                "current_share_agreeing",
            )
        } | {"conflicts": [], "resolved_conflicts": [], "revised_after_seen": []}
    return jsonify(data)


RETRY_AFTER = 5  # seconds: when to ask again for a file being rendered in the background
FILES = {"text/html": {"type": "string"}, "application/pdf": {"type": "string"},
         "text/markdown": {"type": "string"}, "text/csv": {"type": "string"},
         "application/json": {"type": "object", "description": "the report; schema factcheck.report/v1"},
         "application/ld+json": {"type": ["object", "array"]}}  # fmt: skip
PENDING = ("Retry-After", "Location")
RENDERING = (
    "A PDF too long to render within the request is being rendered in the background: ask "
    "again (the same request, also in Location) after Retry-After seconds; 200 with the file "
    "when it is kept, 500 if its rendering failed (asking again then starts afresh)"
)


@route("GET", "/articles/<int:article_id>/export", summary="Export the report", query=inp.Export,
       problems=(403, 409, 413, 429),  # cross-site; ClaimReview of a draft; a PDF over the size cap; too many long PDFs waiting
       ok=(Answer(200, FILES, "The report file", ("Content-Disposition",)),
           answer(out.Rendering, 202, RENDERING, PENDING)))  # fmt: skip
def export(article_id: int, query: inp.Export):
    require_same_site_read()  # a cookie request from another site records nothing
    fmt = query.format
    rendered = export_or_request(current_actor(), article_id, fmt, retry_failed=False,
                                 language=query.lang)  # fmt: skip
    if isinstance(rendered, RequestState):  # too long to render now: ask again shortly
        return _pending(
            {"status": rendered.state, "format": rendered.fmt, "claims": rendered.claims,
             "requested_at": iso(rendered.requested_at), "started_at": iso(rendered.started_at)},
            f"The {rendered.fmt.upper()} of this {rendered.claims}-claim report is being rendered "
            "in the background",
            url_for("api.export", article_id=article_id, format=fmt, lang=query.lang),
        )  # fmt: skip
    if query.bom:
        rendered = with_bom(rendered)
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


BULK_PENDING = (
    "PDFs too long to render while the ZIP streams are being rendered in the background: "
    "ask again (the same request, also in Location) after Retry-After seconds"
)


@route("GET", "/exports", summary="Reports of every article approved in a date range, as a ZIP",
       query=inp.BulkExport, refusals=(Refusal(422, "since", "since is not after until"),),
       problems=(403, 409, 413, 429),
       ok=(Answer(200, {"application/zip": {"type": "string"}},
                  "A ZIP: one report per article and manifest.json", ("Content-Disposition",)),
           answer(out.BulkRendering, 202, BULK_PENDING, PENDING)))  # fmt: skip
def bulk_export(query: inp.BulkExport):
    """Every report approved in [since, until] as one streamed ZIP."""
    require_same_site_read()  # it records every export of the ZIP
    since, until, fmt, lang = bulk_args()
    states = bulk_pending(current_actor(), since=since, until=until, fmt=fmt, retry_failed=False,
                          language=lang)  # fmt: skip
    if states:  # too long to render while the ZIP streams: ask again shortly
        started = sum(1 for state in states if state.started_at)
        return _pending(
            {"status": "rendering" if started else "queued", "format": fmt,
             "pending": [state.article_id for state in states]},
            f"{len(states)} {fmt.upper()} file(s) of this export are being rendered in the background",
            url_for("api.bulk_export", since=since, until=until, format=fmt, lang=lang),
        )  # fmt: skip
    return zip_response(since, until, fmt, lang)
