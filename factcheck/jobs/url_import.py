"""URL imports in the background (the ``url_import`` job kind): services.url_imports asks.

The run fetches and splits the page outside any write (the publisher may take the whole
fetch deadline; no web worker waits on it), and the write that completes the job stores
the article through the one import use case, as the person who asked. A fetch that fails
(an address the policy refuses, 404 at the publisher, too big, not HTML or text, no
answer within the deadline) fails the job with that message and changes nothing else;
the status page offers to try again. Not retried by itself: a person is watching.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from factcheck.errors import N_, FactcheckError
from factcheck.jobs.queue import MAX_ERROR_CHARS, ClaimedJob
from factcheck.jobs.worker import Handler, JobError
from factcheck.models import Job, JobStatus
from factcheck.services import url_imports
from factcheck.services.common import msg_json
from factcheck.services.sources import Source

MAX_RUNNING = 4  # fetches at once, over every worker


class UrlImportHandler(Handler):
    kind = url_imports.KIND
    max_running = MAX_RUNNING

    def run(self, session: Session, job: ClaimedJob) -> Source:
        try:
            source = url_imports.fetch_source(job.payload)
        except FactcheckError as exc:  # the publisher's or the policy's answer: say it plainly
            raise JobError(exc.detail) from None
        if not source.split.claims:
            raise JobError(N_("no sentence found in the page"))
        return source

    def done(self, session: Session, job: ClaimedJob, source: Source, *, now: datetime) -> str:
        refused = url_imports.import_refusal(session, job.payload)
        if refused:  # the account was deactivated (or demoted) while the page was fetched
            _fail(session, job, N_("not imported: %(why)s", why=refused), now)
            return f"failed: {refused}"
        try:
            with session.begin_nested():  # a refusal takes back what the import wrote, only
                kept = url_imports.finish_import(session, job.payload, source)
        except FactcheckError as exc:  # a corrected version, and the article changed (or was
            _fail(session, job, exc.detail, now)  # approved) meanwhile: the job says why
            return f"failed: {exc.detail}"
        session.execute(
            update(Job).where(Job.id == job.id)
            .values(payload={**job.payload, **kept})
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        return f"{job.payload['url']}: article {kept['article_id']}"

    def failed(self, session: Session, job: ClaimedJob, error: Exception, *, final: bool,
               now: datetime) -> None:  # fmt: skip
        """The run's refusal (the publisher's 404, a refused address) kept with its values
        for the status page; a crash keeps only the job's error text."""
        reason = error.args[0] if isinstance(error, JobError) and error.args else None
        _keep_reason(session, job, reason)


def _fail(session: Session, job: ClaimedJob, error: str, now: datetime) -> None:
    session.execute(
        update(Job).where(Job.id == job.id)
        .values(status=JobStatus.FAILED, last_error=error[:MAX_ERROR_CHARS], finished_at=now)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    _keep_reason(session, job, error)


def _keep_reason(session: Session, job: ClaimedJob, reason) -> None:
    payload = {k: v for k, v in job.payload.items() if k != "error"}  # not an earlier try's
    if reason is not None:
        payload["error"] = msg_json(reason)
    session.execute(
        update(Job).where(Job.id == job.id).values(payload=payload)
        .execution_options(synchronize_session=False)
    )  # fmt: skip


HANDLER = UrlImportHandler()
