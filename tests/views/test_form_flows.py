"""Working through the pages: import, review, a lead's decisions, edits, tokens, accounts."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from factcheck.extensions import db
from factcheck.models import ApiToken, Article, AuditEvent, Claim, Review, User

SHORT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"
THREE = "Prices rose 5% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"
MARK_A = "NOTE-A-31d9-marker"


def _claim(claim_id) -> Claim:
    db.session.rollback()
    return db.session.get(Claim, claim_id)


def _last_actions(n) -> list[str]:
    db.session.rollback()
    rows = db.session.scalars(
        select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(n)
    ).all()
    return list(reversed(rows))


# -- import -------------------------------------------------------------------------------


def test_import_pasted_text(make_user, client_for):
    user = make_user("reviewer")
    c = client_for(user)
    resp = c.post("/articles/new", data={"text": SHORT, "title": "Prices", "publisher": "Desk"})
    assert resp.status_code == 302
    m = re.search(r"/articles/(\d+)$", resp.headers["Location"])
    assert m
    db.session.rollback()
    article = db.session.get(Article, int(m.group(1)))
    assert article.title == "Prices" and article.created_by_id == user.id and article.claims
    page = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Article imported" in page and f'data-claim-id="{article.claims[0].id}"' in page
    assert _last_actions(1) == ["article.imported"]


def test_import_uploaded_file(make_user, client_for):
    c = client_for(make_user("reviewer"))
    data = {"text": "", "file": (io.BytesIO(SHORT.encode("utf-8")), "story.md")}
    resp = c.post("/articles/new", data=data, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    db.session.rollback()
    article = db.session.get(Article, int(resp.headers["Location"].rsplit("/", 1)[1]))
    assert article.input_kind == "file" and article.filename == "story.md"


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"text": ""}, 422, "empty"),
        ({"text": "   "}, 422, "empty"),
        ({"text": "a\x00b"}, 422, "NUL"),
        ({"text": SHORT, "source_url": "javascript:alert(1)"}, 422, ""),
        ({"text": "", "file": (io.BytesIO(b"\x89PNG\r\n\x1a\n"), "x.png")}, 415, ".txt"),
        ({"text": "", "file": (io.BytesIO("Zürich 5%".encode("latin-1")), "x.txt")}, 422, "UTF-8"),
    ],
)
def test_import_refusals_show_the_form_again(
    make_user, client_for, snapshot, data, status, message
):
    c = client_for(make_user("reviewer"))
    before = snapshot()
    resp = c.post("/articles/new", data=data, content_type="multipart/form-data")
    assert resp.status_code == status
    html = resp.get_data(as_text=True)
    assert 'name="text"' in html and message.lower() in html.lower()
    assert snapshot() == before


# -- review, blind review -------------------------------------------------------------------


def _review_form(verdict, note="", url="", title="", stance="supports", version=""):
    return {"verdict": verdict, "note": note, "links-0-url": url, "links-0-title": title,
            "links-0-stance": stance, "links-0-excerpt": "", "links-0-archived_url": "", "version": version}  # fmt: skip


def test_review_via_form_and_blind_review(make_user, client_for, make_article):
    a, b, lead = make_user("reviewer"), make_user("reviewer"), make_user("lead")
    claim = make_article(text=SHORT, actor=a).claims[0]
    ca, cb = client_for(a), client_for(b)
    resp = ca.post(f"/claims/{claim.id}/review",
                   data=_review_form("disputed", MARK_A, "https://example.org/src", "Source"))  # fmt: skip
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/claims/{claim.id}")
    db.session.rollback()
    review = db.session.scalars(select(Review).where(Review.claim_id == claim.id)).one()
    assert review.reviewer_id == a.id and review.verdict == "disputed" and review.note == MARK_A
    assert [(link.url, link.title, link.stance) for link in review.links] == [
        ("https://example.org/src", "Source", "supports")
    ]
    assert _claim(claim.id).status == "reviewed"
    own = ca.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert MARK_A in own and "Revise your review" in own and 'name="links-1-url"' in own
    # B does not see A's verdict or note until B submits
    page_b = cb.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert MARK_A not in page_b and "hidden until you submit your own" in page_b
    assert MARK_A not in cb.get(f"/articles/{claim.article_id}").get_data(as_text=True)
    assert MARK_A in client_for(lead).get(f"/claims/{claim.id}").get_data(as_text=True)
    assert (
        cb.post(f"/claims/{claim.id}/review", data=_review_form("unconfirmed", "B")).status_code
        == 302
    )
    assert MARK_A in cb.get(f"/claims/{claim.id}").get_data(as_text=True)


def test_revise_via_form_and_stale_version_is_409(make_user, client_for, make_article, snapshot):
    a = make_user("reviewer")
    claim = make_article(text=SHORT, actor=a).claims[0]
    c = client_for(a)
    assert (
        c.post(f"/claims/{claim.id}/review", data=_review_form("unconfirmed", "first")).status_code
        == 302
    )
    assert (
        c.post(
            f"/claims/{claim.id}/review", data=_review_form("disputed", "second", version="1")
        ).status_code
        == 302
    )
    before = snapshot()
    resp = c.post(
        f"/claims/{claim.id}/review", data=_review_form("confirmed", "stale copy", version="1")
    )
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "Not saved" in html and "changed by someone else" in html
    assert "stale copy" in html  # the input is kept
    assert 'name="version" type="hidden" value="2"' in html or 'value="2"' in html
    assert snapshot() == before
    # without a version on a revision → 428 page, nothing saved
    resp = c.post(f"/claims/{claim.id}/review", data=_review_form("confirmed", "no version"))
    assert resp.status_code == 428
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (_review_form(""), "choose a verdict"),
        (_review_form("maybe"), ""),
        (_review_form("confirmed", url="javascript:alert(1)", title="x"), "http"),
        (_review_form("confirmed", url="https://example.org", stance="agrees"), ""),
    ],
)
def test_bad_review_form_is_422(make_user, client_for, make_article, snapshot, data, needle):
    a = make_user("reviewer")
    claim = make_article(text=SHORT, actor=a).claims[0]
    c = client_for(a)
    before = snapshot()
    resp = c.post(f"/claims/{claim.id}/review", data=data)
    assert resp.status_code == 422
    assert needle in resp.get_data(as_text=True)
    assert snapshot() == before


# -- the lead's decisions ---------------------------------------------------------------


def _reviewed_claim(make_user, client_for, make_article, verdict="confirmed"):
    a = make_user("reviewer")
    claim = make_article(text=SHORT, actor=a).claims[0]
    resp = client_for(a).post(f"/claims/{claim.id}/review",
                              data=_review_form(verdict, "ok", "https://example.org/src", "Source"))  # fmt: skip
    assert resp.status_code == 302
    return _claim(claim.id)


def test_lead_approve_return_reopen_via_forms(make_user, client_for, make_article, snapshot):
    claim = _reviewed_claim(make_user, client_for, make_article)
    lead = client_for(make_user("lead"))
    url = f"/claims/{claim.id}"
    resp = lead.post(
        f"{url}/return", data={"comment": "Second source please", "version": claim.version}
    )
    assert resp.status_code == 302
    claim = _claim(claim.id)
    assert claim.status == "returned" and claim.return_comment == "Second source please"
    assert _last_actions(1) == ["claim.returned"]
    resp = lead.post(
        f"{url}/approve", data={"verdict": "confirmed", "note": "", "version": claim.version}
    )
    assert resp.status_code == 302
    claim = _claim(claim.id)
    assert claim.status == "approved" and claim.final_verdict == "confirmed"
    page = lead.get(url).get_data(as_text=True)
    assert "Final verdict" in page and "Reopen claim" in page
    # a stale approve-page copy: reopen with the old version → 409 page showing the conflict
    before = snapshot()
    resp = lead.post(f"{url}/reopen", data={"reason": "new facts", "version": claim.version - 1})
    assert resp.status_code == 409 and "Not saved" in resp.get_data(as_text=True)
    resp = lead.post(f"{url}/reopen", data={"reason": "", "version": claim.version})
    assert resp.status_code == 422
    assert snapshot() == before
    resp = lead.post(f"{url}/reopen", data={"reason": "new facts", "version": claim.version})
    assert resp.status_code == 302
    assert _claim(claim.id).status == "reviewed"
    assert _last_actions(3) == ["claim.returned", "claim.approved", "claim.reopened"]


def test_reviewer_cannot_use_lead_forms(make_user, client_for, make_article, snapshot):
    claim = _reviewed_claim(make_user, client_for, make_article)
    rev = client_for(make_user("reviewer"))
    before = snapshot()
    for action, data in (("approve", {"verdict": "confirmed", "note": "x"}), ("return", {"comment": "x"}),
                         ("reopen", {"reason": "x"})):  # fmt: skip
        resp = rev.post(f"/claims/{claim.id}/{action}", data={**data, "version": claim.version})
        assert resp.status_code == 403, action
    art = rev.post(f"/articles/{claim.article_id}/approve", data={"version": 1})
    assert art.status_code == 403
    assert snapshot() == before


def test_four_eyes_via_form(make_user, client_for, make_article, snapshot):
    lead = make_user("lead")
    claim = make_article(text=SHORT, actor=lead).claims[0]
    c = client_for(lead)
    c.post(
        f"/claims/{claim.id}/review",
        data=_review_form("confirmed", "", "https://example.org/x", "X"),
    )
    claim = _claim(claim.id)
    before = snapshot()
    resp = c.post(
        f"/claims/{claim.id}/approve",
        data={"verdict": "confirmed", "note": "", "version": claim.version},
    )
    assert resp.status_code == 409 and "four-eyes" in resp.get_data(as_text=True)
    assert snapshot() == before


def test_article_approval_via_form(make_user, client_for, make_article):
    a, lead_user = make_user("reviewer"), make_user("lead")
    article = make_article(text=SHORT, actor=a)
    ca, lead = client_for(a), client_for(lead_user)
    resp = lead.post(
        f"/articles/{article.id}/approve", data={"version": article.version}, follow_redirects=True
    )
    assert "not yet approved" in resp.get_data(as_text=True)
    for claim in article.claims:
        ca.post(
            f"/claims/{claim.id}/review",
            data=_review_form("confirmed", "", "https://example.org/x", "X"),
        )
        v = _claim(claim.id).version
        assert (
            lead.post(
                f"/claims/{claim.id}/approve", data={"verdict": "confirmed", "version": v}
            ).status_code
            == 302
        )
    db.session.rollback()
    version = db.session.get(Article, article.id).version
    resp = lead.post(
        f"/articles/{article.id}/approve", data={"version": version}, follow_redirects=True
    )
    assert "Article approved" in resp.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Article, article.id).status == "approved"
    export = ca.get(f"/articles/{article.id}/export?format=html")
    assert export.status_code == 200 and "final" in export.headers["Content-Disposition"]


# -- edits -----------------------------------------------------------------------------------


def test_edit_speaker_split_merge_exclude_via_forms(make_user, client_for, make_article, snapshot):
    user = make_user("reviewer")
    article = make_article(text=THREE, actor=user)
    first, second, third = article.claims[:3]
    c = client_for(user)
    resp = c.post(
        f"/claims/{first.id}/edit",
        data={"speaker": "the bank", "statement": "", "version": first.version},
    )
    assert resp.status_code == 302
    first = _claim(first.id)
    assert first.speaker == "the bank"
    # split
    at = first.start + first.text.index(" in 2021")
    resp = c.post(f"/claims/{first.id}/split", data={"at": at, "version": first.version})
    assert resp.status_code == 302
    db.session.rollback()
    claims = db.session.get(Article, article.id).claims
    assert len(claims) == 4
    for cl in claims:
        assert cl.text == article.body[cl.start : cl.end]
    # merge the two halves back
    first = _claim(first.id)
    new_id = claims[1].id
    resp = c.post(f"/claims/{first.id}/merge", data={"with_id": new_id, "version": first.version})
    assert resp.status_code == 302
    first = _claim(first.id)
    assert first.text.startswith("Prices rose 5%") and db.session.get(Claim, new_id) is None
    # exclude the third
    third = _claim(third.id)
    resp = c.post(
        f"/claims/{third.id}/exclude", data={"reason": "opinion", "version": third.version}
    )
    assert resp.status_code == 302
    third = _claim(third.id)
    assert third.status == "excluded" and third.excluded_reason == "opinion"
    resp = c.post(f"/claims/{third.id}/include", data={"version": third.version})
    assert resp.status_code == 302 and _claim(third.id).status == "open"
    assert _last_actions(5) == [
        "claim.updated",
        "claim.split",
        "claim.merged",
        "claim.excluded",
        "claim.included",
    ]
    # refusals change nothing
    second = _claim(second.id)
    before = snapshot()
    assert (
        c.post(
            f"/claims/{second.id}/split", data={"at": second.start, "version": second.version}
        ).status_code
        == 422
    )
    assert (
        c.post(f"/claims/{second.id}/split", data={"at": "", "version": second.version}).status_code
        == 422
    )
    assert (
        c.post(
            f"/claims/{second.id}/exclude", data={"reason": "", "version": second.version}
        ).status_code
        == 422
    )
    stale = c.post(
        f"/claims/{second.id}/edit", data={"speaker": "x", "version": second.version + 1}
    )
    assert stale.status_code == 409 and "Not saved" in stale.get_data(as_text=True)
    assert snapshot() == before


def test_add_claim_via_form(make_user, client_for, make_article, snapshot):
    user = make_user("reviewer")
    article = make_article(actor=user)
    pos, span = 0, None
    for cl in article.claims:
        if article.body[pos : cl.start].strip():
            span = (pos, cl.start)
            break
        pos = cl.end
    assert span
    c = client_for(user)
    before = snapshot()
    resp = c.post(
        f"/articles/{article.id}/claims", data={"start": "x", "end": "y"}, follow_redirects=True
    )
    assert "Claim not added" in resp.get_data(as_text=True)
    assert snapshot() == before
    resp = c.post(f"/articles/{article.id}/claims", data={"start": span[0], "end": span[1]})
    assert resp.status_code == 302 and "/claims/" in resp.headers["Location"]
    assert _last_actions(1) == ["claim.added"]


# -- tokens and accounts --------------------------------------------------------------------


def test_token_shown_once_and_revocable(app, make_user, client_for):
    user = make_user("reviewer")
    c = client_for(user)
    resp = c.post("/account/tokens", data={"name": "my script"})
    assert resp.status_code == 201
    m = re.search(r'id="new-token">(fct_[^<]+)<', resp.get_data(as_text=True))
    assert m
    token = m.group(1)
    api = app.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    account = c.get("/account").get_data(as_text=True)
    assert "my script" in account and token not in account and token[:8] in account
    db.session.rollback()
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
    resp = c.post(f"/account/tokens/{token_id}/revoke", follow_redirects=True)
    assert "Token revoked" in resp.get_data(as_text=True)
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert _last_actions(1) == ["token.revoked"]
    # someone else's token: not found, nothing happens
    other = make_user("reviewer")
    oc = client_for(other)
    oc.post("/account/tokens", data={"name": "theirs"})
    db.session.rollback()
    their_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == other.id))
    assert c.post(f"/account/tokens/{their_id}/revoke").status_code == 404
    db.session.rollback()
    assert db.session.get(ApiToken, their_id).revoked_at is None


def test_token_form_needs_a_name(make_user, client_for, snapshot):
    c = client_for(make_user("reviewer"))
    before = snapshot()
    assert c.post("/account/tokens", data={"name": ""}).status_code == 422
    assert snapshot() == before


def test_admin_creates_and_deactivates_an_account(app, make_user, client_for, snapshot):
    admin = make_user("admin")
    c = client_for(admin)
    resp = c.post("/admin/users", data={"email": "Fresh@Example.org", "display_name": "Fresh",
                                        "role": "lead", "password": "a-long-password"})  # fmt: skip
    assert resp.status_code == 302
    db.session.rollback()
    fresh = db.session.scalar(select(User).where(User.email == "fresh@example.org"))
    assert fresh.role == "lead" and fresh.active
    fresh_client = app.test_client()
    assert (
        fresh_client.post(
            "/login", data={"email": "fresh@example.org", "password": "a-long-password"}
        ).status_code
        == 302
    )
    before = snapshot()
    dup = c.post("/admin/users", data={"email": "fresh@example.org", "display_name": "x", "role": "lead",
                                       "password": "a-long-password"})  # fmt: skip
    assert dup.status_code == 409 and "already exists" in dup.get_data(as_text=True)
    assert (
        c.post(
            "/admin/users", data={"email": "bad", "role": "lead", "password": "short"}
        ).status_code
        == 422
    )
    assert snapshot() == before
    resp = c.post(
        f"/admin/users/{fresh.id}", data={"display_name": "Fresh", "role": "lead"}
    )  # active unticked
    assert resp.status_code == 302
    db.session.rollback()
    assert db.session.get(User, fresh.id).active is False
    assert _last_actions(1) == ["user.deactivated"]
    assert fresh_client.get("/articles").status_code == 302  # the live session ended
    # the last admin cannot demote themselves
    before = snapshot()
    resp = c.post(
        f"/admin/users/{admin.id}",
        data={"display_name": "Admin", "role": "reviewer", "active": "y"},
    )
    assert resp.status_code == 409 and "admin must remain" in resp.get_data(as_text=True)
    assert snapshot() == before


def test_admin_resets_a_password(app, make_user, client_for, snapshot):
    admin, user = make_user("admin"), make_user("reviewer")
    c = client_for(admin)
    live = client_for(user)
    before = snapshot()
    assert c.post(f"/admin/users/{user.id}/password", data={"password": "short"}).status_code == 422
    assert snapshot() == before
    assert (
        c.post(
            f"/admin/users/{user.id}/password", data={"password": "a-brand-new-password"}
        ).status_code
        == 302
    )
    assert live.get("/articles").status_code == 302
    assert (
        app.test_client()
        .post("/login", data={"email": user.email, "password": "a-brand-new-password"})
        .status_code
        == 302
    )


def test_change_own_password(app, make_user, client_for, snapshot):
    user = make_user("reviewer")
    c = client_for(user)
    before = snapshot()
    resp = c.post("/account/password", data={"current": "wrong-one-123", "password": "another-password-1",
                                             "confirm": "another-password-1"})  # fmt: skip
    assert resp.status_code == 422 and "not your current password" in resp.get_data(as_text=True)
    after = snapshot()  # nothing changed but the audited, counted failure
    assert after == {**before, "audit_events": before["audit_events"] + 1}
    resp = c.post("/account/password", data={"current": "correct-horse-battery", "password": "another-password-1",
                                             "confirm": "another-password-1"})  # fmt: skip
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")
    assert c.get("/articles").status_code == 302
    assert (
        app.test_client()
        .post("/login", data={"email": user.email, "password": "another-password-1"})
        .status_code
        == 302
    )


# -- queues, assignments, audit export ---------------------------------------------------------


def test_assign_via_form_and_queue_page(make_user, client_for, make_article):
    rev, lead = make_user("reviewer"), make_user("lead")
    article = make_article(text=SHORT, actor=lead)
    cl = client_for(lead)
    assert 'id="assign"' in cl.get(f"/articles/{article.id}").get_data(as_text=True)
    resp = cl.post(
        f"/articles/{article.id}/assign", data={"user_id": str(rev.id)}, follow_redirects=True
    )
    assert resp.status_code == 200 and "Assigned." in resp.get_data(as_text=True)
    assert _last_actions(1) == ["assignment.created"]
    queue = client_for(rev).get("/queue")
    assert queue.status_code == 200
    html = queue.get_data(as_text=True)
    for c in article.claims:
        assert f"/claims/{c.id}" in html
    lead_queue = cl.get("/queue").get_data(as_text=True)
    assert "awaiting approval" in lead_queue


def test_audit_export(make_user, client_for, make_article):
    lead = make_user("lead")
    article = make_article(text=SHORT, actor=lead)
    c = client_for(lead)
    csv_resp = c.get(f"/audit/export?format=csv&article_id={article.id}")
    assert csv_resp.status_code == 200 and csv_resp.mimetype == "text/csv"
    assert "attachment" in csv_resp.headers["Content-Disposition"]
    assert "article.imported" in csv_resp.get_data(as_text=True)
    json_resp = c.get("/audit/export?format=json&action=article.imported")
    assert json_resp.status_code == 200
    lines = [line for line in json_resp.get_data(as_text=True).splitlines() if line]
    assert lines and all('"article.imported"' in line for line in lines)
    assert c.get("/audit/export?format=xml").status_code == 422
    assert client_for(make_user("reviewer")).get("/audit/export?format=csv").status_code == 403
