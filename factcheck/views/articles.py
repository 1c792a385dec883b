"""Articles: list, import, the article page, approval and export."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from factcheck.database import transaction
from factcheck.errors import (
    FORM_ERRORS,
    N_,
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
    RateLimited,
)
from factcheck.extensions import db
from factcheck.forms.articles import (
    AddClaimForm,
    ApproveArticleForm,
    ImportForm,
    ImportRetryForm,
    LanguageForm,
    NewVersionForm,
)
from factcheck.jobs.render import export_or_request
from factcheck.models import Article, ArticleStatus, Assignment, Claim, ClaimStatus
from factcheck.models.vocabulary import CLAIM_REVIEWED_GUIDE
from factcheck.permissions import Permission, can
from factcheck.reports.render import FORMATS, with_bom
from factcheck.services import agreement as agreement_service
from factcheck.services import (
    articles,
    assignments,
    desk,
    history,
    languages,
    render_requests,
    sources,
    undo,
    url_imports,
    version_diff,
    versions,
)
from factcheck.services.claims import add_claim
from factcheck.services.common import get_article
from factcheck.services.exports import check_format
from factcheck.services.render_requests import RequestState
from factcheck.settings import settings_of
from factcheck.text.language import LANGUAGES
from factcheck.views import desk as desk_views
from factcheck.views.claims import claim_context
from factcheck.views.queues import assign_form
from factcheck.web.i18n import apply_errors, detail, language_name, version_counts
from factcheck.web.safe_reads import require_same_site_read
from factcheck.web.timeline import timeline as page_timeline
from factcheck.web.timeline import undo_label

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
    mine, conflicts = request.args.get("mine") == "1", request.args.get("conflicts") == "1"
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    if mine or conflicts:
        items, total = _filtered(status=status, q=q, mine=mine, conflicts=conflicts, page=page)
    else:
        items, total = articles.list_articles(
            db.session, status=status, q=q, page=page, per_page=PER_PAGE
        )
    progress = articles.progress_for(db.session, [a.id for a in items], current_user)
    return render_template("articles/index.html", articles=items, progress=progress, total=total,
                           page=page, per_page=PER_PAGE, status=status, q=q or "", mine=mine,
                           conflicts=conflicts)  # fmt: skip


PER_PAGE = 50


def _filtered(*, status, q, mine: bool, conflicts: bool, page: int):
    """A page of articles with the reviewer filters: assigned to me, has conflicts (reads only)."""
    stmt = select(Article)
    if status:
        stmt = stmt.where(Article.status == status)
    if q:
        stmt = stmt.where(Article.title.ilike(f"%{q}%"))
    if mine:
        stmt = stmt.where(
            Article.id.in_(
                select(Assignment.article_id).where(Assignment.user_id == current_user.id)
            )
        )
    if conflicts:
        split = assignments.articles_with_conflicts(viewer=current_user)  # blind for reviewers
        stmt = stmt.where(Article.id.in_(split))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(
        stmt.order_by(Article.created_at.desc(), Article.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return items, total  # fmt: skip


@bp.route("/articles/new", methods=["GET", "POST"])
@login_required
def new():
    form = ImportForm()
    form.language.choices = {"": _("Detect from the text"), **_language_names()}
    if not form.is_submitted():
        return render_template("articles/new.html", form=form)
    if not form.validate():
        return render_template("articles/new.html", form=form), 422
    upload = form.file.data
    if form.url.data and not (upload and upload.filename):
        return _request_url_import(form)
    try:
        source = _import_source(form, form.language.data or None)
        with transaction() as s:
            article = articles.import_article(
                s, actor=current_user, source=source, title=form.title.data,
                source_url=None if form.url.data else form.source_url.data or None,
                publisher=form.publisher.data, published_at=form.published_at.data,
                language=form.language.data or None,
            )  # fmt: skip
            article_id, n = article.id, len(article.claims)
    except FORM_ERRORS as exc:
        apply_errors(form, exc)
        return render_template("articles/new.html", form=form), exc.status
    flash(_("Article imported and split into %(num)s claims.", num=n), "success")
    return redirect(url_for("articles.show", article_id=article_id))


def _request_url_import(form):
    """A web address: the page is fetched by the worker (no web worker waits on a publisher);
    the person watches the import's status page."""
    try:
        with transaction() as s:
            state, _new = url_imports.request_url_import(
                s, actor=current_user, url=form.url.data, title=form.title.data,
                publisher=form.publisher.data, published_at=form.published_at.data,
                language=form.language.data or None,
            )  # fmt: skip
    except FORM_ERRORS as exc:
        apply_errors(form, exc)
        return render_template("articles/new.html", form=form), exc.status
    return redirect(url_for("articles.import_status", job_id=state.id))


