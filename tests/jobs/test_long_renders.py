"""Long PDFs are rendered in the background, not within the request (services/render_requests).

A 1,000-claim PDF takes WeasyPrint about a minute, longer than gunicorn lets a request run.
A PDF that is not kept and prints more than PDF_INLINE_MAX_KIB is asked for instead: the
web page shows it being prepared and the API answers 202 until a renderer has kept the
file; then the ordinary export serves it (and audits a final report's export). These
tests set the limit to 0 so that the three-claim article counts as long.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import current_app
from settings_helpers import override_settings
from sqlalchemy import func, select, update

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.jobs import render as render_queue
from factcheck.models import AuditEvent, Claim, RenderRequest, ReportRender, utcnow
from factcheck.services import exports, render_requests, reviews

TEXT = "Buses\n\nThe mayor said the city bought 40 buses in 2024. Ridership rose 12% last year.\n"
LINK = [{"url": "https://example.org/minutes", "title": "Minutes", "stance": "supports"}]


@pytest.fixture
def long_pdfs(app):
    override_settings(app, PDF_INLINE_MAX_KIB=0)


@pytest.fixture
def desk(make_user, make_article):
    reviewer, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=TEXT)
    return article.id, reviewer, lead


def _count(model, article_id):
    db.session.rollback()
    return db.session.scalar(
        select(func.count()).select_from(model).where(model.article_id == article_id)
    )


def _exports_audited(article_id):
    db.session.rollback()
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent)
        .where(AuditEvent.article_id == article_id, AuditEvent.action == "report.exported")
    )  # fmt: skip


def _drain():
    """Run the renderer as its thread does: in an app context (and session) of its own."""
    with current_app.app_context():
        out = render_queue.drain()
        db.session.remove()
    db.session.rollback()
    return out


# --------------------------------------------------------------------------- API


def test_a_short_pdf_still_renders_within_the_request(desk, api_as, renders):
    article_id, _reviewer, lead = desk
    resp = api_as(lead).get(f"/articles/{article_id}/export?format=pdf")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    assert renders == [(article_id, "pdf")] and _count(RenderRequest, article_id) == 0


def test_api_answers_202_until_the_background_render_keeps_the_file(
    review_all, desk, api_as, renders, long_pdfs
):
    article_id, reviewer, lead = desk
    review_all(article_id, reviewer, lead)
    api = api_as(lead)
    first = api.get(f"/articles/{article_id}/export?format=pdf")
    assert first.status_code == 202, first.get_data(as_text=True)
    assert first.headers["Retry-After"] == "5"
    assert first.headers["Location"].endswith(f"/api/v1/articles/{article_id}/export?format=pdf")
    body = first.get_json()
    assert body["status"] == "queued" and body["retry_after"] == 5
    assert body["claims"] == _count(Claim, article_id)
    # Asking again shares the one request; nothing is rendered or audited in the request.
    assert api.get(f"/articles/{article_id}/export?format=pdf").status_code == 202
    assert _count(RenderRequest, article_id) == 1 and _count(ReportRender, article_id) == 0
    assert renders == [] and _exports_audited(article_id) == 0

    drained = _drain()
    assert [job.article_id for job, _ms in drained.kept] == [article_id]
    assert _count(RenderRequest, article_id) == 0 and _count(ReportRender, article_id) == 1

    done = api.get(f"/articles/{article_id}/export?format=pdf")
    assert done.status_code == 200 and done.data.startswith(b"%PDF")
    assert done.headers["Content-Type"] == "application/pdf"
    assert renders == [(article_id, "pdf")]  # rendered once, by the renderer
    assert _exports_audited(article_id) == 1  # the final report's export, when downloaded


def test_other_formats_never_wait(desk, api_as, long_pdfs):
    article_id, _reviewer, lead = desk
    for fmt in ("html", "json", "csv"):
        assert api_as(lead).get(f"/articles/{article_id}/export?format={fmt}").status_code == 200
    assert _count(RenderRequest, article_id) == 0


def test_a_failed_render_is_reported_once_then_asked_afresh(desk, api_as, monkeypatch, long_pdfs):
    article_id, _reviewer, lead = desk
    api = api_as(lead)
    assert api.get(f"/articles/{article_id}/export?format=pdf").status_code == 202

    def broken(report, fmt):
        raise RuntimeError("no fonts installed")

    monkeypatch.setattr(exports, "render", broken)
    drained = _drain()
    assert [job.article_id for job, _e in drained.failed] == [article_id]
    assert "no fonts installed" in drained.failed[0][1]
    # The renderer does not retry a failed request by itself.
    assert _drain().failed == []

    failed = api.get(f"/articles/{article_id}/export?format=pdf")
    assert failed.status_code == 500
    assert failed.headers["Content-Type"].startswith("application/problem+json")
    assert "no fonts installed" in failed.get_json()["detail"]
    assert _count(RenderRequest, article_id) == 0
    again = api.get(f"/articles/{article_id}/export?format=pdf")
    assert again.status_code == 202 and again.get_json()["status"] == "queued"


# --------------------------------------------------------------------------- web page


def test_web_page_shows_the_pdf_being_prepared_then_downloads_it(
    desk, client, login, renders, long_pdfs
):
    article_id, _reviewer, lead = desk
    login(lead)
    resp = client.get(f"/articles/{article_id}/export?format=pdf")
    assert resp.status_code == 303
    status_url = resp.headers["Location"]
    assert re.search(rf"/articles/{article_id}/renders/\d+\?format=pdf$", status_url)

    page = client.get(status_url).get_data(as_text=True)
    assert "Preparing the PDF" in page and "queued for rendering" in page
    assert 'data-render-state="queued"' in page and 'data-poll="3"' in page  # static/js/poll.js
    assert 'http-equiv="refresh"' not in page  # no timed reload (WCAG 2.2.1)
    assert "Check again" in page  # without JavaScript
    assert f"{_count(Claim, article_id)} claims" in page and renders == []

    _drain()
    ready = client.get(status_url).get_data(as_text=True)
    assert "The PDF is ready" in ready
    download = f"/articles/{article_id}/export?format=pdf"
    assert f'<meta http-equiv="refresh" content="0; url={download}">' in ready
    file = client.get(download)
    assert file.status_code == 200 and file.data.startswith(b"%PDF")
    assert file.headers["Content-Disposition"].startswith("attachment;")
    assert renders == [(article_id, "pdf")]


def test_web_page_shows_a_failure_and_try_again_queues_it_anew(
    desk, client, login, monkeypatch, long_pdfs
):
    article_id, _reviewer, lead = desk
    login(lead)
    status_url = client.get(f"/articles/{article_id}/export?format=pdf").headers["Location"]

    def broken(report, fmt):
        raise RuntimeError("no fonts installed")

    monkeypatch.setattr(exports, "render", broken)
    _drain()
    page = client.get(status_url).get_data(as_text=True)
    assert "could not be prepared" in page and "no fonts installed" in page
    assert 'data-render-state="failed"' in page and "data-poll" not in page
    assert "Try again" in page
    again = client.get(f"/articles/{article_id}/export?format=pdf")
    assert again.headers["Location"] == status_url  # the same request, queued again
    assert "queued for rendering" in client.get(status_url).get_data(as_text=True)


def test_status_page_of_an_unknown_article_is_404(desk, client, login):
    _article_id, _reviewer, lead = desk
    login(lead)
    assert client.get("/articles/999999/renders/1").status_code == 404


# --------------------------------------------------------------------------- renderer


def test_a_reviewer_gets_the_report_as_blind_review_shows_it(desk, make_user, api_as, long_pdfs):
    article_id, reviewer, lead = desk
    other = make_user("reviewer")
    claim_id = db.session.scalar(select(Claim.id).where(Claim.article_id == article_id))
    with transaction() as s:
        reviews.submit_review(s, actor=other, claim_id=claim_id, verdict="disputed",
                              note="The minutes say 30.", links=LINK)  # fmt: skip
    db.session.rollback()
    assert api_as(reviewer).get(f"/articles/{article_id}/export?format=pdf").status_code == 202
    assert api_as(lead).get(f"/articles/{article_id}/export?format=pdf").status_code == 202
    assert _count(RenderRequest, article_id) == 2  # two views, two files
    drained = _drain()
    assert len(drained.kept) == 2 and drained.dropped == []
    assert api_as(reviewer).get(f"/articles/{article_id}/export?format=pdf").status_code == 200


def test_a_request_for_content_that_changed_is_dropped(review_all, desk, api_as, long_pdfs):
    article_id, reviewer, lead = desk
    api = api_as(lead)
    assert api.get(f"/articles/{article_id}/export?format=pdf").status_code == 202
    review_all(article_id, reviewer, lead)  # the report changes before it is rendered
    drained = _drain()
    assert drained.kept == [] and len(drained.dropped) == 1
    assert _count(RenderRequest, article_id) == 0 and _count(ReportRender, article_id) == 0
    assert api.get(f"/articles/{article_id}/export?format=pdf").status_code == 202  # asks anew


def test_one_renderer_claims_a_request_and_a_dead_ones_claim_expires(desk, api_as, long_pdfs):
    article_id, _reviewer, lead = desk
    assert api_as(lead).get(f"/articles/{article_id}/export?format=pdf").status_code == 202
    with transaction() as s:
        job = render_requests.claim_next(s)
    with transaction() as s:
        assert job is not None and render_requests.claim_next(s) is None
    with transaction() as s:  # its renderer died a while ago
        s.execute(update(RenderRequest).values(
            started_at=utcnow() - render_requests.STALE_AFTER - timedelta(seconds=1)))  # fmt: skip
    with transaction() as s:
        assert render_requests.claim_next(s) == job


def test_the_worker_command_renders_what_was_asked_for(desk, api_as, runner, long_pdfs):
    article_id, _reviewer, lead = desk
    assert api_as(lead).get(f"/articles/{article_id}/export?format=pdf").status_code == 202
    result = runner.invoke(args=["reports", "render"])
    assert result.exit_code == 0, result.output
    assert f"article {article_id}: pdf asked for, rendered in" in result.output
    assert _count(ReportRender, article_id) == 1 and _count(RenderRequest, article_id) == 0


def test_the_app_starts_a_renderer_process(app, desk, api_as, long_pdfs):
    """`flask reports render --asked` on the app's database, started by the request."""
    article_id, _reviewer, lead = desk
    override_settings(app, RENDER_IN_BACKGROUND=True)
    api = api_as(lead)
    assert api.get(f"/articles/{article_id}/export?format=pdf").status_code == 202
    assert render_queue.wait(timeout=120)
    assert api.get(f"/articles/{article_id}/export?format=pdf").status_code == 200


