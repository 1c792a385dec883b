"""Signing in and out through the pages; the `next` parameter; CSRF with it switched on."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import AuditEvent, SystemActor
from factcheck.services import users

PASSWORD = "correct-horse-battery"


def test_login_sets_a_new_session_and_audits(app, make_user, snapshot):
    user = make_user("reviewer")
    c = app.test_client()
    c.get("/login")
    with c.session_transaction() as sess:
        sess["planted"] = "fixation"  # a pre-login session
    pre = c.get_cookie("session").value
    resp = c.post("/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/articles")
    post = c.get_cookie("session").value
    assert post != pre
    with c.session_transaction() as sess:
        assert "planted" not in sess
    assert c.get("/articles").status_code == 200
    db.session.rollback()
    ev = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert ev.action == "auth.signed_in" and ev.actor_id == user.id


@pytest.mark.parametrize("email_case", [str.upper, str.lower])
def test_login_email_is_case_insensitive(app, make_user, email_case):
    user = make_user("reviewer")
    resp = app.test_client().post(
        "/login", data={"email": email_case(user.email), "password": PASSWORD}
    )
    assert resp.status_code == 302


@pytest.mark.parametrize("who", ["known", "unknown"])
def test_wrong_password_shows_a_message_and_401(app, make_user, who):
    user = make_user("reviewer")
    email = user.email if who == "known" else "nobody@example.org"
    c = app.test_client()
    resp = c.post("/login", data={"email": email, "password": "wrong-password-123"})
    assert resp.status_code == 401
    assert "Wrong email or password" in resp.get_data(as_text=True)
    assert c.get("/articles").status_code == 302
    db.session.rollback()
    ev = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert ev.action == "auth.sign_in_failed"


def test_empty_login_form_is_422(app):
    assert app.test_client().post("/login", data={"email": "", "password": ""}).status_code == 422


def test_deactivated_account_cannot_sign_in_and_loses_its_session(app, make_user, client_for):
    user = make_user("reviewer")
    live = client_for(user)
    with transaction() as s:
        users.update_user(s, actor=SystemActor("t"), user_id=user.id, active=False)
    resp = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 401
    resp = live.get("/articles")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_signed_in_user_visiting_login_is_redirected(make_user, client_for):
    resp = client_for(make_user("reviewer")).get("/login")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/articles")


BAD_NEXT = [
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example",
    "http://evil.example/articles",
    "https:evil.example",
    "////evil.example",
    "%2F%2Fevil.example",
    "/\x00//evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/no-such-page",
]


def test_login_ignores_offsite_next(app, make_user, subtests):
    user = make_user("reviewer")
    for target in BAD_NEXT:
        with subtests.test(next=target):
            resp = app.test_client().post(
                "/login", data={"email": user.email, "password": PASSWORD, "next": target}
            )
            assert resp.status_code == 302
            location = resp.headers["Location"]
            assert location.endswith("/articles"), location
            assert "evil" not in location


def test_login_keeps_a_same_site_next(app, make_user, subtests):
    user = make_user("reviewer")
    for target in ("/articles", "/articles?status=draft", "/account", "/queue"):
        with subtests.test(next=target):
            resp = app.test_client().post(
                "/login", data={"email": user.email, "password": PASSWORD, "next": target}
            )
            assert resp.status_code == 302 and resp.headers["Location"].endswith(target)


def test_next_from_the_query_string_reaches_the_form(app, make_user):
    c = app.test_client()
    resp = c.get("/articles/new")
    assert resp.status_code == 302 and "next=" in resp.headers["Location"]
    page = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'name="next"' in page and "/articles/new" in page


def test_logout(app, make_user, client_for):
    user = make_user("reviewer")
    c = client_for(user)
    cookie = c.get_cookie("session").value
    resp = c.post("/logout")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")
    assert c.get("/articles").status_code == 302
    db.session.rollback()
    ev = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert ev.action == "auth.signed_out" and ev.actor_id == user.id
    # GET does not sign out
    c2 = client_for(user)
    assert c2.get("/logout").status_code == 405
    assert c2.get("/articles").status_code == 200
    # replaying the old cookie after "sign out everywhere" is refused
    c3 = client_for(user)
    old = c3.get_cookie("session").value
    assert c3.post("/logout", data={"everywhere": "y"}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", old)
    assert replay.get("/articles").status_code == 302
    assert cookie  # the first client had a session


def test_csrf_enforced_on_forms(app, make_user, csrf_token_in, snapshot):
    app.config["WTF_CSRF_ENABLED"] = True
    user = make_user("reviewer")
    c = app.test_client()
    # sign-in itself needs the token
    assert c.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 400
    token = csrf_token_in(c.get("/login").get_data(as_text=True))
    resp = c.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302
    # the pre-login token is no longer valid after sign-in (session rotated)
    before = snapshot()
    resp = c.post("/articles/new", data={"text": "Prices rose 5% in 2021.", "csrf_token": token})
    assert resp.status_code == 400
    assert c.post("/articles/new", data={"text": "Prices rose 5% in 2021."}).status_code == 400
    assert c.post("/account/tokens", data={"name": "x"}).status_code == 400
    assert snapshot() == before
    fresh = csrf_token_in(c.get("/articles/new").get_data(as_text=True))
    resp = c.post("/articles/new", data={"text": "Prices rose 5% in 2021.", "csrf_token": fresh})
    assert resp.status_code == 302 and "/articles/" in resp.headers["Location"]
    assert snapshot()["articles"] == before["articles"] + 1
