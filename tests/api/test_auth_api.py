"""Tokens, /me, bearer authentication and the CSRF rule for cookie-authenticated writes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import ApiToken, SystemActor
from factcheck.services import users

PASSWORD = "correct-horse-battery"


def test_create_token_with_good_credentials(client, make_user, snapshot, audit_mark, new_events):
    user = make_user("reviewer")
    mark = audit_mark()
    before = snapshot()
    resp = client.post(
        "/api/v1/tokens", json={"email": user.email, "password": PASSWORD, "name": "cms"}
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert set(body) == {"id", "name", "token", "expires_at", "read_only"} and body["name"] == "cms"
    assert body["read_only"] is False and body["expires_at"].startswith("20")  # default lifetime
    assert snapshot()["api_tokens"] == before["api_tokens"] + 1
    # stored hashed: the plaintext is nowhere in the table
    db.session.rollback()
    row = db.session.get(ApiToken, body["id"])
    assert row.token_hash != body["token"] and body["token"] not in row.token_hash
    assert [e.action for e in new_events(mark)] == ["auth.signed_in", "token.created"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.get_json() == {"id": user.id, "email": user.email, "display_name": user.display_name,
                             "role": "reviewer", "active": True}  # fmt: skip
    assert "password_hash" not in me.get_data(as_text=True)


@pytest.mark.parametrize(
    "payload",
    [
        {"email": "reviewer-x@example.org", "password": "wrong-password-1"},
        {"email": "nobody@example.org", "password": PASSWORD},
        {"email": "", "password": ""},
    ],
)
def test_create_token_with_bad_credentials(client, make_user, snapshot, problem, payload):
    make_user("reviewer", email="reviewer-x@example.org")
    before = snapshot()
    problem(client.post("/api/v1/tokens", json=payload), 401)
    after = snapshot()
    assert after["api_tokens"] == before["api_tokens"]
    assert after["audit_events"] == before["audit_events"] + 1  # the failed sign-in is audited


def test_create_token_for_deactivated_account(client, make_user, snapshot, problem):
    user = make_user("reviewer")
    with transaction() as s:
        users.update_user(s, actor=SystemActor("t"), user_id=user.id, active=False)
    before = snapshot()
    problem(client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD}), 401)
    assert snapshot()["api_tokens"] == before["api_tokens"]


def test_create_token_refuses_unknown_fields(client, make_user, snapshot, problem):
    user = make_user("reviewer")
    before = snapshot()
    body = problem(client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD,
                                                       "user_id": 1}), 422, "user_id")  # fmt: skip
    assert "unknown" in body["detail"]
    assert snapshot() == before


def test_me_for_each_role(make_user, api_as):
    for role in ("reviewer", "lead", "admin"):
        user = make_user(role)
        resp = api_as(user).get("/me")
        assert resp.status_code == 200 and resp.get_json()["role"] == role


def test_bearer_errors_are_401_problems(client, make_user, problem, subtests):
    make_user("reviewer")
    for header in (
        None,
        "Bearer fct_not-a-real-token",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "fct_abc",
        "Bearer x" * 50,
    ):
        with subtests.test(header=header):
            headers = {"Authorization": header} if header is not None else {}
            body = problem(client.get("/api/v1/me", headers=headers), 401)
            assert body["title"] == "Not authenticated"


def test_a_changed_character_breaks_the_token(client, make_user, token_for, problem):
    token = token_for(make_user("reviewer"))
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    problem(client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}), 401)


def test_token_in_query_string_is_ignored(client, make_user, token_for, problem):
    token = token_for(make_user("reviewer"))
    problem(client.get(f"/api/v1/me?access_token={token}&token={token}"), 401)


def test_revoked_token_is_401(client, make_user, token_for, problem):
    user = make_user("reviewer")
    token = token_for(user)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
    with transaction() as s:
        users.revoke_token(s, actor=user, token_id=token_id)
    problem(client.get("/api/v1/me", headers=headers), 401)


def test_deactivated_users_token_is_401(client, make_user, token_for, problem, snapshot):
    user = make_user("reviewer")
    token = token_for(user)
    headers = {"Authorization": f"Bearer {token}"}
    with transaction() as s:
        users.update_user(s, actor=SystemActor("t"), user_id=user.id, active=False)
    problem(client.get("/api/v1/me", headers=headers), 401)
    before = snapshot()
    problem(client.post("/api/v1/articles", json={"text": "A claim of 5%."}, headers=headers), 401)
    assert snapshot() == before


def test_errors_are_problem_json_for_404_and_405(make_user, api_as, problem):
    api = api_as(make_user("reviewer"))
    problem(api.get("/articles/999999"), 404)
    problem(api.get("/claims/999999"), 404)
    problem(api.get("/no-such-endpoint"), 404)
    body = problem(api("DELETE", "/articles"), 405)
    assert body["title"]


def test_no_secrets_in_json(make_user, api_as, make_article):
    admin = make_user("admin")
    api = api_as(admin)
    make_article()
    for path in ("/me", "/users", f"/users/{admin.id}", "/audit?per_page=500"):
        text = api.get(path).get_data(as_text=True)
        assert "password_hash" not in text and "token_hash" not in text and "argon2" not in text


# -- cookie authentication ------------------------------------------------------------


def test_cookie_auth_read_works_and_write_needs_csrf(
    app, client, make_user, login, snapshot, problem
):
    user = make_user("reviewer")
    login(user)
    assert client.get("/api/v1/me").get_json()["id"] == user.id
    app.config["WTF_CSRF_ENABLED"] = True
    before = snapshot()
    body = problem(client.post("/api/v1/articles", json={"text": "Prices rose 5% in 2021."}), 400)
    assert "CSRF" in body["title"]
    problem(client.post("/api/v1/articles", json={"text": "Prices rose 5% in 2021."},
                        headers={"X-CSRFToken": "not-a-token"}), 400)  # fmt: skip
    assert snapshot() == before
    # with the page's token it goes through
    page = client.get("/articles/new").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    resp = client.post("/api/v1/articles", json={"text": "Prices rose 5% in 2021."},
                       headers={"X-CSRFToken": token})  # fmt: skip
    assert resp.status_code == 201, resp.get_json()


def test_bearer_write_needs_no_csrf(app, make_user, api_as):
    app.config["WTF_CSRF_ENABLED"] = True
    resp = api_as(make_user("reviewer")).post("/articles", json={"text": "Prices rose 5% in 2021."})
    assert resp.status_code == 201


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_cookie_write_with_wrong_content_type_is_refused(
    app, client, make_user, login, snapshot, content_type
):
    login(make_user("reviewer"))
    before = snapshot()
    resp = client.post("/api/v1/articles", data='{"text": "Prices rose 5% in 2021."}',
                       headers={"Content-Type": content_type, "Origin": "https://evil.example"})  # fmt: skip
    assert resp.status_code in (400, 415)
    assert resp.mimetype == "application/problem+json"
    assert snapshot() == before
