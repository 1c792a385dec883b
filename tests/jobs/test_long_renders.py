"""Long PDFs are rendered in the background, not within the request (services/render_requests,
the ``render`` job kind in jobs/render.py).

A 1,000-claim PDF takes WeasyPrint about a minute, longer than gunicorn lets a request run.
A PDF that is not kept and prints more than PDF_INLINE_MAX_KIB is asked for instead: the
web page shows it being prepared and the API answers 202 until a renderer has kept the
file; then the ordinary export serves it (and audits a final report's export). These
tests set the limit to 0 so that the three-claim article counts as long.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
from flask import current_app
from settings_helpers import override_settings
from sqlalchemy import func, select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.jobs import inline, queue, worker
from factcheck.jobs import render as render_kind
from factcheck.models import AuditEvent, Claim, Job, JobStatus, RenderRequest, ReportRender, utcnow
from factcheck.services import exports, render_requests, reviews
from factcheck.settings import app_settings

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


def _drain(**kw) -> worker.Stats:
    """The worker's run, for render jobs only (in an app context of its own)."""
    out = worker.run(current_app._get_current_object(), kinds=["render"], **kw)
    db.session.rollback()
    return out


def _jobs(status=None) -> list[Job]:
    db.session.rollback()
    stmt = select(Job).where(Job.kind == "render").order_by(Job.id)
    return list(db.session.scalars(stmt if status is None else stmt.where(Job.status == status)))


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
    assert drained.done == 1 and f"article {article_id}: pdf rendered in" in drained.lines[0]
    assert _count(RenderRequest, article_id) == 0 and _count(ReportRender, article_id) == 1
    assert [job.status for job in _jobs()] == [JobStatus.DONE]

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
    assert drained.failed == 1 and "no fonts installed" in drained.errors[0]
    [job] = _jobs()
    assert job.status == JobStatus.FAILED and "RuntimeError: no fonts installed" in job.last_error
    # The renderer does not retry a failed request by itself.
    assert _drain().run == 0

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
    assert drained.done == 2 and _count(ReportRender, article_id) == 2
    assert api_as(reviewer).get(f"/articles/{article_id}/export?format=pdf").status_code == 200


def test_a_request_for_content_that_changed_is_dropped(review_all, desk, api_as, long_pdfs):
    article_id, reviewer, lead = desk
    api = api_as(lead)
    assert api.get(f"/articles/{article_id}/export?format=pdf").status_code == 202
    review_all(article_id, reviewer, lead)  # the report changes before it is rendered
    drained = _drain()
    assert drained.done == 1 and "nothing to keep" in drained.lines[0]
    assert _count(RenderRequest, article_id) == 0 and _count(ReportRender, article_id) == 0
    assert api.get(f"/articles/{article_id}/export?format=pdf").status_code == 202  # asks anew


def _claim(now=None, owner="test-worker"):
    with transaction() as s:
        job, exhausted = queue.claim(s, owner=owner, kinds=["render"], now=now or utcnow(),
                                     lease={"render": render_kind.HANDLER.lease},
                                     caps={"render": render_kind.MAX_RUNNING})  # fmt: skip
    return job, exhausted


def test_one_worker_claims_a_job_and_a_dead_ones_lease_expires(desk, api_as, long_pdfs):
    article_id, _reviewer, lead = desk
    assert api_as(lead).get(f"/articles/{article_id}/export?format=pdf").status_code == 202
    job, _ = _claim()
    assert job is not None and job.attempts == 1 and _claim(owner="another")[0] is None
    [row] = _jobs()
    assert row.status == JobStatus.RUNNING and row.lease_owner == "test-worker"
    # Its worker died: once the lease has expired, another takes the job over ...
    later = row.lease_expires_at + timedelta(seconds=1)
    again, _ = _claim(now=later, owner="another")
    assert again.id == job.id and again.attempts == 2 and again.owner == "another"
    assert not _finish(job), "the dead worker's late outcome does not count"
    # ... and when that one dies too, the job has had its attempts: it fails, for the page.
    none, exhausted = _claim(now=later + render_kind.HANDLER.lease * 2, owner="third")
    assert none is None and [j.id for j in exhausted] == [job.id]
    [row] = _jobs()
    assert row.status == JobStatus.FAILED and "its worker stopped" in row.last_error
    resp = api_as(lead).get(f"/articles/{article_id}/export?format=pdf")
    assert resp.status_code == 500 and "its worker stopped" in resp.get_json()["detail"]


def _finish(job) -> bool:
    with transaction() as s:
        return queue.complete(s, job, now=utcnow())


def test_a_living_workers_job_is_never_taken_over(app, desk, api_as, monkeypatch, long_pdfs):
    """The heartbeat renews the lease while the render runs, however long it takes."""
    article_id, _reviewer, lead = desk
    assert api_as(lead).get(f"/articles/{article_id}/export?format=pdf").status_code == 202
    monkeypatch.setattr(render_kind.HANDLER, "lease", timedelta(seconds=0.6))
    real, started = render_requests.render_job, threading.Event()

    def slow(session, request, **kw):
        started.set()
        time.sleep(2.0)  # over three leases
        return real(session, request, **kw)

    monkeypatch.setattr(render_requests, "render_job", slow)
    results = []
    thread = threading.Thread(target=lambda: results.append(worker.run(app, kinds=["render"])))
    thread.start()
    assert started.wait(10)
    taken = []
    for _ in range(6):  # other workers keep looking meanwhile
        time.sleep(0.25)
        with app.app_context():
            taken.append(_claim(owner="another")[0])
    thread.join(30)
    assert taken == [None] * 6
    assert results[0].done == 1 and _count(ReportRender, article_id) == 1
    [row] = _jobs()
    assert row.status == JobStatus.DONE and row.attempts == 1


