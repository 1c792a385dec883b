"""HOSTILE.md §4 item 1 (issue #17.1): approved means locked on every path.

INT-01 is a table of paths (web form, API, CLI) x states (an approved claim in an article
still in review; an approved article): each attempt is refused with a message that says
the object is approved/locked and a lead must reopen it, and nothing changes (rows,
versions, audit events). INT-02: every article status change writes the article's own
event (first review, reopen), and after a reopen the same paths work again.
"""

from __future__ import annotations

from sqlalchemy import select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim
from factcheck.services import approvals, articles, claims, reviews

THREE = "Prices rose 5% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"
EDITS_FIRST = (
    "Prices rose 6% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"
)
DROPS_FIRST = "Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"
LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}
LOCK_WORDS = ("approved", "reopen")


def _world(make_user, *, approve_article: bool):
    rev, rev2, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    with transaction() as s:
        art = articles.import_article(s, actor=rev, text=THREE, title="Lock")
        art_id = art.id
    ids = list(
        db.session.scalars(select(Claim.id).where(Claim.article_id == art_id).order_by(Claim.start))
    )
    c0, c1, c2 = ids
    with transaction() as s:  # the reviewer's own edit: c2 excluded (undo would bring it back)
        claims.exclude_claim(
            s, actor=rev, claim_id=c2, reason="opinion", version=s.get(Claim, c2).version
        )
    for cid in (c0, c1):
        with transaction() as s:
            reviews.submit_review(
                s, actor=rev, claim_id=cid, verdict="confirmed", note="ok", links=[LINK]
            )
    to_approve = (c0, c1) if approve_article else (c0,)
    for cid in to_approve:
        with transaction() as s:
            approvals.approve_claim(s, actor=lead, claim_id=cid, verdict="confirmed", note="",
                                    version=s.get(Claim, cid).version)  # fmt: skip
    if approve_article:
        with transaction() as s:
            articles.approve_article(
                s, actor=lead, article_id=art_id, version=s.get(Article, art_id).version
            )
    db.session.rollback()
    return dict(rev=rev, rev2=rev2, lead=lead, art=art_id, c0=c0, c1=c1, c2=c2)


def _version(model, pk) -> int:
    db.session.rollback()
    return db.session.get(model, pk).version


def _attempts(w, client, login, api_as, runner, tmp_path, *, article_approved: bool):
    """Every path that could change the approved claim c0 (and, when the article is approved,
    the article): (name, callable -> (status, text))."""
    c0, c1, art = w["c0"], w["c1"], w["art"]
    api, api2 = api_as(w["rev"]), api_as(w["rev2"])
    lead_api = api_as(w["lead"])

    # Signed in before the snapshot (a sign-in is an audited event of its own).
    clients = {
        who: login(w[who], c=client.application.test_client()) for who in ("rev", "rev2", "lead")
    }

    def web(path, data, who="rev"):
        def go():
            c = clients[who]
            r = c.post(path, data=data)
            body = r.get_data(as_text=True)
            if r.status_code == 302:  # a flashed refusal on the page it redirects to
                body = c.get(r.headers["Location"]).get_data(as_text=True)
            return r.status_code, body

        return go

    def call(fn, method, path, body):
        def go():
            r = fn(method, path, json=body)
            return r.status_code, r.get_data(as_text=True)

        return go

    def cli(text_):
        def go():
            f = tmp_path / f"v{len(text_)}.txt"
            f.write_text(text_)
            r = runner.invoke(args=["import", str(f), "--new-version-of", str(art)])
            return r.exit_code, r.output

        return go

    cv, av = (lambda: _version(Claim, c0)), (lambda: _version(Article, art))
    rows = [
        ("web edit speaker", lambda: web(f"/claims/{c0}/edit", {"speaker": "Someone", "version": cv()})()),
        ("web edit statement", lambda: web(f"/claims/{c0}/edit", {"statement": "New wording", "version": cv()})()),
        ("web move boundary", lambda: web(f"/claims/{c0}/edit", {"start": 0, "end": 10, "version": cv()})()),
        ("web split", lambda: web(f"/claims/{c0}/split", {"at": 6, "version": cv()})()),
        ("web merge", lambda: web(f"/claims/{c0}/merge", {"with_id": c1, "version": cv()})()),
        ("web exclude", lambda: web(f"/claims/{c0}/exclude", {"reason": "gone", "version": cv()})()),
        ("web review (second reviewer)", lambda: web(f"/claims/{c0}/review", {"verdict": "disputed", "note": "x",
            "links-0-url": "https://example.org/x", "links-0-title": "X", "links-0-stance": "contradicts"}, "rev2")()),
        ("web approve again (lead)", lambda: web(f"/claims/{c0}/approve", {"verdict": "disputed", "note": "n",
                                                                          "version": cv()}, "lead")()),
        ("web version edits claim", lambda: web(f"/articles/{art}/versions", {"text": EDITS_FIRST, "version": av()})()),
        ("web version drops claim", lambda: web(f"/articles/{art}/versions", {"text": DROPS_FIRST, "version": av()})()),
        ("api PATCH speaker", lambda: call(api, "PATCH", f"/claims/{c0}", {"speaker": "Someone", "version": cv()})()),
        ("api PATCH statement (lead)", lambda: call(lead_api, "PATCH", f"/claims/{c0}",
                                                    {"statement": "Other", "version": cv()})()),
        ("api PATCH span", lambda: call(api, "PATCH", f"/claims/{c0}", {"start": 0, "end": 10, "version": cv()})()),
        ("api split", lambda: call(api, "POST", f"/claims/{c0}/split", {"at": 6, "version": cv()})()),
        ("api merge", lambda: call(api, "POST", f"/claims/{c0}/merge", {"with": c1, "version": cv()})()),
        ("api exclude", lambda: call(api, "POST", f"/claims/{c0}/exclude", {"reason": "x", "version": cv()})()),
        ("api review (second reviewer)", lambda: call(api2, "PUT", f"/claims/{c0}/reviews/me",
                                                      {"verdict": "disputed", "links": [LINK]})()),
        ("api review revised (first reviewer)", lambda: call(api, "PUT", f"/claims/{c0}/reviews/me",
                                                             {"verdict": "disputed", "version": 1, "links": [LINK]})()),
        ("api version edits claim", lambda: call(api, "POST", f"/articles/{art}/versions",
                                                 {"text": EDITS_FIRST, "version": av()})()),
        ("api version drops claim", lambda: call(api, "POST", f"/articles/{art}/versions",
                                                 {"text": DROPS_FIRST, "version": av()})()),
        ("cli version edits claim", cli(EDITS_FIRST)),
        ("cli version drops claim", cli(DROPS_FIRST)),
    ]  # fmt: skip
    if article_approved:
        undo_event = db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "claim.excluded")
        )
        rows += [
            ("web undo exclusion", lambda: web(f"/articles/{art}/undo", {"event_id": undo_event})()),
            ("web add claim", lambda: web(f"/articles/{art}/claims", {"start": 0, "end": 5})()),
            ("api add claim", lambda: call(api, "POST", f"/articles/{art}/claims", {"start": 0, "end": 5})()),
            ("web include excluded", lambda: web(f"/claims/{w['c2']}/include",
                                                 {"version": _version(Claim, w["c2"])})()),
            ("web exclude other claim", lambda: web(f"/claims/{c1}/exclude", {"reason": "x",
                                                                              "version": _version(Claim, c1)})()),
        ]  # fmt: skip
    return rows


