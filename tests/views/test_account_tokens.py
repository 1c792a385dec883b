"""The account page's tokens: lifetime and scope chosen in the form, listed with their dates."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from factcheck.extensions import db
from factcheck.models import ApiToken, utcnow


def test_token_form_sets_expiry_and_read_only(make_user, client_for, snapshot):
    user = make_user("reviewer")
    c = client_for(user)
    before = snapshot()
    bad = c.post("/account/tokens", data={"name": "x", "expires_days": "-1"})
    assert bad.status_code == 422 and snapshot() == before
    resp = c.post("/account/tokens", data={"name": "feed", "expires_days": "7", "read_only": "y"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 201 and "read-only" in page and "stops working on" in page
    db.session.rollback()
    token = db.session.scalars(select(ApiToken).where(ApiToken.name == "feed")).one()
    assert token.read_only and token.user_id == user.id
    assert abs(token.expires_at - (utcnow() + timedelta(days=7))) < timedelta(minutes=1)
    forever = c.post("/account/tokens", data={"name": "forever", "expires_days": "0"})
    assert forever.status_code == 201 and "never expires" in forever.get_data(as_text=True)
    default = c.post("/account/tokens", data={"name": "default"})
    assert "stops working on" in default.get_data(as_text=True)  # TOKEN_DEFAULT_DAYS
    account = c.get("/account").get_data(as_text=True)
    for text in ("feed", "read-only", "read and write", "never used", "Expires", "Last used",
                 "90 days"):  # fmt: skip
        assert text in account, text


def test_used_token_shows_its_last_use_and_revoke_ends_it(make_user, client_for, app):
    user = make_user("reviewer")
    c = client_for(user)
    token = c.post("/account/tokens", data={"name": "cms"}).get_data(as_text=True)
    plaintext = token.split('id="new-token">', 1)[1].split("<", 1)[0]
    auth = {"Authorization": f"Bearer {plaintext}"}
    assert app.test_client().get("/api/v1/me", headers=auth).status_code == 200
    db.session.rollback()
    row = db.session.scalars(select(ApiToken).where(ApiToken.name == "cms")).one()
    assert row.last_used_at is not None
    assert row.last_used_at.strftime("%Y-%m-%d %H:%M UTC") in c.get("/account").get_data(
        as_text=True
    )
    assert c.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=auth).status_code == 401
    assert "revoked" in c.get("/account").get_data(as_text=True)
