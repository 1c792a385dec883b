"""Articles: list, import, the article page, approval and export."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..database import transaction
from ..errors import FORM_ERRORS, Conflict
from ..extensions import db
from ..forms import apply_errors
from ..forms.articles import AddClaimForm, ApproveArticleForm, ImportForm, NewVersionForm
from ..models import ArticleStatus, ClaimStatus
from ..permissions import Permission, can
from ..reports.render import FORMATS
from ..services import agreement as agreement_service
from ..services import articles, assignments, exports, history, sources, versions
from ..services.claims import add_claim
from ..services.common import get_article
from .queues import assign_form

bp = Blueprint("articles", __name__)

FORMAT_LABELS = {"html": "HTML", "pdf": "PDF", "md": "Markdown", "csv": "CSV", "json": "JSON",
                 "claimreview": "ClaimReview JSON-LD", "w3c": "W3C Web Annotation"}  # fmt: skip


@bp.get("/")
@login_required
def home():
    return redirect(url_for("articles.index"))


@bp.get("/articles")
@login_required
def index():
    status = request.args.get("status") or None
    if status not in {None, *(s.value for s in ArticleStatus)}:
        status = None
    q = (request.args.get("q") or "").strip()[:200] or None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    items, total = articles.list_articles(db.session, status=status, q=q, page=page, per_page=50)
    progress = articles.progress_for(db.session, [a.id for a in items])
    return render_template("articles/index.html", articles=items, progress=progress, total=total,
                           page=page, per_page=50, status=status, q=q or "")  # fmt: skip


@bp.route("/articles/new", methods=["GET", "POST"])
@login_required
def new():
    form = ImportForm()
    if not form.is_submitted():
        return render_template("articles/new.html", form=form)
    if not form.validate():
        return render_template("articles/new.html", form=form), 422
    try:
        source = _import_source(form)
        with transaction() as s:
            article = articles.import_article(
                s, actor=current_user, source=source, title=form.title.data,
                source_url=None if form.url.data else form.source_url.data or None,
                publisher=form.publisher.data, published_at=form.published_at.data,
            )  # fmt: skip
            article_id, n = article.id, len(article.claims)
    except FORM_ERRORS as exc:
        apply_errors(form, exc)
        return render_template("articles/new.html", form=form), exc.status
    flash(f"Article imported and split into {n} claims.", "success")
    return redirect(url_for("articles.show", article_id=article_id))


def _import_source(form) -> sources.Source:
    """Exactly one of: an uploaded file, a URL, pasted text (fetching happens here, before
    the write transaction)."""
    upload = form.file.data
    if upload and upload.filename:
        return sources.from_file(upload.read(), upload.filename)
    if form.url.data:
        return sources.from_url(form.url.data, sources.fetch_policy())
    return sources.from_text(form.text.data or "")


@bp.get("/articles/<int:article_id>")
@login_required
def show(article_id: int):
    article = get_article(db.session, article_id)
    progress = articles.progress_for(db.session, [article.id])[article.id]
    timeline = [
        dict(ev, lines=history.describe_changes(ev["before"], ev["after"]))
        for ev in history.article_history(db.session, article, current_user, limit=50)
    ]
    agreement = assign = None
    if can(current_user, Permission.ASSIGN):
        assign = {
            "form": assign_form(),
            "current": assignments.list_assignments(db.session, article.id),
        }
    if can(current_user, Permission.SEE_ALL_REVIEWS):
        agreement = agreement_service.article_agreement(db.session, article.id)
    numbered = list(enumerate(article.claims, start=1))
    sort = request.args.get("sort")
    if sort == "worth":  # what to check first: most check-worthy, then position
        numbered.sort(key=lambda pair: (-pair[1].checkworthiness, pair[0]))
    return render_template(
        "articles/show.html", article=article, claims=article.claims, numbered=numbered, sort=sort,
        progress=progress, timeline=timeline, agreement=agreement, assign=assign,
        version_form=NewVersionForm(version=article.version), orphans=versions.orphans(db.session, article),
        seq_of={c.id: n for n, c in enumerate(article.claims, start=1)},
        segments=_segments(article), approve_form=ApproveArticleForm(version=article.version),
        add_form=AddClaimForm(), formats=[(f, FORMAT_LABELS[f]) for f in FORMATS],
        ClaimStatus=ClaimStatus,
    )  # fmt: skip


def _segments(article) -> list[tuple[str, object]]:
    """The body cut into plain text and claim pieces, for highlighting in place."""
    out, pos = [], 0
    for claim in article.claims:
        if claim.start > pos:
            out.append((article.body[pos : claim.start], None))
        out.append((claim.text, claim))
        pos = claim.end
    if pos < len(article.body):
        out.append((article.body[pos:], None))
    return out


@bp.post("/articles/<int:article_id>/versions")
@login_required
def new_version(article_id: int):
    """Import a corrected version and re-anchor the claims."""
    form = NewVersionForm()
    if not form.validate_on_submit():
        flash("Not imported: the form was incomplete.", "error")
        return redirect(url_for("articles.show", article_id=article_id))
    try:
        source = _import_source(form)
        with transaction() as s:
            counts = versions.import_new_version(s, actor=current_user, article_id=article_id, source=source,
                                                 version=form.version.data)  # fmt: skip
    except FORM_ERRORS as exc:
        flash(f"Corrected version not imported: {exc.detail}", "error")
        return redirect(url_for("articles.show", article_id=article_id))
    flash(
        "Corrected version imported: "
        + ", ".join(f"{n} {k}" for k, n in counts.items() if n)
        + ".",
        "success",
    )
    return redirect(url_for("articles.show", article_id=article_id))


@bp.post("/articles/<int:article_id>/approve")
@login_required
def approve(article_id: int):
    form = ApproveArticleForm()
    if form.validate_on_submit():
        try:
            with transaction() as s:
                articles.approve_article(
                    s, actor=current_user, article_id=article_id, version=form.version.data
                )
        except Conflict as exc:
            flash(exc.detail, "error")
        else:
            flash("Article approved: its report is final.", "success")
    return redirect(url_for("articles.show", article_id=article_id))


@bp.post("/articles/<int:article_id>/claims")
@login_required
def add(article_id: int):
    form = AddClaimForm()
    if form.validate_on_submit():
        try:
            with transaction() as s:
                claim = add_claim(s, actor=current_user, article_id=article_id,
                                  start=_int(form.start.data), end=_int(form.end.data))  # fmt: skip
                claim_id = claim.id
        except FORM_ERRORS as exc:
            flash(f"Claim not added: {exc.detail}", "error")
            return redirect(url_for("articles.show", article_id=article_id))
        flash("Claim added.", "success")
        return redirect(url_for("claims.show", claim_id=claim_id))
    abort(400)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


@bp.get("/articles/<int:article_id>/export")
@login_required
def export(article_id: int):
    fmt = request.args.get("format", "html")
    rendered, record = exports.render_export(
        db.session, actor=current_user, article_id=article_id, fmt=fmt,
        report_url=url_for("articles.show", article_id=article_id, _external=True),
    )  # fmt: skip
    if record is not None:
        with transaction() as s:
            exports.record_export(s, actor=current_user, record=record)
    return _download(rendered)


def _download(rendered) -> Response:
    resp = Response(rendered.content, mimetype=rendered.media_type.split(";")[0])
    resp.headers["Content-Type"] = rendered.media_type
    resp.headers["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return resp