def _refused(status, body) -> bool:
    text_ = body.lower()
    return status in (409, 302, 1) and all(w in text_ for w in LOCK_WORDS)


def _run_matrix(state, w, client, login, api_as, runner, tmp_path, snapshot, events, verify):
    rows = _attempts(
        w, client, login, api_as, runner, tmp_path, article_approved=state == "article"
    )
    before, n = snapshot(), events()
    got = {}
    for name, attempt in rows:
        status, body = attempt()
        got[name] = (
            status,
            _refused(status, body),
            body[:200] if not _refused(status, body) else "",
        )
    after = snapshot()
    return got, before, after, n, events(), verify()


def test_int01_approved_is_locked_on_every_path(
    app,
    fresh_contexts,
    make_user,
    client,
    login,
    api_as,
    runner,
    tmp_path,
    snapshot,
    events,
    verify,
    figure,
    h,
):
    results, changed = {}, 0
    for state in ("claim", "article"):
        if state == "article":  # a fresh world: same database, new objects
            pass
        w = _world(make_user, approve_article=state == "article")
        got, before, after, n0, n1, ok = _run_matrix(
            state, w, client, login, api_as, runner, tmp_path, snapshot, events, verify
        )
        changed += h.diff(before, after) + (n1 - n0)
        assert after == before and n1 == n0, (state, before, after, n0, n1)
        results.update({f"{state}: {k}": v for k, v in got.items()})
        assert ok.ok
    refused = sum(1 for v in results.values() if v[1])
    bad = {k: v for k, v in results.items() if not v[1]}
    figure("INT-01", cases=f"{len(results)} (paths x 2 states)", ok=f"{refused}/{len(results)} refused naming the lock",
           rows=changed, verify="OK", notes=str(bad)[:120])  # fmt: skip
    assert not bad, {k: (v[0], v[2][-300:]) for k, v in bad.items()}
    assert changed == 0


def test_int02_article_transitions_have_their_own_events(
    app, make_user, api_as, snapshot, figure, h
):
    w = _world(make_user, approve_article=True)
    started = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "article.review_started", AuditEvent.target_id == w["art"]
        )
    ).all()
    assert len(started) == 1 and started[0].after["status"] == "in_review"
    lead_api, api = api_as(w["lead"]), api_as(w["rev"])
    r = lead_api.post(
        f"/claims/{w['c0']}/reopen",
        json={"reason": "a correction is coming", "version": _version(Claim, w["c0"])},
    )
    assert r.status_code == 200, r.get_json()
    db.session.rollback()
    reopened = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "article.reopened")
    ).all()
    assert len(reopened) == 1
    assert reopened[0].before["status"] == "approved" and reopened[0].after["status"] == "in_review"
    assert reopened[0].after["reason"] == "a correction is coming"
    # The reopened claim may now take the correction; the other approved claim is untouched.
    r = api.post(
        f"/articles/{w['art']}/versions",
        json={"text": EDITS_FIRST, "version": _version(Article, w["art"])},
    )
    assert r.status_code == 200, r.get_json()
    db.session.rollback()
    c0, c1 = db.session.get(Claim, w["c0"]), db.session.get(Claim, w["c1"])
    assert c0.status == "returned" and c0.text.startswith("Prices rose 6%")
    assert c1.status == "approved"
    assert db.session.get(Article, w["art"]).status == "in_review"
    # Dropping the other, still approved claim is refused.
    r = api.post(f"/articles/{w['art']}/versions",
                 json={"text": "Prices rose 6% in 2021. Exports doubled since 2019.\n", "version": _version(Article, w["art"])})  # fmt: skip
    assert r.status_code == 409 and f"approved claim(s) {w['c1']}" in r.get_json()["detail"]
    figure("INT-02", cases=4, ok="review_started 1, article.reopened 1 (approved->in_review, reason), "
           "reopened claim takes the correction, other approved claim still locked", rows="-")  # fmt: skip
