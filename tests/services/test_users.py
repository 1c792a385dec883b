"""Accounts, sign-in, tokens: data and audit events."""

from __future__ import annotations

import pytest
from settings_helpers import SettingsProxy
from sqlalchemy import select, text

from factcheck.database import transaction
from factcheck.errors import Conflict, InvalidInput, PermissionDenied, RateLimited
from factcheck.extensions import db
from factcheck.models import AuditEvent, SystemActor, User, utcnow
from factcheck.services import users

PASSWORD = "correct-horse-battery"  # the conftest factories' password


def actions(session) -> list[str]:
    return [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def test_create_user_hashes_the_password_and_audits(session):
    with transaction() as s:
        user = users.create_user(s, actor=SystemActor("ci"), email="New@Example.org", display_name="New",
                                 role="lead", password="a-long-password")  # fmt: skip
        uid = user.id
    user = session.get(User, uid)
    assert user.email == "new@example.org" and user.password_hash.startswith("$argon2id$")
    ev = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.created")).one()
    assert ev.actor_label == "system:ci" and "password" not in str(ev.after)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"email": "not-an-email"},
        {"role": "superuser"},
        {"password": "short"},
        {"email": "a\x00@example.org"},
    ],
)
def test_bad_account_input(session, snapshot, kwargs):
    data = {
        "email": "x@example.org",
        "display_name": "X",
        "role": "reviewer",
        "password": "long-enough-pw",
    } | kwargs
    before = snapshot()
    with pytest.raises(InvalidInput), transaction() as s:
        users.create_user(s, actor=SystemActor("ci"), **data)
    assert snapshot() == before


def test_duplicate_email(make_user):
    user = make_user("reviewer")
    with pytest.raises(Conflict), transaction() as s:
        users.create_user(
            s,
            actor=SystemActor("ci"),
            email=user.email,
            display_name="d",
            role="reviewer",
            password="long-enough-pw",
        )


def test_sign_in_success_and_failure_are_audited(make_user, session):
    user = make_user("reviewer")
    with transaction() as s:
        assert users.sign_in(s, email=user.email, password="wrong") is None
    with transaction() as s:
        assert users.sign_in(s, email="nobody@example.org", password="wrong") is None
    with transaction() as s:
        assert users.sign_in(s, email=user.email.upper(), password=PASSWORD).id == user.id
    assert actions(session)[-3:] == ["auth.sign_in_failed", "auth.sign_in_failed", "auth.signed_in"]


def test_too_many_failures_are_rate_limited(make_user, app):
    LIMITS = SettingsProxy(app)  # this app's settings only

    LIMITS.LOGIN_MAX_FAILURES = 3
    try:
        user = make_user("reviewer")
        for _ in range(3):
            with transaction() as s:
                users.sign_in(s, email=user.email, password="wrong")
        with pytest.raises(RateLimited), transaction() as s:
            users.sign_in(s, email=user.email, password=PASSWORD)
    finally:
        LIMITS.LOGIN_MAX_FAILURES = 10


def test_deactivation_ends_sessions_and_tokens(make_user, session):
    admin, user = make_user("admin"), make_user("reviewer")
    with transaction() as s:
        _tok, plaintext = users.create_token(s, actor=user, name="cms", authenticated_at=utcnow())
    assert users.user_for_token(session, plaintext).id == user.id
    generation = user.session_generation
    with transaction() as s:
        users.update_user(s, actor=admin, user_id=user.id, active=False)
    session.expire_all()
    assert users.user_for_token(session, plaintext) is None
    assert session.get(User, user.id).session_generation == generation + 1
    assert "user.deactivated" in actions(session)


def test_tokens_are_stored_hashed_and_revocable(make_user, session):
    user = make_user("reviewer")
    with transaction() as s:
        token, plaintext = users.create_token(
            s, actor=user, name="script", authenticated_at=utcnow()
        )
        token_id = token.id
    raw = db.session.execute(text("SELECT token_hash FROM api_tokens")).scalars().all()
    assert plaintext not in raw and all(len(h) == 64 for h in raw)
    with transaction() as s:
        users.revoke_token(s, actor=user, token_id=token_id)
    assert users.user_for_token(session, plaintext) is None
    assert users.user_for_token(session, plaintext[:-1] + "x") is None


def test_only_admins_manage_accounts_and_one_admin_remains(make_user):
    admin, lead = make_user("admin"), make_user("lead")
    with pytest.raises(PermissionDenied), transaction() as s:
        users.update_user(s, actor=lead, user_id=lead.id, role="admin")
    with pytest.raises(Conflict, match="admin must remain"), transaction() as s:
        users.update_user(s, actor=admin, user_id=admin.id, role="reviewer")