def test_a_file_kept_while_the_request_read_is_served_not_asked_again(
    desk, api_as, monkeypatch, renders, long_pdfs
):
    """A renderer may finish between the request's look for a kept file and its write."""
    article_id, _reviewer, lead = desk
    real = exports.render_export

    def racing(session, **kw):
        try:
            return real(session, **kw)
        except exports.RenderPending as pending:
            if not renders:  # another renderer keeps the file just now
                with current_app.app_context():
                    kept = render_requests.render_job(db.session, pending.job)
                    db.session.rollback()
                    with transaction() as s:
                        exports.keep_render(s, kept)
                    db.session.remove()
            raise

    monkeypatch.setattr(exports, "render_export", racing)
    resp = api_as(lead).get(f"/articles/{article_id}/export?format=pdf")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    assert renders == [(article_id, "pdf")] and _count(RenderRequest, article_id) == 0


# --------------------------------------------------------------------------- bulk export

RANGE = "since=2000-01-01&until=2999-12-31&format=pdf"


def _zip_names(data: bytes) -> list[str]:
    import io
    import zipfile

    return sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())


def test_bulk_pdfs_too_long_to_stream_are_rendered_first(
    review_all, desk, make_article, api_as, renders, long_pdfs
):
    article_id, reviewer, lead = desk
    second = make_article(text=TEXT).id
    review_all(article_id, reviewer, lead)
    review_all(second, reviewer, lead)
    api = api_as(lead)
    first = api.get(f"/exports?{RANGE}")
    assert first.status_code == 202, first.get_data(as_text=True)
    assert sorted(first.get_json()["pending"]) == sorted([article_id, second])
    assert first.headers["Retry-After"] == "5" and first.headers["Location"].endswith(
        f"/api/v1/exports?{RANGE}"
    )
    assert renders == [] and _exports_audited(article_id) == 0  # nothing streamed, nothing audited
    assert len(_drain().kept) == 2
    done = api.get(f"/exports?{RANGE}")
    assert done.status_code == 200 and done.headers["Content-Type"] == "application/zip"
    assert _zip_names(done.data) == sorted(
        [
            "manifest.json",
            f"factcheck-report-{article_id}-final.pdf",
            f"factcheck-report-{second}-final.pdf",
        ]
    )
    assert len(renders) == 2  # by the renderer; the ZIP used the kept files
    assert _exports_audited(article_id) == 1  # once, when the ZIP streamed