def test_at_most_max_running_renders_at_once(desk, make_article, api_as, long_pdfs):
    _article_id, _reviewer, lead = desk
    api = api_as(lead)
    for _ in range(render_kind.MAX_RUNNING + 1):
        article = make_article(text=TEXT)
        assert api.get(f"/articles/{article.id}/export?format=pdf").status_code == 202
    claimed = [_claim(owner=f"worker-{n}")[0] for n in range(render_kind.MAX_RUNNING + 1)]
    assert all(claimed[:-1]) and claimed[-1] is None  # the last waits for a free slot
    assert _finish(claimed[0])
    assert _claim(owner="worker-late")[0] is not None


def test_a_viewer_may_have_only_so_many_files_waiting(desk, make_article, api_as, client, login,
                                                       monkeypatch, long_pdfs):  # fmt: skip
    _article_id, _reviewer, lead = desk
    monkeypatch.setattr(render_requests, "MAX_OPEN_PER_VIEWER", 2)
    api = api_as(lead)
    ids = [make_article(text=TEXT).id for _ in range(3)]
    assert [api.get(f"/articles/{i}/export?format=pdf").status_code for i in ids[:2]] == [202, 202]
    refused = api.get(f"/articles/{ids[2]}/export?format=pdf")
    assert (
        refused.status_code == 429
        and "still waiting to be rendered" in refused.get_json()["detail"]
    )
    assert api.get(f"/articles/{ids[0]}/export?format=pdf").status_code == 202  # asked already
    login(lead)
    assert client.get(f"/articles/{ids[2]}/export?format=pdf").status_code == 429
    assert _drain().done == 2
    assert api.get(f"/articles/{ids[2]}/export?format=pdf").status_code == 202


def test_the_worker_keeps_the_final_pdf_of_approved_articles(review_all, desk, runner, renders):
    article_id, reviewer, lead = desk
    review_all(article_id, reviewer, lead)
    result = runner.invoke(args=["worker", "--queued-only"])  # what the app's renderer runs
    assert result.output.strip() == "no jobs due" and renders == []
    result = runner.invoke(args=["worker"])
    assert result.exit_code == 0, result.output
    assert f"article {article_id}: pdf rendered in" in result.output
    assert _count(ReportRender, article_id) == 1 and _count(RenderRequest, article_id) == 0
    assert runner.invoke(args=["worker"]).output.strip() == "no jobs due"


def test_the_worker_command_renders_what_was_asked_for(desk, api_as, runner, long_pdfs):
    article_id, _reviewer, lead = desk
    assert api_as(lead).get(f"/articles/{article_id}/export?format=pdf").status_code == 202
    result = runner.invoke(args=["worker", "--kind", "render"])
    assert result.exit_code == 0, result.output
    assert f"article {article_id}: pdf rendered in" in result.output
    assert _count(ReportRender, article_id) == 1 and _count(RenderRequest, article_id) == 0


def test_the_app_starts_a_renderer_process(app, desk, api_as, long_pdfs):
    """`flask worker --kind render --queued-only` on the app's database, started by the app
    after the commit that queued the job (RENDER_IN_BACKGROUND)."""
    article_id, _reviewer, lead = desk
    override_settings(app, RENDER_IN_BACKGROUND=True)
    api = api_as(lead)
    assert api.get(f"/articles/{article_id}/export?format=pdf").status_code == 202
    assert inline.wait(timeout=120)
    assert api.get(f"/articles/{article_id}/export?format=pdf").status_code == 200


def test_no_renderer_process_unless_configured(app, desk, api_as, long_pdfs):
    article_id, _reviewer, lead = desk
    assert not app_settings(app).RENDER_IN_BACKGROUND  # off by default: the worker renders
    assert api_as(lead).get(f"/articles/{article_id}/export?format=pdf").status_code == 202
    assert inline._process.thread is None or not inline._process.thread.is_alive()
    assert [job.status for job in _jobs()] == [JobStatus.QUEUED]


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
    assert _drain().done == 2
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
    assert resp.status_code == 422 and "Unknown format" in resp.get_data(as_text=True)


@pytest.mark.parametrize(
    ("text", "expected"), [("false", False), ("0", False), ("true", True), ("on", True)]
)
def test_background_switches_read_from_the_environment(monkeypatch, tmp_path, text, expected):
    from factcheck.settings import Settings

    monkeypatch.setenv("FACTCHECK_RENDER_IN_BACKGROUND", text)
    monkeypatch.setenv("FACTCHECK_WEBHOOKS_ASYNC", text)
    cfg = Settings.from_env()
    assert cfg.RENDER_IN_BACKGROUND is expected and cfg.WEBHOOKS_ASYNC is expected
