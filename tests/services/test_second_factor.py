"""Two-step sign-in (TOTP): set-up, sign-in with a code or a recovery code, enforcement."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from settings_helpers import SettingsProxy
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import InvalidInput, ReauthRequired
from factcheck.extensions import db
from factcheck.models import AuditEvent, User, utcnow
from factcheck.services import second_factor, users

PASSWORD = "correct-horse-battery"


def _enable(user) -> tuple[str, list[str]]:
    with transaction() as s:
        secret = second_factor.start_setup(s, actor=s.get(User, user.id), authenticated_at=utcnow())
    with pytest.raises(InvalidInput), transaction() as s:
        second_factor.confirm_setup(
            s,
            actor=s.get(User, user.id),
            code="000000"
            if pyotp.TOTP(secret).at(second_factor.utcnow()) != "000000"
            else "111111",
            authenticated_at=utcnow(),
        )
    with transaction() as s:
        codes = second_factor.confirm_setup(
            s, actor=s.get(User, user.id), code=pyotp.TOTP(secret).at(second_factor.utcnow()),
            authenticated_at=utcnow(),
        )  # fmt: skip
    return secret, codes


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Two-step sign-in's clock, moved by hand: codes are single-use per 30 s step."""

    class Clock:
        now = utcnow()

        def tick(self, seconds=30):
            self.now += timedelta(seconds=seconds)

        def code(self, secret):
            return pyotp.TOTP(secret).at(self.now)

    c = Clock()
    monkeypatch.setattr(second_factor, "utcnow", lambda: c.now)
    return c


def _sign_in(email, password=PASSWORD, code=None):
    with transaction() as s:
        user = users.sign_in(s, email=email, password=password, code=code)
        return user.id if user else None


def test_totp_and_recovery_codes(make_user, clock):
    lead = make_user("lead")
    secret, codes = _enable(lead)
    assert len(codes) == 10
    assert _sign_in(lead.email) is None  # password alone no longer enough
    assert _sign_in(lead.email, code=clock.code(secret)) is None  # set-up's code: used
    clock.tick()
    assert _sign_in(lead.email, code=clock.code(secret)) == lead.id
    assert _sign_in(lead.email, code=codes[0]) == lead.id
    assert _sign_in(lead.email, code=codes[0]) is None  # a recovery code works once
    reasons = [
        e.after.get("reason")
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.sign_in_failed")
        )
    ]
    assert reasons.count("second factor") == 3
    stored = db.session.get(User, lead.id)
    assert codes[1] not in str(stored.recovery_codes)  # hashed


def test_login_page_and_api_token_need_the_code(fresh_contexts, make_user, client, clock):
    lead = make_user("lead")
    secret, _codes = _enable(lead)
    clock.tick()
    resp = client.post("/login", data={"email": lead.email, "password": PASSWORD})
    assert resp.status_code == 401
    resp = client.post(
        "/login", data={"email": lead.email, "password": PASSWORD, "code": clock.code(secret)}
    )
    assert resp.status_code == 302
    clock.tick()
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
            "code": clock.code(secret),
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
        resp = client.post(
            "/account/two-step", data={"code": pyotp.TOTP(secret).at(second_factor.utcnow())}
        )
        assert resp.status_code == 200 and "recovery codes" in resp.get_data(as_text=True)
        assert client.get("/articles").status_code == 200  # this session carries on
    finally:
        LIMITS.REQUIRE_TOTP_FOR = ""


def test_disable_needs_a_recent_sign_in(make_user, snapshot):
    rev = make_user("reviewer")
    _enable(rev)
    before = snapshot()
    with pytest.raises(ReauthRequired), transaction() as s:
        second_factor.disable(s, actor=s.get(User, rev.id), authenticated_at=None)
    with pytest.raises(ReauthRequired), transaction() as s:
        second_factor.disable(
            s, actor=s.get(User, rev.id), authenticated_at=utcnow() - timedelta(minutes=6)
        )
    assert snapshot() == before
    with transaction() as s:
        second_factor.disable(s, actor=s.get(User, rev.id), authenticated_at=utcnow())
    assert _sign_in(rev.email) == rev.id