def test_bulk_export_web_page_waits_for_the_files_then_downloads(
    review_all, desk, client, login, long_pdfs
):
    article_id, reviewer, lead = desk
    review_all(article_id, reviewer, lead)
    login(lead)
    resp = client.get(f"/exports/bulk?{RANGE}")
    assert resp.status_code == 303
    status_url = resp.headers["Location"]
    assert status_url.startswith("/exports/bulk/status?")
    page = client.get(status_url).get_data(as_text=True)
    assert "Preparing the PDF files" in page and "1 of the 1 report" in page
    assert 'data-render-state="rendering"' in page and 'data-poll="3"' in page
    _drain()
    ready = client.get(status_url).get_data(as_text=True)
    assert "The ZIP is ready" in ready and 'data-render-state="ready"' in ready
    zipped = client.get(f"/exports/bulk?{RANGE}")
    assert zipped.status_code == 200 and f"factcheck-report-{article_id}-final.pdf" in _zip_names(
        zipped.data
    )


def test_a_short_bulk_export_streams_at_once(review_all, desk, api_as):
    article_id, reviewer, lead = desk
    review_all(article_id, reviewer, lead)
    resp = api_as(lead).get(f"/exports?{RANGE}")
    assert resp.status_code == 200 and f"factcheck-report-{article_id}-final.pdf" in _zip_names(
        resp.data
    )
    assert _count(RenderRequest, article_id) == 0


def test_status_page_refuses_a_format_it_does_not_know(desk, client, login):
    article_id, _reviewer, lead = desk
    login(lead)
    resp = client.get(f"/articles/{article_id}/renders/1?format=docx")
    assert resp.status_code == 422 and "unknown format" in resp.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "expected"), [("false", False), ("0", False), ("true", True), ("on", True)]
)
def test_background_switches_read_from_the_environment(monkeypatch, tmp_path, text, expected):
    from factcheck.settings import Settings

    monkeypatch.setenv("FACTCHECK_RENDER_IN_BACKGROUND", text)
    monkeypatch.setenv("FACTCHECK_WEBHOOKS_ASYNC", text)
    cfg = Settings.from_env()
    assert cfg.RENDER_IN_BACKGROUND is expected and cfg.WEBHOOKS_ASYNC is expected
