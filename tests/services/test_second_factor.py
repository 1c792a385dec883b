"""Two-step sign-in (TOTP): set-up, sign-in with a code or a recovery code, enforcement."""

from __future__ import annotations

import pyotp
import pytest
from settings_helpers import SettingsProxy
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import InvalidInput
from factcheck.extensions import db
from factcheck.models import AuditEvent, User
from factcheck.services import second_factor, users

PASSWORD = "correct-horse-battery"


def _enable(user) -> tuple[str, list[str]]:
    with transaction() as s:
        secret = second_factor.start_setup(s, actor=s.get(User, user.id))
    with pytest.raises(InvalidInput), transaction() as s:
        second_factor.confirm_setup(
            s,
            actor=s.get(User, user.id),
            code="000000" if pyotp.TOTP(secret).now() != "000000" else "111111",
        )
    with transaction() as s:
        codes = second_factor.confirm_setup(
            s, actor=s.get(User, user.id), code=pyotp.TOTP(secret).now()
        )
    return secret, codes


def _sign_in(email, password=PASSWORD, code=None):
    with transaction() as s:
        user = users.sign_in(s, email=email, password=password, code=code)
        return user.id if user else None


def test_totp_and_recovery_codes(make_user):
    lead = make_user("lead")
    secret, codes = _enable(lead)
    assert len(codes) == 10
    assert _sign_in(lead.email) is None  # password alone no longer enough
    assert _sign_in(lead.email, code=pyotp.TOTP(secret).now()) == lead.id
    assert _sign_in(lead.email, code=codes[0]) == lead.id
    assert _sign_in(lead.email, code=codes[0]) is None  # a recovery code works once
    reasons = [
        e.after.get("reason")
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.sign_in_failed")
        )
    ]
    assert reasons.count("second factor") == 2
    stored = db.session.get(User, lead.id)
    assert codes[1] not in str(stored.recovery_codes)  # hashed


def test_login_page_and_api_token_need_the_code(fresh_contexts, make_user, client):
    lead = make_user("lead")
    secret, _codes = _enable(lead)
    resp = client.post("/login", data={"email": lead.email, "password": PASSWORD})
    assert resp.status_code == 401
    resp = client.post(
        "/login", data={"email": lead.email, "password": PASSWORD, "code": pyotp.TOTP(secret).now()}
    )
    assert resp.status_code == 302
    api = client.post(
        "/api/v1/tokens", json={"email": lead.email, "password": PASSWORD, "name": "x"}
    )
    assert api.status_code == 401
    api = client.post(
        "/api/v1/tokens",
        json={
            "email": lead.email,
            "password": PASSWORD,
            "name": "x",
            "code": pyotp.TOTP(secret).now(),
        },
    )
    assert api.status_code == 201


def test_required_for_leads_blocks_everything_but_setup(
    make_user, client, login, api_as, fresh_contexts
):
    LIMITS = SettingsProxy(client.application)  # this app's settings only
    LIMITS.REQUIRE_TOTP_FOR = "lead,admin"
    try:
        lead, reviewer = make_user("lead"), make_user("reviewer")
        assert api_as(reviewer).get("/me").status_code == 200  # reviewers are not required
        login(lead)
        resp = client.get("/articles")
        assert resp.status_code == 302 and "/account" in resp.headers["Location"]
        assert "requires two-step sign-in" in client.get("/account").get_data(as_text=True)
        assert api_as(lead).get("/me").status_code == 403
        client.post("/account/two-step/start")
        page = client.get("/account/two-step").get_data(as_text=True)
        assert "<svg" in page and "Turn on two-step sign-in" in page
        secret = db.session.get(User, lead.id).totp_secret
        resp = client.post("/account/two-step", data={"code": pyotp.TOTP(secret).now()})
        assert resp.status_code == 200 and "recovery codes" in resp.get_data(as_text=True)
        assert client.get("/articles").status_code == 200  # this session carries on
    finally:
        LIMITS.REQUIRE_TOTP_FOR = ""


def test_disable_needs_password_and_code(make_user, snapshot):
    rev = make_user("reviewer")
    secret, _ = _enable(rev)
    before = snapshot()
    with pytest.raises(InvalidInput), transaction() as s:
        second_factor.disable(
            s, actor=s.get(User, rev.id), password="wrong-password", code=pyotp.TOTP(secret).now()
        )
    assert snapshot() == before
    with transaction() as s:
        second_factor.disable(
            s, actor=s.get(User, rev.id), password=PASSWORD, code=pyotp.TOTP(secret).now()
        )
    assert _sign_in(rev.email) == rev.id
