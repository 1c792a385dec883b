"""URL imports as background jobs (issue #17.3): the web form and `Prefer: respond-async`
queue a job and answer at once; the worker fetches the page (from a local "publisher" on
127.0.0.5) and imports it through the one import use case; a failed fetch changes nothing
but the job. Per-person cap, dedupe and who may see a job, through the pages and the API."""

from __future__ import annotations

import time

import pytest
from rawserver import RawServer, response
from settings_helpers import SettingsProxy
from sqlalchemy import select

from factcheck.extensions import db
from factcheck.jobs import worker
from factcheck.models import Article, AuditEvent, Job
from factcheck.services import url_imports

PAGE = b"""<!doctype html><html><head><title>Council approves budget</title></head><body>
<article><h1>Council approves budget</h1>
<p>The city council approved a $4.2 million budget on Tuesday, Mayor Ann Lee said.</p>
<p>It raises spending on roads by 12% compared with last year.</p></article></body></html>"""


def _publisher(conn, server):
    """/news: the article; /gone: 404; /photo: a PNG; /big: over FETCH_MAX_BYTES;
    /slow: no answer within the deadline."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return
        data += chunk
    path = data.split(b" ", 2)[1].decode()
    if path.startswith("/slow"):
        server.sleep(4)
        return
    answer = {
        "/gone": response(404, b"not here"),
        "/photo": response(200, b"\x89PNG....", {"Content-Type": "image/png"}),
        "/big": response(200, b"<p>" + b"x" * 40_000 + b"</p>"),
    }.get(path.split("?")[0], response(200, PAGE))
    conn.sendall(answer)


@pytest.fixture
def publisher(app):
    server = RawServer("127.0.0.5", _publisher, read_request=False)
    limits = SettingsProxy(app)
    saved = (limits.FETCH_ALLOWED_ADDRESSES, limits.FETCH_ALLOWED_PORTS,
             limits.FETCH_DEADLINE_SECONDS, limits.FETCH_MAX_BYTES)  # fmt: skip
    limits.FETCH_ALLOWED_ADDRESSES, limits.FETCH_ALLOWED_PORTS = "127.0.0.5", f"80,{server.port}"
    limits.FETCH_DEADLINE_SECONDS, limits.FETCH_MAX_BYTES = 1, 20_000
    yield server
    (limits.FETCH_ALLOWED_ADDRESSES, limits.FETCH_ALLOWED_PORTS, limits.FETCH_DEADLINE_SECONDS,
     limits.FETCH_MAX_BYTES) = saved  # fmt: skip
    server.close()


def _events(action: str) -> list[AuditEvent]:
    db.session.rollback()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _run_worker(app) -> worker.Stats:
    db.session.remove()
    stats = worker.run(app, kinds=[url_imports.KIND])
    db.session.remove()
    return stats


# path, the job's end, what its page (or the article) says
WEB = [
    ("/news", "done", "Council approves budget"),
    ("/gone", "failed", "source answered HTTP 404"),
    ("/photo", "failed", "unsupported content type (image/png)"),
    ("/big", "failed", "source is larger than"),
    ("/slow", "failed", "did not respond within 1 s"),
]


def test_web_form_queues_the_import_and_the_worker_runs_it(app, publisher, make_user, login,
                                                           client, snapshot):  # fmt: skip
    user = make_user("reviewer")
    login(user)
    got = {}
    for path, end, says in WEB:
        url = publisher.url(path)
        before = snapshot()
        t0 = time.perf_counter()
        resp = client.post("/articles/new", data={"url": url, "publisher": "Bugle"})
        answered = time.perf_counter() - t0
        assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
        status_page = resp.headers["Location"]
        assert status_page.startswith("/imports/")
        page = client.get(status_page).get_data(as_text=True)
        assert f"Fetching {url}" in page and 'data-render-state="queued"' in page
        assert 'data-poll="2"' in page and 'http-equiv="refresh"' in page
        queued = snapshot()
        assert queued["articles"] == before["articles"] and queued["jobs"] == before["jobs"] + 1
        requested = [e for e in _events("article.import_requested") if e.after["url"] == url]
        assert len(requested) == 1 and requested[0].actor_id == user.id
        assert requested[0].after["publisher"] == "Bugle"
        stats = _run_worker(app)
        assert stats.run == 1, stats.lines
        resp = client.get(status_page)
        if end == "done":
            assert resp.status_code == 303
            article = client.get(resp.headers["Location"]).get_data(as_text=True)
            assert says in article and "Article imported from" in article
            art = db.session.scalars(select(Article).where(Article.source_url == url)).one()
            assert (
                art.input_kind == "url"
                and art.publisher == "Bugle"
                and art.created_by_id == user.id
            )
            imported = [e for e in _events("article.imported") if e.article_id == art.id]
            assert len(imported) == 1 and imported[0].actor_id == user.id
            polled = client.get(status_page, headers={"X-Poll": "1"}).get_data(as_text=True)
            assert (
                f'data-download="{status_page}"' in polled
                and f'href="/articles/{art.id}"' in polled
            )
        else:
            page = resp.get_data(as_text=True)
            assert resp.status_code == 200 and 'data-render-state="failed"' in page, page[:500]
            assert says in page and "Try again" in page and "data-poll" not in page
            after = snapshot()
            assert {k: v for k, v in after.items() if k != "jobs"} == {
                k: v for k, v in queued.items() if k != "jobs"
            }  # nothing but the job changed
        got[path] = (end, round(answered, 2))
    # a failed import is tried again from its page: queued anew, audited
    job_id = int(status_page.rsplit("/", 1)[1])
    resp = client.post(f"/imports/{job_id}/retry")
    assert resp.status_code == 302 and resp.headers["Location"] == f"/imports/{job_id}"
    assert 'data-render-state="queued"' in client.get(status_page).get_data(as_text=True)
    assert len(_events("article.import_retried")) == 1
    assert all(seconds < 2 for _end, seconds in got.values()), got  # nobody waited on /slow


def test_async_api_cap_dedupe_and_who_sees_a_job(fresh_contexts, app, publisher, make_user, api_as, login,
                                                 snapshot):  # fmt: skip
    owner, other, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    api, api_other, api_lead = api_as(owner), api_as(other), api_as(lead)
    prefer = {"Prefer": "respond-async, wait=5"}
    # without the preference: the contract as before (201 and the article, fetched in the request)
    sync = api.post("/articles", json={"url": publisher.url("/news?sync")})
    assert sync.status_code == 201 and sync.get_json()["input_kind"] == "url"
    # text is imported at once whatever Prefer says
    text = api.post("/articles", json={"text": "Prices rose 5% in 2021."}, headers=prefer)
    assert text.status_code == 201 and "Preference-Applied" not in text.headers

    resp = api.post("/articles", json={"url": publisher.url("/news?a=1")}, headers=prefer)
    assert resp.status_code == 202, resp.get_json()
    body, location = resp.get_json(), resp.headers["Location"]
    assert resp.headers["Preference-Applied"] == "respond-async"
    assert location == f"/api/v1/imports/{body['id']}" and body["status"] == "queued"
    assert body["article"] is None
    # dedupe: the same URL while it waits is the same job, and writes nothing
    before = snapshot()
    again = api.post("/articles", json={"url": publisher.url("/news?a=1")}, headers=prefer)
    assert again.status_code == 202 and again.get_json()["id"] == body["id"]
    assert snapshot() == before
    # who sees it: the owner and a lead; another reviewer gets 404, on the API and the page
    path = location.removeprefix("/api/v1")
    assert api.get(path).status_code == 200 and api_lead.get(path).status_code == 200
    assert api_other.get(path).status_code == 404
    other_client = app.test_client()
    login(other, c=other_client)
    assert other_client.get(f"/imports/{body['id']}").status_code == 404
    assert other_client.post(f"/imports/{body['id']}/retry").status_code == 404
    # the cap: five waiting per person; the sixth is refused (API 429, the form names it)
    for n in range(2, 6):
        assert api.post("/articles", json={"url": publisher.url(f"/news?a={n}")},
                        headers=prefer).status_code == 202  # fmt: skip
    owner_client = app.test_client()
    login(owner, c=owner_client)
    before = snapshot()
    over = api.post("/articles", json={"url": publisher.url("/news?a=6")}, headers=prefer)
    assert over.status_code == 429 and "at most 5" in over.get_json()["detail"]
    form = owner_client.post("/articles/new", data={"url": publisher.url("/news?a=7")})
    assert form.status_code == 429 and "at most 5" in form.get_data(as_text=True)
    assert snapshot() == before
    # another person is not held by the owner's cap
    theirs = api_other.post("/articles", json={"url": publisher.url("/news?a=1")}, headers=prefer)
    assert theirs.status_code == 202 and theirs.get_json()["id"] != body["id"]
    # bad input is refused at once, nothing queued
    bad = api.post("/articles", json={"url": "ftp://x.org/", "title": "T"}, headers=prefer)
    assert bad.status_code == 422 and snapshot() == before | {"jobs": before["jobs"] + 1,
                                                              "audit_events": before["audit_events"] + 1}  # fmt: skip
    # the worker runs them; the poll then names the article
    stats = _run_worker(app)
    assert stats.done == 6, stats.lines
    done = api.get(path).get_json()
    assert done["status"] == "done" and done["error"] is None and done["finished_at"]
    assert done["article"]["url"] == f"/api/v1/articles/{done['article']['id']}"
    assert api.get(done["article"]["url"].removeprefix("/api/v1")).status_code == 200
    assert db.session.get(Job, body["id"]).payload["article_id"] == done["article"]["id"]
    # a failing fetch: failed with the publisher's answer, no article
    gone = api.post("/articles", json={"url": publisher.url("/gone")}, headers=prefer).get_json()
    articles = snapshot()["articles"]
    _run_worker(app)
    failed = api.get(f"/imports/{gone['id']}").get_json()
    assert failed["status"] == "failed" and failed["error"] == "source answered HTTP 404"
    assert failed["article"] is None and snapshot()["articles"] == articles


@pytest.mark.parametrize("round_", range(3))
def test_the_cap_and_dedupe_hold_when_one_person_asks_many_times_at_once(app, make_user, round_):
    """Eight requests of one person at the same instant (and two of them for the same URL):
    no more than the cap ever wait, and one URL is one job (PostgreSQL runs them truly at
    once; the person's own row is the turn they take)."""
    from factcheck.errors import RateLimited
    from factcheck.models import JobStatus, User

    me = make_user("reviewer")
    me_id = me.id
    db.session.rollback()
    urls = [f"https://news.example.org/story-{round_}-{i}" for i in range(7)] + [
        f"https://news.example.org/story-{round_}-0"
    ]

    def ask(url):
        return lambda s: url_imports.request_url_import(s, actor=s.get(User, me_id), url=url)

    from dbtools import race

    results = race(app, [ask(u) for u in urls])
    db.session.rollback()
    jobs = [j for j in db.session.scalars(select(Job).where(Job.kind == url_imports.KIND))
            if j.payload.get("requested_by") == me_id and j.status == JobStatus.QUEUED]  # fmt: skip
    refused = [r for r in results if r != "ok"]
    assert all(isinstance(e, RateLimited) for e in refused), refused
    assert len(jobs) == url_imports.MAX_WAITING_PER_USER, [j.payload["url"] for j in jobs]
    assert len({j.payload["url"] for j in jobs}) == len(jobs)  # one URL, one job
    requested = [e for e in _events("article.import_requested") if e.actor_id == me_id]
    assert len(requested) == len(jobs)  # an event per job, none for a refusal or a repeat


FIRST = "The city council approved a $4.2 million budget on Tuesday, Mayor Ann Lee said.\n"


def test_a_corrected_version_at_a_url_is_fetched_by_the_worker(fresh_contexts, app, publisher, make_user,
                                                                login, api_as, snapshot, review_all):  # fmt: skip
    """The article page's "import a corrected version" with a web address and the API's
    POST /articles/{id}/versions with Prefer: respond-async: checked at once (the version,
    the lock), fetched by the worker, stored as a new version with its claims re-anchored;
    a change meanwhile fails the job and stores nothing."""
    from factcheck.database import transaction
    from factcheck.models import ArticleVersion
    from factcheck.services import articles

    user, lead = make_user("reviewer"), make_user("lead")
    with transaction() as s:
        art_id = articles.import_article(s, actor=user, text=FIRST, title="Budget").id
    version = db.session.get(Article, art_id).version
    api, lead_id = api_as(user), lead.id
    other = make_user("reviewer")
    other_id = other.id
    db.session.rollback()
    c = app.test_client()
    login(user, c=c)
    # the web form: answered at once, the status page, then the worker
    url = publisher.url("/news?v=2")
    before = snapshot()
    resp = c.post(f"/articles/{art_id}/versions", data={"url": url, "version": version})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/imports/")
    status_page = resp.headers["Location"]
    assert f"Fetching {url}" in c.get(status_page).get_data(as_text=True)
    queued = snapshot()
    assert queued["article_versions"] == before["article_versions"]
    requested = [e for e in _events("article.import_requested") if e.after["url"] == url]
    assert len(requested) == 1 and requested[0].article_id == art_id
    assert requested[0].after["new_version_of"] == art_id
    assert _run_worker(app).done == 1
    resp = c.get(status_page)
    assert resp.status_code == 303 and resp.headers["Location"] == f"/articles/{art_id}"
    page = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Corrected version imported: 1 moved, 2 new." in page
    db.session.rollback()
    art = db.session.get(Article, art_id)
    assert art.current_version == 2 and "roads by 12%" in art.body
    n_versions = len(
        db.session.scalars(select(ArticleVersion).where(ArticleVersion.article_id == art_id)).all()
    )
    assert n_versions == 2
    # the API: 202 + Location; a stale version is refused at once (409), nothing queued
    prefer = {"Prefer": "respond-async"}
    before = snapshot()
    stale = api.post(f"/articles/{art_id}/versions", json={"url": publisher.url("/news?v=3"),
                     "version": version}, headers=prefer)  # fmt: skip
    assert stale.status_code == 409 and snapshot() == before
    current = api.get(f"/articles/{art_id}").get_json()["version"]
    resp = api.post(f"/articles/{art_id}/versions", json={"url": publisher.url("/gone"),
                    "version": current}, headers=prefer)  # fmt: skip
    assert resp.status_code == 202 and resp.headers["Preference-Applied"] == "respond-async"
    body = resp.get_json()
    assert body["new_version_of"] == art_id and body["status"] == "queued"
    # the article changes while the page is fetched (another corrected version, pasted):
    # the job fails saying so, and stores nothing of its own
    ok = api.post(f"/articles/{art_id}/versions", json={"url": publisher.url("/news?v=4"),
                  "version": current}, headers=prefer)  # fmt: skip
    assert ok.status_code == 202 and ok.get_json()["id"] != body["id"]
    pasted = api.post(f"/articles/{art_id}/versions", json={"text": FIRST + "Roads get 12% more.\n",
                      "version": current})  # fmt: skip
    assert pasted.status_code == 200, pasted.get_json()
    stats = _run_worker(app)
    assert stats.run == 2, stats.lines
    failed = api.get(f"/imports/{body['id']}").get_json()
    assert failed["status"] == "failed" and "404" in failed["error"]
    page = c.get(f"/imports/{body['id']}").get_data(
        as_text=True
    )  # back to the article, not a new import
    assert "Try again" in page and f'href="/articles/{art_id}">Open the article' in page
    raced = api.get(f"/imports/{ok.get_json()['id']}").get_json()
    assert raced["status"] == "failed" and "changed by someone else meanwhile" in raced["error"]
    assert raced["reanchored"] is None
    db.session.rollback()
    art = db.session.get(Article, art_id)
    assert art.current_version == 3 and "Roads get 12% more." in art.body
    # an approved article is final: refused at once on the page and the API, nothing queued
    from factcheck.models import User

    with transaction() as s:
        art_id = articles.import_article(s, actor=s.get(User, other_id), text=FIRST, title="B").id
    review_all(art_id, db.session.get(User, other_id), db.session.get(User, lead_id))
    final = db.session.get(Article, art_id).version
    before = snapshot()
    refused = api.post(f"/articles/{art_id}/versions", json={"url": publisher.url("/news?v=5"),
                       "version": final}, headers=prefer)  # fmt: skip
    assert refused.status_code in (403, 409) and "approved" in refused.get_json()["detail"]
    form = c.post(
        f"/articles/{art_id}/versions", data={"url": publisher.url("/news?v=6"), "version": final}
    )
    assert form.status_code == 302 and form.headers["Location"] == f"/articles/{art_id}"
    assert "Corrected version not imported" in c.get(form.headers["Location"]).get_data(
        as_text=True
    )
    assert snapshot() == before


def test_a_failed_import_says_why_in_the_readers_language(fresh_contexts, app, publisher, make_user,
                                                          login, client):  # fmt: skip
    """The publisher's answer is kept with its values (the job's payload), so the status page
    says it in Spanish to a Spanish reader days later; the API keeps the English text."""
    user = make_user("reviewer")
    login(user)
    url = publisher.url("/gone")
    resp = client.post("/articles/new", data={"url": url}, headers={"Accept-Language": "es"})
    status_page = resp.headers["Location"]
    _run_worker(app)
    for lang, says in (("es", "la fuente respondió HTTP 404"), ("de", "die Quelle antwortete mit HTTP 404"),
                       ("en", "source answered HTTP 404")):  # fmt: skip
        page = client.get(status_page, headers={"Accept-Language": lang}).get_data(as_text=True)
        assert says in page, (lang, page[:800])
    job = db.session.get(Job, int(status_page.rsplit("/", 1)[1]))
    assert job.last_error == "source answered HTTP 404"  # the worker's log and the API
    assert job.payload["error"] == {"template": "source answered HTTP %(status)s",
                                    "values": {"status": 404}}  # fmt: skip
    state = url_imports._state(job)  # what the API and the page read: the Msg back
    assert state.error == "source answered HTTP 404" and state.error.values == {"status": 404}


def test_a_refused_url_on_the_import_form_is_refused_in_the_page_language(fresh_contexts, make_user,
                                                                         login, client, snapshot):  # fmt: skip
    login(make_user("lead"))
    before = snapshot()
    for url, lang, says in (
        ("ftp://example.org/a", "es", "esquema no permitido: ftp (solo http y https)"),
        ("http://user:pw@example.org/", "fr", "les identifiants ne sont pas autorisés dans l&#39;adresse web"),
        ("http://example.org:25/", "de", "Port nicht erlaubt: 25"),
        ("ftp://example.org/a", "en", "scheme not allowed: ftp (only http and https)"),
    ):  # fmt: skip
        resp = client.post("/articles/new", data={"url": url}, headers={"Accept-Language": lang})
        assert resp.status_code in (200, 400, 422), resp.status_code
        assert says in resp.get_data(as_text=True), (lang, url)
    assert snapshot() == before  # refused: nothing changed