IMPORT_POLL_SECONDS = 2


@bp.get("/imports/<int:job_id>")
@login_required
def import_status(job_id: int):
    """A URL import: reloads itself while queued or fetching; done: on to the article."""
    state = url_imports.get_url_import(db.session, actor=current_user, job_id=job_id)
    done = state.status == "done" and state.article_id is not None
    article_url = url_for("articles.show", article_id=state.article_id) if done else None
    if done and not request.headers.get("X-Poll"):  # the poll (static/js/poll.js) goes itself
        if state.new_version_of is not None:
            counts = version_counts(state.reanchored or {})
            flash(_("Corrected version imported: %(counts)s.", counts=counts), "success")
        else:
            flash(_("Article imported from %(url)s.", url=state.url), "success")
        return redirect(article_url, 303)
    return render_template("articles/import_status.html", state=state, poll=IMPORT_POLL_SECONDS,
                           article_url=article_url)  # fmt: skip


@bp.post("/imports/<int:job_id>/retry")
@login_required
def retry_import(job_id: int):
    """Try a failed URL import again."""
    if not ImportRetryForm().validate_on_submit():
        flash(_("The form expired; reload the page and try again."), "error")
        return redirect(url_for("articles.import_status", job_id=job_id))
    try:
        with transaction() as s:
            url_imports.retry_url_import(s, actor=current_user, job_id=job_id)
    except RateLimited as exc:
        flash(detail(exc), "error")
    return redirect(url_for("articles.import_status", job_id=job_id))


def _import_source(form, language: str | None) -> sources.Source:
    """Exactly one of: an uploaded file, a URL, pasted text (fetching and splitting, in
    ``language`` or the detected one, happen here, before the write transaction)."""
    upload = form.file.data
    if upload and upload.filename:
        return sources.from_file(upload.read(), upload.filename, language=language)
    if form.url.data:
        return sources.from_url(form.url.data, sources.fetch_policy(), language=language)
    return sources.from_text(form.text.data or "", language=language)


@bp.get("/articles/<int:article_id>")
@login_required
def show(article_id: int):
    """The reviewer workspace: the text with claims in place, the list, the selected claim."""
    selected = request.args.get("claim", type=int)
    panel = missing = None
    if selected:
        owner = _claim_owner(selected)
        if owner is not None and owner != article_id:  # a link to a claim of another article
            return redirect(
                url_for("articles.show", article_id=owner, claim=selected, _anchor="panel")
            )
        if owner is None:
            missing = selected
        else:
            panel = render_template(
                "claims/_panel.html", in_workspace=True, **claim_context(selected)
            )
    return render_workspace(
        article_id, selected=selected if panel else None, panel=panel, missing=missing
    )


def render_workspace(article_id: int, *, selected=None, panel=None, missing=None) -> str:
    """The workspace page, with the given claim panel (fresh, or a refused form kept)."""
    article = get_article(db.session, article_id)
    progress = articles.progress_for(db.session, [article.id], current_user)[article.id]
    claims = articles.claims_as_seen(db.session, current_user, article)  # blind review
    timeline = page_timeline(history.article_history(db.session, article, current_user, limit=50))
    agreement = assign = last_edit = None
    if can(current_user, Permission.ASSIGN):
        assign = {
            "form": assign_form(),
            "current": assignments.list_assignments(db.session, article.id),
        }
    if can(current_user, Permission.SEE_ALL_REVIEWS):  # the table names who agrees with whom
        agreement = agreement_service.article_agreement(db.session, article.id, viewer=current_user)
    if can(current_user, Permission.UNDO_EDIT, article):
        last_edit = undo.last_undoable_edit(db.session, actor=current_user, article_id=article.id)
    numbered = [(c.number, c) for c in claims]  # reading order, each claim's own number
    sort = "worth" if request.args.get("sort") == "worth" else None
    if sort == "worth":  # what to check first: most check-worthy, then position
        numbered.sort(key=lambda pair: (-pair[1].checkworthiness, pair[1].start))
    flt = desk.ClaimFilter.from_args(request.args)
    keep = desk_views.workspace_args(flt, sort)
    return render_template(
        "articles/show.html", article=article, claims=claims, numbered=numbered, sort=sort,
        progress=progress, timeline=timeline, agreement=agreement, assign=assign,
        version_form=NewVersionForm(version=article.version), orphans=versions.orphans(db.session, article),
        seq_of={c.id: c.number for c in article.all_claims},
        segments=_segments(article, claims), approve_form=ApproveArticleForm(
            version=article.version, published_url=article.published_url
            or settings_of(db.session).default_published_url(article.id)),
        long_statements=[n for n, c in numbered if c.status != ClaimStatus.EXCLUDED
                         and len(c.effective_statement) > CLAIM_REVIEWED_GUIDE],
        add_form=AddClaimForm(), formats=[(f, FORMAT_LABELS[f]) for f in FORMATS],
        report_language=settings_of(db.session).report_language, ClaimStatus=ClaimStatus, panel=panel, selected=selected, last_edit=last_edit, undo_label=undo_label,
        ws_url=url_for("articles.show", article_id=article.id, **keep), keep=keep, missing=missing,
        language_form=_language_form(article),
        language_facts=languages.language_facts(db.session, article), LANGUAGES=LANGUAGES,
        live_seconds=settings_of(db.session).LIVE_POLL_SECONDS,
        **desk_views.queue_context(article, numbered, flt),
    )  # fmt: skip


