"""URL imports in the background: asked for in the request, fetched and imported by a worker.

A publisher may take the whole fetch deadline (FETCH_DEADLINE_SECONDS) to answer, or never
answer; a sync web worker that waited for it would serve nobody else (HOSTILE.md §4.3).
The web form, and the API when the client asks for it (``Prefer: respond-async``), ask for
the import instead (``request_url_import``: a job of kind ``url_import``, written with the
``article.import_requested`` event in the caller's transaction) and answer at once. A
worker fetches the page and splits it outside any write (``fetch_source``), then stores
the article through the one import use case (``articles.import_article``, its own
``article.imported`` event) in the write that completes the job (``finish_import``). A
fetch that fails changes nothing but the job, which keeps the error for the status page.

Limits: at most ``MAX_WAITING_PER_USER`` imports waiting (queued or running) per person
(more is refused, 429); the same URL asked for again by the same person while it waits
returns the waiting job; the fetch keeps the URL policy, deadline and size caps of every
URL import (net.fetch). Only the person who asked, a lead or an admin sees a job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.errors import N_, InvalidInput, NotFound, RateLimited
from factcheck.jobs import queue
from factcheck.models import Article, Job, JobStatus, User
from factcheck.net.policy import parse_url
from factcheck.permissions import Permission, can, require, require_actor, why_not
from factcheck.services import audit, sources, versions
from factcheck.services.articles import check_import_fields, import_article
from factcheck.services.common import check_version, get_article, msg_from_json, primary_key
from factcheck.services.languages import parse_language
from factcheck.services.sources import Source

KIND = "url_import"  # the job kind (jobs/url_import.py)
MAX_WAITING_PER_USER = 5
OPEN = (JobStatus.QUEUED, JobStatus.RUNNING)
META = ("title", "publisher", "published_at", "language")


@dataclass(frozen=True)
class ImportState:
    """What the status page and the API say of one URL import."""

    id: int
    url: str
    status: str  # queued | running | done | failed
    error: str | None
    requested_by_id: int | None
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    article_id: int | None
    new_version_of: int | None = None  # a corrected version of this article, not a new one
    reanchored: dict | None = None  # for a corrected version: its claims' outcomes (counts)


@dataclass(frozen=True)
class ImportJob:
    """What the permission predicates read of a URL import job."""

    id: int
    requested_by_id: int | None


def _state(job: Job) -> ImportState:
    payload = job.payload or {}
    failed = job.status == JobStatus.FAILED
    return ImportState(
        job.id, payload.get("url", ""), job.status.value,
        _failure(job) if failed else None,
        payload.get("requested_by"), job.created_at, job.started_at, job.finished_at,
        payload.get("article_id"), payload.get("new_version_of"), payload.get("reanchored"),
    )  # fmt: skip


def _failure(job: Job) -> str:
    """Why a failed import failed: the refusal kept in the payload (so the status page says
    it in its reader's language), else the job's error text (a crash, a worker that died)."""
    if "error" in (job.payload or {}):
        return msg_from_json(job.payload["error"])
    return job.last_error or N_("the import failed")


def _open_jobs(session: Session, user_id: int) -> list[Job]:
    """The person's waiting imports (few: they are capped; the payload is read here).

    Their own account row is locked first (PostgreSQL: FOR UPDATE, to the end of the
    write; SQLite's writers take turns already), so two requests of one person at once
    are counted one after the other: the cap and "the same URL is the same job" hold
    under a race, and nobody else's requests wait."""
    session.execute(select(User.id).where(User.id == user_id).with_for_update())
    jobs = session.scalars(select(Job).where(Job.kind == KIND, Job.status.in_(OPEN))).all()
    return [j for j in jobs if (j.payload or {}).get("requested_by") == user_id]


def request_url_import(session: Session, *, actor, url, title=None, publisher=None,
                       published_at=None, language=None, new_version_of=None,
                       version=None) -> tuple[ImportState, bool]:  # fmt: skip
    """Queue the import of a web page (in the caller's write); (its state, whether it is new).

    The URL's form and the metadata are checked now (a clear 422 at once); whether the
    address may be reached, and what the page holds, when the worker fetches it. The same
    URL asked for again while it waits returns that job; a person with
    MAX_WAITING_PER_USER imports waiting is refused (429).

    With ``new_version_of`` (an article id) and the article's ``version``, the page is a
    corrected version of that article: who may import one, the lock of an approved
    article and the version are checked now (403/409 at once) and again when the worker
    stores it (versions.import_new_version: a change meanwhile fails the job, 409's words).
    """
    correcting = new_version_of is not None
    if correcting:
        article = get_article(session, primary_key(Article, new_version_of))
        require_actor(actor, Permission.IMPORT_VERSION)
        check_version(article, version, what=N_("article %(id)s", id=article.id))
        require(actor, Permission.IMPORT_VERSION, article)  # an approved article is final
        meta = {"language": article.language, "new_version_of": article.id,
                "version": article.version}  # fmt: skip
    else:
        require(actor, Permission.IMPORT_ARTICLE)
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput(N_("url is required"), errors={"url": N_("required")})
    policy = sources.fetch_policy()
    target = parse_url(url.strip(), allowed_ports=policy.allowed_ports,
                       max_chars=policy.max_url_chars)  # fmt: skip
    if not correcting:
        if isinstance(published_at, date | datetime):
            published_at = published_at.isoformat()
        meta = {"title": title, "publisher": publisher, "published_at": published_at,
                "language": parse_language(language) if language not in (None, "") else None}  # fmt: skip
        check_import_fields(session, title=title, publisher=publisher, published_at=published_at)
    waiting = _open_jobs(session, actor.id)
    same = next((j for j in waiting if j.payload.get("url") == target.url
                 and j.payload.get("new_version_of") == meta.get("new_version_of")), None)  # fmt: skip
    if same is not None:
        return _state(same), False
    if len(waiting) >= MAX_WAITING_PER_USER:
        raise RateLimited(
            N_(
                "you have %(value)s URL imports waiting (at most %(max_waiting_per_user)s): try again when one has finished",
                value=len(waiting),
                max_waiting_per_user=MAX_WAITING_PER_USER,
            ),
            retry_after=10,
        )
    payload = {"url": target.url, "requested_by": actor.id, **meta}
    job = queue.enqueue(session, KIND, payload)
    session.flush()
    audit.record(session, actor, "article.import_requested", "job", job.id,
                 article_id=meta.get("new_version_of"),
                 after={"url": target.url, **{k: v for k, v in meta.items() if v}})  # fmt: skip
    return _state(job), True


def get_url_import(session: Session, *, actor, job_id: int) -> ImportState:
    """One URL import as its requester, a lead or an admin sees it; NotFound for anyone else."""
    job = session.get(Job, job_id)
    if job is None or job.kind != KIND:
        raise NotFound(N_("no URL import %(job_id)s", job_id=job_id))
    state = _state(job)
    if not can(actor, Permission.SEE_URL_IMPORT, ImportJob(job.id, state.requested_by_id)):
        raise NotFound(
            N_("no URL import %(job_id)s", job_id=job_id)
        )  # 404: not even that it exists
    return state


def retry_url_import(session: Session, *, actor, job_id: int) -> ImportState:
    """Queue a failed URL import once more (the status page's "Try again"); audited."""
    state = get_url_import(session, actor=actor, job_id=job_id)
    job = session.get(Job, job_id)
    if (
        state.new_version_of is not None
    ):  # on the version first asked for: a change since fails again
        require(actor, Permission.IMPORT_VERSION, get_article(session, state.new_version_of))
    else:
        require(actor, Permission.IMPORT_ARTICLE)
    if job.status != JobStatus.FAILED:
        return state  # waiting or done already: nothing to retry
    if len(_open_jobs(session, actor.id)) >= MAX_WAITING_PER_USER:
        raise RateLimited(N_("you have %(max_waiting_per_user)s URL imports waiting: try again when one has finished", max_waiting_per_user=MAX_WAITING_PER_USER), retry_after=10)  # fmt: skip
    queue.run_now(session, job)
    audit.record(session, actor, "article.import_retried", "job", job.id,
                 before={"error": state.error}, after={"url": state.url})  # fmt: skip
    return _state(job)


# ----------------------------------------------------------------------- the worker's part


def fetch_source(payload: dict) -> Source:
    """Fetch and split the page (no database, no write): the job's run. Domain errors
    (refused address, 404 at the publisher, too big, not HTML or text, timeout) as raised."""
    policy = sources.fetch_policy()  # looked up here: tests give it a resolver of their own
    return sources.from_url(payload["url"], policy, language=payload.get("language"), slot=False)


def import_refusal(session: Session, payload: dict) -> str | None:
    """Why the person who asked may no longer import (deactivated or demoted while the page
    was fetched), or None."""
    needed = (
        Permission.IMPORT_VERSION if payload.get("new_version_of") else Permission.IMPORT_ARTICLE
    )
    return why_not(session.get(User, payload["requested_by"]), needed)


def finish_import(session: Session, payload: dict, source: Source) -> dict:
    """Store the fetched page as the person who asked, in the write that completes the job:
    a new article (the one import use case and its audit event) or a corrected version
    (versions.import_new_version, on the version asked for). What the job's payload keeps:
    the article's id and, for a version, the claims' outcomes."""
    actor = session.get(User, payload["requested_by"])
    if payload.get("new_version_of"):
        counts = versions.import_new_version(session, actor=actor, source=source,
                                             article_id=payload["new_version_of"],
                                             version=payload["version"])  # fmt: skip
        return {"article_id": payload["new_version_of"], "reanchored": counts}
    fields = {k: payload.get(k) for k in META}
    article = import_article(session, actor=actor, source=source, **fields)
    return {"article_id": article.id}
