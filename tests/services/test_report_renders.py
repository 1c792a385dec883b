"""Kept PDF renders: a report state is rendered once, then served as it was made."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, ReportRender
from factcheck.reports import build_report
from factcheck.reports import render as render_module
from factcheck.services import articles, exports

TEXT = "Buses\n\nThe mayor said the city bought 40 buses in 2024. Ridership rose 12% last year.\n"


@pytest.fixture
def desk(make_user, make_article):
    reviewer, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=TEXT)
    return article.id, reviewer, lead


def _export(actor, article_id, fmt="pdf"):
    with transaction() as s:
        out = exports.export_article(s, actor=actor, article_id=article_id, fmt=fmt)
    db.session.rollback()
    return out


def _kept(article_id):
    return db.session.scalar(
        select(func.count()).select_from(ReportRender).where(ReportRender.article_id == article_id)
    )


def _exports_audited(article_id):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.article_id == article_id,
                                 AuditEvent.action == "report.exported").order_by(AuditEvent.seq)
    ).all()  # fmt: skip


def test_a_final_pdf_is_rendered_once_and_served_as_made(review_all, desk, renders):
    article_id, reviewer, lead = desk
    review_all(article_id, reviewer, lead)
    first = _export(lead, article_id)
    second = _export(lead, article_id)
    assert renders == [(article_id, "pdf")]  # the second export reused the kept file
    assert first.content == second.content and first.content.startswith(b"%PDF")
    assert first.filename == second.filename == f"factcheck-report-{article_id}-final.pdf"
    assert _kept(article_id) == 1
    # Both exports are audited; the second names the chain head printed in the kept file.
    events = _exports_audited(article_id)
    assert len(events) == 2
    row = db.session.scalars(select(ReportRender)).one()
    assert row.chain_head_hash and row.size == len(first.content) and row.render_ms >= 0
    assert row.last_event_hash == db.session.scalar(
        select(AuditEvent.digest).where(AuditEvent.action == "article.approved")
    )


def test_other_formats_are_never_kept(review_all, desk, renders):
    article_id, reviewer, lead = desk
    review_all(article_id, reviewer, lead)
    for _ in range(2):
        _export(lead, article_id, "html")
    assert renders == [(article_id, "html")] * 2 and _kept(article_id) == 0


def test_an_exports_own_event_does_not_change_the_reports_digest(review_all, desk):
    """The report names the article's last event that changed it (by its digest, which
    exists before the event is sealed): an export changes nothing."""
    article_id, reviewer, lead = desk
    review_all(article_id, reviewer, lead)
    one = _export(lead, article_id, "json").content
    two = _export(lead, article_id, "json").content
    approved = db.session.scalar(
        select(AuditEvent.digest).where(AuditEvent.action == "article.approved")
    )
    assert approved.encode() in one and approved.encode() in two


def test_a_change_to_the_article_makes_a_new_file(review_all, desk, renders):
    article_id, reviewer, lead = desk
    review_all(article_id, reviewer, lead, approve_article=False)
    draft = _export(lead, article_id)
    assert _export(lead, article_id).content == draft.content  # drafts are kept too
    assert _exports_audited(article_id) == []  # but a draft's export is not audited
    with transaction() as s:
        articles.approve_article(s, actor=lead, article_id=article_id,
                                 version=s.get(Article, article_id).version)  # fmt: skip
    db.session.rollback()
    final = _export(lead, article_id)
    assert final.content != draft.content and final.filename.endswith("-final.pdf")
    assert len(renders) == 2 and _kept(article_id) == 2


def test_a_reviewer_sees_only_what_blind_review_allows(review_all, desk, make_user, renders):
    """A reviewer who reviewed nothing gets a file without the others' reviews, rendered for
    them: the desk's full file is never handed to them."""
    article_id, reviewer, lead = desk
    review_all(article_id, reviewer, lead, approve_article=False)
    full = _export(lead, article_id)
    outsider = make_user("reviewer")
    partial = _export(outsider, article_id)
    assert partial.content != full.content and len(renders) == 2
    rows = db.session.scalars(select(ReportRender).order_by(ReportRender.id)).all()
    assert rows[0].last_event_hash and rows[1].last_event_hash is None  # not the desk's file


def test_the_worker_renders_pending_approved_articles(
    review_all, desk, make_user, make_article, runner, renders
):
    article_id, reviewer, lead = desk
    draft = make_article(text=TEXT)
    review_all(article_id, reviewer, lead)
    assert exports.pending_renders(db.session) == [article_id]  # the draft is not pending
    result = runner.invoke(args=["worker"])
    assert result.exit_code == 0, result.output
    assert f"article {article_id}: pdf rendered in" in result.output
    db.session.rollback()
    assert exports.pending_renders(db.session) == [] and _kept(draft.id) == 0
    # Exporting now is served from the kept file, and is no reason to render again.
    _export(lead, article_id)
    assert renders == [(article_id, "pdf")]
    assert exports.pending_renders(db.session) == []
    assert runner.invoke(args=["worker"]).output.strip() == "no jobs due"


def test_keep_render_keeps_the_newest_few(desk):
    article_id, _reviewer, _lead = desk
    kept = exports.prepare_render(db.session, article_id=article_id)
    db.session.rollback()
    newest = exports.KEEP_RENDERS + 1
    for n in range(newest + 1):
        with transaction() as s:
            assert exports.keep_render(s, replace(kept, fingerprint=f"{n:064x}"))
    with transaction() as s:  # the same content twice is kept once
        assert not exports.keep_render(s, replace(kept, fingerprint=f"{newest:064x}"))
    db.session.rollback()
    assert _kept(article_id) == exports.KEEP_RENDERS
    fingerprints = set(db.session.scalars(select(ReportRender.fingerprint)))
    assert fingerprints == {
        f"{n:064x}" for n in range(newest + 1 - exports.KEEP_RENDERS, newest + 1)
    }


def test_the_fingerprint_ignores_only_the_moment_of_rendering(desk):

    article_id, _reviewer, _lead = desk
    report = build_report(db.session, db.session.get(Article, article_id))
    digest = render_module.fingerprint(report, "pdf")
    moved = replace(report, generated_at=None, chain_head_seq=99, chain_head_hash="f" * 64,
                    report_url="https://elsewhere.example/")  # fmt: skip
    assert render_module.fingerprint(moved, "pdf") == digest
    assert render_module.fingerprint(replace(report, title="Other"), "pdf") != digest
    assert render_module.fingerprint(report, "html") != digest