def _language_form(article) -> LanguageForm:
    form = LanguageForm(language=article.language, version=article.version)
    form.language.choices = _language_names()
    return form


def _language_names() -> dict[str, str]:
    """The article languages by code, named in the page's language ("alemán")."""
    return {code: language_name(code) for code in LANGUAGES}


def _claim_owner(claim_id: int) -> int | None:
    """The article of a claim, or None when there is no such claim."""
    return db.session.scalar(select(Claim.article_id).where(Claim.id == claim_id))


def _segments(article, claims) -> list[tuple[str, object, int]]:
    """The body cut into plain text and claim pieces (the article's current claims, in
    reading order) with their code-point offsets, for highlighting in place (the page
    script maps a selection back to body offsets)."""
    out, pos = [], 0
    for claim in claims:
        if claim.start > pos:
            out.append((article.body[pos : claim.start], None, pos))
        out.append((claim.text, claim, claim.start))
        pos = claim.end
    if pos < len(article.body):
        out.append((article.body[pos:], None, pos))
    return out


@bp.get("/articles/<int:article_id>/versions/diff")
@login_required
def version_changes(article_id: int):
    """What changed between two versions (?from=&to=, default the previous → the current)."""
    diff = version_diff.diff_versions(db.session, actor=current_user, article_id=article_id,
                                      a=_version_arg("from"), b=_version_arg("to"))  # fmt: skip
    return render_template(
        "articles/diff.html", diff=diff, article=get_article(db.session, article_id)
    )


def _version_arg(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise InvalidInput(N_("'%(name)s' must be a version number", name=name),
                           errors={name: N_("a version number")})  # fmt: skip
    return int(raw)


@bp.post("/articles/<int:article_id>/versions")
@login_required
def new_version(article_id: int):
    """Import a corrected version and re-anchor the claims."""
    form = NewVersionForm()
    if not form.validate_on_submit():
        flash(_("Not imported: the form was incomplete."), "error")
        return redirect(url_for("articles.show", article_id=article_id))
    upload = form.file.data
    if form.url.data and not (upload and upload.filename):  # fetched by the worker, watched
        return _request_version_by_url(form, article_id)
    try:
        source = _import_source(form, languages.language_of(db.session, article_id))
        with transaction() as s:
            counts = versions.import_new_version(s, actor=current_user, article_id=article_id, source=source,
                                                 version=form.version.data)  # fmt: skip
    except FORM_ERRORS as exc:
        flash(_("Corrected version not imported: %(why)s", why=detail(exc)), "error")
        return redirect(url_for("articles.show", article_id=article_id))
    flash(
        _("Corrected version imported: %(counts)s.", counts=version_counts(counts)),
        "success",
    )
    return redirect(url_for("articles.show", article_id=article_id))


def _request_version_by_url(form, article_id: int):
    """A corrected version at a web address: checked now (who, the lock, the version), the
    page fetched by the worker; the person watches the import's status page."""
    try:
        with transaction() as s:
            state, _new = url_imports.request_url_import(
                s, actor=current_user, url=form.url.data, new_version_of=article_id,
                version=form.version.data,
            )  # fmt: skip
    except FORM_ERRORS as exc:
        flash(_("Corrected version not imported: %(why)s", why=detail(exc)), "error")
        return redirect(url_for("articles.show", article_id=article_id))
    return redirect(url_for("articles.import_status", job_id=state.id))


@bp.post("/articles/<int:article_id>/language")
@login_required
def set_language(article_id: int):
    """Correct the article's language; its claims are split again by that language's rules."""
    form = LanguageForm()
    if not form.validate_on_submit():
        flash(_("Language not changed: the form was incomplete."), "error")
        return redirect(url_for("articles.show", article_id=article_id))
    try:
        prepared = languages.prepare_language(
            db.session, article_id=article_id, language=form.language.data
        )
        with transaction() as s:
            article = languages.set_article_language(s, actor=current_user, article_id=article_id,
                                                     language=form.language.data, version=form.version.data,
                                                     prepared=prepared)  # fmt: skip
            name, n = language_name(article.language), len(article.claims)
    except (*FORM_ERRORS, InvalidTransition) as exc:
        flash(_("Language not changed: %(why)s", why=detail(exc)), "error")
        return redirect(url_for("articles.show", article_id=article_id))
    flash(_("Language set to %(name)s; the article is split into %(num)s claims.", name=name, num=n),
          "success")  # fmt: skip
    return redirect(url_for("articles.show", article_id=article_id))


@bp.post("/articles/<int:article_id>/approve")
@login_required
def approve(article_id: int):
    form = ApproveArticleForm()
    if form.validate_on_submit():
        try:
            with transaction() as s:
                articles.approve_article(
                    s,
                    actor=current_user,
                    article_id=article_id,
                    version=form.version.data,
                    published_url=form.published_url.data or None,
                )
        except (Conflict, InvalidInput) as exc:
            flash(detail(exc), "error")
        else:
            flash(_("Article approved: its report is final."), "success")
    else:
        flash("; ".join(f"{form[name].label.text}: {', '.join(errs)}"
                        for name, errs in form.errors.items()), "error")  # fmt: skip
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
            flash(_("Claim not added: %(why)s", why=detail(exc)), "error")
            return redirect(url_for("articles.show", article_id=article_id))
        flash(_("Claim added."), "success")
        if request.form.get("back") == "workspace":
            return redirect(
                url_for("articles.show", article_id=article_id, claim=claim_id, _anchor="panel")
            )
        return redirect(url_for("claims.show", claim_id=claim_id))
    abort(400)


@bp.post("/articles/<int:article_id>/undo")
@login_required
def undo_edit(article_id: int):
    """Undo my last split, merge, exclusion or added claim on this article."""
    try:
        with transaction() as s:
            claim = undo.undo_last_edit(s, actor=current_user, article_id=article_id,
                                        event_id=request.form.get("event_id"))  # fmt: skip
            claim_id = claim.id if claim else None
    except (*FORM_ERRORS, InvalidTransition, NotFound) as exc:
        flash(_("Not undone: %(why)s", why=detail(exc)), "error")
        return redirect(url_for("articles.show", article_id=article_id))
    flash(_("Your last edit was undone."), "success")
    if claim_id is None:
        return redirect(url_for("articles.show", article_id=article_id))
    return redirect(
        url_for("articles.show", article_id=article_id, claim=claim_id, _anchor="panel")
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


@bp.get("/articles/<int:article_id>/export")
@login_required
def export(article_id: int):
    require_same_site_read()  # it records the export of a final report: never for a stranger
    fmt = request.args.get("format", "html")
    bom = request.args.get("bom", "1") != "0"  # on by default here: a person opens it in Excel
    lang = request.args.get("lang") or None  # none: the desk's default report language
    out = export_or_request(current_user, article_id, fmt, retry_failed=True, language=lang)
    if isinstance(out, RequestState):  # too long to render now: see it being prepared
        return redirect(
            url_for("articles.render_status", article_id=article_id, request_id=out.id, format=fmt,
                    lang=lang),
            303,
        )  # fmt: skip
    return _download(with_bom(out) if bom else out)


RENDER_POLL_SECONDS = 3


@bp.get("/articles/<int:article_id>/renders/<int:request_id>")
@login_required
def render_status(article_id: int, request_id: int):
    """A long file being prepared: reloads itself until it is kept, then downloads it."""
    state = render_requests.get_request(db.session, actor=current_user, article_id=article_id,
                                        request_id=request_id)  # fmt: skip
    article = get_article(db.session, article_id)
    fmt = state.fmt if state else check_format(request.args.get("format", "pdf"))
    return render_template(
        "articles/render_status.html", article=article, state=state, label=FORMAT_LABELS[fmt],
        download_url=url_for("articles.export", article_id=article_id, format=fmt,
                             lang=request.args.get("lang") or None),
        poll=RENDER_POLL_SECONDS,
    )  # fmt: skip


def _download(rendered) -> Response:
    resp = Response(rendered.content, mimetype=rendered.media_type.split(";")[0])
    resp.headers["Content-Type"] = rendered.media_type
    resp.headers["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return resp
