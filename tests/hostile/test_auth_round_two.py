"""HOSTILE.md §4 items 4-7 (round two): second factors, tokens that end, cookies, sign-in
without enumeration or lock-out: AUTH-17 … AUTH-24, each a table of paths x states."""

from __future__ import annotations

import re
import statistics
import threading
import time
from datetime import timedelta

import pyotp
import pytest
from flask import current_app
from settings_helpers import override_settings
from sqlalchemy import select, text

from factcheck import create_app
from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import ApiToken, AuditEvent, SystemActor, User, utcnow
from factcheck.services import passwords, second_factor, users

PASSWORD = "correct-horse-battery"
CSRF = re.compile(
    r'name="csrf_token"[^>]*value="[^"]+"|value="[^"]+"[^>]*name="csrf_token"|name="csrf-token" content="[^"]+"'
)


@pytest.fixture
def clock(monkeypatch):
    """Two-step sign-in's clock, moved by hand (codes are single-use per 30 s step)."""

    class Clock:
        now = utcnow()

        def tick(self, seconds=30):
            self.now += timedelta(seconds=seconds)

        def code(self, secret, steps=0):
            return pyotp.TOTP(secret).at(self.now + timedelta(seconds=30 * steps))

    c = Clock()
    monkeypatch.setattr(second_factor, "utcnow", lambda: c.now)
    return c


def _enable(user_id, clock) -> tuple[str, list[str]]:
    with transaction() as s:
        secret = second_factor.start_setup(s, actor=s.get(User, user_id), authenticated_at=utcnow())
    with transaction() as s:
        codes = second_factor.confirm_setup(s, actor=s.get(User, user_id), code=clock.code(secret),
                                            authenticated_at=utcnow())  # fmt: skip
    clock.tick()
    return secret, codes


def _client(app, addr="127.0.0.1"):
    c = app.test_client()
    c.environ_base["REMOTE_ADDR"] = addr
    return c


def _login(c, email, password=PASSWORD, code=None):
    data = {"email": email, "password": password}
    if code is not None:
        data["code"] = code
    return c.post("/login", data=data)


def _actions(since_seq: int) -> list[str]:
    db.session.rollback()
    rows = db.session.scalars(select(AuditEvent.action).where(AuditEvent.seq > since_seq)).all()
    db.session.rollback()
    return list(rows)


def _last_seq() -> int:
    db.session.rollback()
    return db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) or 0


# --------------------------------------------------------------------------- AUTH-17
def test_auth17_totp_code_is_accepted_once_on_every_path(app, make_user, clock, figure):
    """Each path x (fresh code, same code again, previous window once, previous again)."""
    user = make_user("lead")
    secret, _codes = _enable(user.id, clock)
    override_settings(app, LOGIN_CODE_MAX_FAILURES=100)  # AUTH-18 tests that limit
    results = {}

    def web_login(code):
        return _login(_client(app), user.email, code=code).status_code

    def api_token(code):
        body = {"email": user.email, "password": PASSWORD, "name": "t", "code": code}
        return app.test_client().post("/api/v1/tokens", json=body).status_code

    signed_in = _client(app)
    assert _login(signed_in, user.email, code=clock.code(secret)).status_code == 302
    clock.tick()

    def reauth(code):
        resp = signed_in.post("/account/reauth", data={"password": PASSWORD, "code": code})
        return resp.status_code

    paths = {"web sign-in": (web_login, 302), "API token": (api_token, 201),
             "re-auth page": (reauth, 302)}  # fmt: skip
    for name, (call, ok) in paths.items():
        clock.tick(60)
        previous = clock.code(secret, steps=-1)  # last window's code, not used yet
        got = [call(previous), call(previous)]
        fresh = clock.code(secret)
        got += [call(fresh), call(fresh)]  # the same code twice
        results[name] = got
        assert got[0] == ok and got[2] == ok, (name, got)
        assert got[1] != ok and got[3] != ok, (name, got)
    # at once: two workers given the same code, barrier-started; exactly one passes
    clock.tick(60)
    code, barrier, outcomes = clock.code(secret), threading.Barrier(2), []

    def race():
        with app.app_context():
            barrier.wait()
            try:
                with transaction() as s:
                    outcomes.append(
                        users.sign_in(s, email=user.email, password=PASSWORD, code=code) is not None
                    )
            except Exception as exc:  # a clean refusal (busy, conflict) counts as refused
                outcomes.append(type(exc).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=race) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    replays = sum(1 for got in results.values() for x in (got[1], got[3]) if x in (302, 201))
    figure("AUTH-17", cases=f"{len(paths)} paths x 4 states + 1 race", ok=f"replays accepted {replays}/{2 * len(paths)}; previous window once {len(paths)}/{len(paths)}; race {outcomes.count(True)} of 2 accepted",
           notes=str(results))  # fmt: skip
    assert outcomes.count(True) == 1, outcomes


# --------------------------------------------------------------------------- AUTH-18
def test_auth18_code_and_password_attempts_limited_and_audited(app, make_user, clock, figure):
    user = make_user("admin")
    secret, _ = _enable(user.id, clock)
    start = _last_seq()
    statuses = []
    for i in range(7):  # wrong codes with the right password, from rotating clients
        statuses.append(_login(_client(app, f"10.18.0.{i}"), user.email, code="000000").status_code)
    # a right code is refused too while codes are locked for the account (the password is known)
    locked = _login(_client(app, "10.18.1.1"), user.email, code=clock.code(secret)).status_code
    failures = _actions(start).count("auth.sign_in_failed")
    db.session.rollback()
    kinds = db.session.execute(
        text("SELECT kind, count(*) FROM sign_in_failures GROUP BY kind")
    ).all()
    db.session.rollback()
    # a signed-in session's re-auth page is limited the same way
    c = _client(app, "10.18.2.2")
    override_settings(app, LOGIN_CODE_MAX_FAILURES=100)
    assert _login(c, user.email, code=clock.code(secret)).status_code == 302
    override_settings(app, LOGIN_CODE_MAX_FAILURES=5)
    reauth = [
        c.post("/account/reauth", data={"password": "wrong-password-x"}).status_code
        for _ in range(11)
    ]
    figure("AUTH-18", cases="7 wrong codes (7 clients) + right code + 11 wrong re-auth passwords",
           ok=f"codes {statuses} then right code {locked}; re-auth {reauth[-3:]} (first 429 at {reauth.index(429) + 1 if 429 in reauth else None})",
           rows=f"audited failures {failures}; counted {dict(kinds)}")  # fmt: skip
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]
    assert locked == 429 and failures == 5
    assert reauth[:10] == [422] * 10 and reauth[10] == 429


# --------------------------------------------------------------------------- AUTH-19
def _stale(c):
    with c.session_transaction() as sess:
        sess["auth_at"] = time.time() - 3600


def test_auth19_sensitive_changes_need_recent_authentication(
    app, make_user, clock, figure, snapshot
):
    """paths x (stale session, after the re-auth page): stale → re-auth page, nothing saved."""
    user, admin, target = make_user("reviewer"), make_user("admin"), make_user("lead")
    _enable(target.id, clock)
    rows = {}
    cases = {
        "create token": (user, "/account/tokens", {"name": "x"}, "/account"),
        "start two-step": (user, "/account/two-step/start", {}, "/account"),
        "admin reset two-step": (admin, f"/admin/users/{target.id}/two-step/reset", {"reason": "lost phone"},
                                 f"/admin/users/{target.id}"),
    }  # fmt: skip
    for name, (who, path, data, page) in cases.items():
        c = _client(app)
        assert _login(c, who.email).status_code == 302
        _stale(c)
        before = snapshot()
        resp = c.post(path, data=data, headers={"Referer": f"http://localhost{page}"})
        stale = (resp.status_code, resp.headers.get("Location", ""))
        unchanged = snapshot() == before
        back = c.post("/account/reauth", data={"password": PASSWORD, "next": page})
        again = c.post(path, data=data)
        rows[name] = {"stale": stale[0], "to re-auth": "/account/reauth?next=" in stale[1],
                      "unchanged": unchanged, "back to": back.headers.get("Location"), "then": again.status_code}  # fmt: skip
        assert stale[0] == 302 and "/account/reauth" in stale[1] and unchanged, (name, rows[name])
        assert back.status_code == 302 and back.headers["Location"] == page, (name, rows[name])
        assert again.status_code in (201, 302) and "/account/reauth" not in again.headers.get(
            "Location", ""
        )
    # forms that carry the password themselves: password change (and code when enrolled)
    c = _client(app)
    assert _login(c, user.email).status_code == 302
    _stale(c)
    wrong = c.post("/account/password", data={"current": "not-the-password", "password": "new-password-123",
                                              "confirm": "new-password-123"}).status_code  # fmt: skip
    right = c.post("/account/password", data={"current": PASSWORD, "password": "new-password-123",
                                              "confirm": "new-password-123"})  # fmt: skip
    rows["change password (own form)"] = {"wrong current": wrong, "right": right.status_code}
    # the service refuses stale or missing times on any path (API handlers and views alike)
    from factcheck.errors import ReauthRequired

    refused = 0
    for call in (lambda s: users.create_token(s, actor=s.get(User, admin.id), name="x",
                                              authenticated_at=utcnow() - timedelta(minutes=6)),
                 lambda s: second_factor.start_setup(s, actor=s.get(User, admin.id)),
                 lambda s: users.reset_password(s, actor=s.get(User, admin.id), user_id=admin.id,
                                                password="another-password-9")):  # fmt: skip
        with pytest.raises(ReauthRequired), transaction() as s:
            call(s)
        refused += 1
    with transaction() as s:  # the operator's command line is not asked
        users.create_token(s, actor=SystemActor("ops"), user_id=admin.id, name="cli")
    figure("AUTH-19", cases=f"{len(cases)} re-auth paths + password form + 3 service calls",
           ok=f"stale -> re-auth page and back {len(cases)}/{len(cases)}; password form {wrong}/{right.status_code}; service refusals {refused}/3; CLI not asked",
           notes=str(rows))  # fmt: skip
    assert wrong == 422 and right.status_code == 302


# --------------------------------------------------------------------------- AUTH-20 / 21
def test_auth20_admin_reset_and_auth21_recovery_codes(app, make_user, clock, figure, snapshot):
    lead, admin, other = make_user("lead"), make_user("admin"), make_user("reviewer")
    secret, codes = _enable(lead.id, clock)
    db.session.rollback()
    stored = db.session.get(User, lead.id).recovery_codes
    secret_chars = {len(c.replace("-", "")) - 4 for c in codes}  # minus the 4-character id
    bits = min(secret_chars) * 5  # base32: 5 bits a character
    slow = all(e["hash"].startswith("$argon2id$") for e in stored)
    plaintext_in_db = sum(1 for c in codes if c in str(stored) or c.split("-", 1)[1] in str(stored))
    # one recovery code signs in once
    first = _login(_client(app), lead.email, code=codes[0]).status_code
    again = _login(_client(app), lead.email, code=codes[0]).status_code
    # reset: a reviewer 403, no reason 422, the admin with a reason 302, audited
    res = {}
    rev_c, adm_c = _client(app), _client(app)
    _login(rev_c, other.email)
    _login(adm_c, admin.email)
    before = snapshot()
    res["reviewer"] = rev_c.post(
        f"/admin/users/{lead.id}/two-step/reset", data={"reason": "x"}
    ).status_code
    res["no reason"] = adm_c.post(
        f"/admin/users/{lead.id}/two-step/reset", data={"reason": ""}
    ).status_code
    unchanged = snapshot() == before
    reset = adm_c.post(f"/admin/users/{lead.id}/two-step/reset", data={"reason": "lost phone"})
    res["admin"] = reset.status_code
    assert reset.status_code == 302, reset.get_data(as_text=True)[:3000]
    db.session.rollback()
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.totp_reset")
    ).one()
    res["signs in with password alone"] = _login(_client(app), lead.email).status_code
    res["CLI again"] = (
        app.test_cli_runner()
        .invoke(args=["users", "reset-2fa", lead.email, "--reason", "x"])
        .exit_code
    )
    figure("AUTH-20", cases=len(res), ok=str(res), rows=f"unchanged before the reset {unchanged}",
           notes=f"event by {event.actor_label}: {event.after}")  # fmt: skip
    figure("AUTH-21", cases=len(codes), ok=f"{bits} bits each (>= 80); Argon2id {slow}; one use: {first} then {again}",
           rows=f"plaintext in DB {plaintext_in_db}")  # fmt: skip
    assert bits >= 80 and slow and plaintext_in_db == 0 and first == 302 and again == 401
    assert res["reviewer"] == 403 and res["no reason"] == 422 and unchanged
    assert res["admin"] == 302 and event.after == {"reason": "lost phone"}
    assert res["signs in with password alone"] == 302 and res["CLI again"] == 1


# --------------------------------------------------------------------------- AUTH-22
def test_auth22_tokens_end(app, make_user, token_for, figure, snapshot, monkeypatch):
    """events x paths: each ends the account's tokens; expiry, read-only, last_used_at."""
    admin = make_user("admin")
    admin_api = {"Authorization": f"Bearer {token_for(admin)}"}
    results = {}

    def me(tok):
        return (
            app.test_client()
            .get("/api/v1/me", headers={"Authorization": f"Bearer {tok}"})
            .status_code
        )

    def own_password(u):
        c = _client(app)
        _login(c, u.email)
        c.post("/account/password", data={"current": PASSWORD, "password": "new-password-123",
                                          "confirm": "new-password-123"})  # fmt: skip

    def admin_reset(u):
        c = _client(app)
        _login(c, admin.email)
        c.post(f"/admin/users/{u.id}/password", data={"password": "new-password-123"})

    def everywhere(u):
        c = _client(app)
        _login(c, u.email)
        c.post("/logout", data={"everywhere": "y"})

    def deactivate(u):
        app.test_client().patch(f"/api/v1/users/{u.id}", json={"active": False}, headers=admin_api)

    def role_change(u):
        app.test_client().patch(f"/api/v1/users/{u.id}", json={"role": "lead"}, headers=admin_api)

    for name, event in {"own password (web)": own_password, "admin reset (web)": admin_reset,
                        "sign out everywhere (web)": everywhere, "deactivation (API)": deactivate,
                        "role change (API)": role_change}.items():  # fmt: skip
        u = make_user("reviewer")
        toks = [token_for(u, "a"), token_for(u, "b")]
        before = [me(t) for t in toks]
        event(u)
        results[name] = [*before, *(me(t) for t in toks)]
        assert results[name] == [200, 200, 401, 401], (name, results[name])
    # expiry: a 1-day token works today, not in two days
    u = make_user("reviewer")
    body = {"email": u.email, "password": PASSWORD, "name": "short", "expires_days": 1}
    short = app.test_client().post("/api/v1/tokens", json=body).get_json()
    today = me(short["token"])
    later = utcnow() + timedelta(days=2)
    monkeypatch.setattr(users, "utcnow", lambda: later)
    expired = me(short["token"])
    monkeypatch.undo()
    # read-only: reads work, every write is 403 and changes nothing
    ro_body = {"email": u.email, "password": PASSWORD, "name": "ro", "read_only": True}
    ro = app.test_client().post("/api/v1/tokens", json=ro_body).get_json()
    auth = {"Authorization": f"Bearer {ro['token']}"}
    before = snapshot()
    writes = [app.test_client().open(path, method=m, json=j, headers=auth).status_code for m, path, j in (
        ("POST", "/api/v1/articles", {"text": "A claim."}), ("PATCH", f"/api/v1/users/{u.id}", {"display_name": "x"}),
        ("PUT", "/api/v1/claims/1/reviews/me", {"verdict": "confirmed", "links": []}),
        ("POST", "/api/v1/tokens", {"email": u.email, "password": PASSWORD}))]  # fmt: skip
    read = app.test_client().get("/api/v1/me", headers=auth).status_code
    unchanged = snapshot() == before
    # last_used_at: written on first use, not again within TOKEN_TOUCH_SECONDS
    db.session.rollback()
    token = db.session.get(ApiToken, ro["id"])
    first_used = token.last_used_at
    app.test_client().get("/api/v1/me", headers=auth)
    db.session.expire_all()
    second_used = db.session.get(ApiToken, ro["id"]).last_used_at
    page = _client(app)
    _login(page, u.email)
    html = page.get("/account").get_data(as_text=True)
    listed = all(word in html for word in ("Expires", "Last used", "read-only", "90 days"))
    figure("AUTH-22", cases=f"{len(results)} events x 2 tokens + expiry + 4 writes + touch",
           ok=f"ended {sum(r[2:] == [401, 401] for r in results.values())}/{len(results)} events; expiry {today} -> {expired}; read-only writes {writes}, read {read}",
           rows=f"changed by read-only {not unchanged}",
           notes=f"last_used_at kept {first_used is not None}, rewritten within 60 s {second_used != first_used}; account page lists dates {listed}; {results}")  # fmt: skip
    assert today == 200 and expired == 401 and short["expires_at"]
    assert writes == [403] * 4 and read == 200 and unchanged
    assert first_used is not None and second_used == first_used and listed


# --------------------------------------------------------------------------- AUTH-23
@pytest.fixture
def secure_app(app, tmp_path):
    """A second app on the same database, configured with FACTCHECK_SESSION_COOKIE_SECURE."""
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "SECRET_KEY": "test-secret-2", "WTF_CSRF_ENABLED": False, "ARGON2_TIME_COST": 1,
                        "ARGON2_MEMORY_COST": 64, "INSTANCE_PATH": str(tmp_path / "secure"),
                        "SERVER_NAME": "localhost", "SESSION_COOKIE_SECURE": True})  # fmt: skip
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_auth23_every_cookie_secure_and_host_prefixed(secure_app, make_user, figure):
    u = make_user("reviewer")
    c = secure_app.test_client()
    cookies = []

    def collect(resp):
        cookies.extend(resp.headers.getlist("Set-Cookie"))
        return resp

    collect(c.get("/login", base_url="https://localhost"))
    collect(c.post("/login", data={"email": u.email, "password": PASSWORD, "remember": "y"},
                   base_url="https://localhost"))  # fmt: skip
    remember = c.get_cookie("__Host-remember_token", domain="localhost")
    collect(c.get("/account", base_url="https://localhost"))
    names = sorted({k.split("=", 1)[0] for k in cookies})
    bad = [k for k in cookies if "Secure" not in k or not k.startswith("__Host-") or "Domain=" in k
           or "Path=/" not in k]  # fmt: skip
    # the remember cookie dies with "sign out everywhere" (a copy kept by a thief)
    collect(c.post("/logout", data={"everywhere": "y"}, base_url="https://localhost"))
    replay = secure_app.test_client()
    replay.set_cookie("__Host-remember_token", remember.value, domain="localhost")
    after_everywhere = replay.get("/articles", base_url="https://localhost").status_code
    # ... and with a password change
    c2 = secure_app.test_client()
    c2.post(
        "/login",
        data={"email": u.email, "password": PASSWORD, "remember": "y"},
        base_url="https://localhost",
    )
    kept = c2.get_cookie("__Host-remember_token", domain="localhost").value
    c2.post("/account/password", data={"current": PASSWORD, "password": "new-password-123",
                                       "confirm": "new-password-123"}, base_url="https://localhost")  # fmt: skip
    replay2 = secure_app.test_client()
    replay2.set_cookie("__Host-remember_token", kept, domain="localhost")
    after_password = replay2.get("/articles", base_url="https://localhost").status_code
    figure("AUTH-23", cases=f"{len(cookies)} Set-Cookie headers ({', '.join(names)})",
           ok=f"{len(cookies) - len(bad)}/{len(cookies)} Secure + __Host- (Path=/, no Domain); remember replay after sign-out everywhere {after_everywhere}, after password change {after_password}")  # fmt: skip
    assert cookies and not bad, bad
    assert "__Host-remember_token" in names and "__Host-session" in names
    assert after_everywhere == 302 and after_password == 302


# --------------------------------------------------------------------------- AUTH-24
def _normalised(resp, email) -> str:
    """The page minus its CSRF token and the address the visitor typed (shown back)."""
    return CSRF.sub("csrf", resp.get_data(as_text=True)).replace(email, "EMAIL")


def test_auth24_no_enumeration_no_lockout_by_strangers(app, make_user, clock, monkeypatch, figure):
    override_settings(current_app, ARGON2_TIME_COST=3, ARGON2_MEMORY_COST=65536)  # real cost
    try:
        admin = make_user("admin", email="boss@example.org")
    finally:
        override_settings(current_app, ARGON2_TIME_COST=1, ARGON2_MEMORY_COST=64)
    override_settings(app, ARGON2_TIME_COST=3, ARGON2_MEMORY_COST=65536)
    # 1. known and unknown addresses: same status, body and lock-out, similar time
    known, unknown, t_known, t_unknown = [], [], [], []
    for i in range(11):
        for email, out, times, addr in (("boss@example.org", known, t_known, "10.24.0.1"),
                                        ("nobody@example.org", unknown, t_unknown, "10.24.0.2")):  # fmt: skip
            t0 = time.monotonic()
            resp = _login(_client(app, addr), email, f"wrong-{i}")
            times.append(time.monotonic() - t0)
            out.append((resp.status_code, _normalised(resp, email)))
    same = sum(1 for a, b in zip(known, unknown, strict=True) if a == b)
    dmed = abs(statistics.median(t_known[:10]) - statistics.median(t_unknown[:10])) * 1000
    statuses = [s for s, _ in known]
    # 2. the stranger's client is locked out; the admin from another client is not
    stranger_right = _login(_client(app, "10.24.0.1"), admin.email).status_code
    admin_elsewhere = _login(_client(app, "10.24.9.9"), admin.email).status_code
    # 3. spraying from one client stops before Argon2 runs
    override_settings(app, ARGON2_TIME_COST=1, ARGON2_MEMORY_COST=64, LOGIN_CLIENT_MAX_FAILURES=30)
    calls = []
    real = passwords.verify_password
    monkeypatch.setattr("factcheck.services.sign_in.verify_password",
                        lambda *a, **k: calls.append(1) or real(*a, **k))  # fmt: skip
    spray = [
        _login(_client(app, "10.24.5.5"), f"user{i}@example.org", "Winter2026!").status_code
        for i in range(40)
    ]
    hashed_after_limit = len(calls) - spray.index(429) if 429 in spray else None
    spray_admin = _login(_client(app, "10.24.5.5"), admin.email).status_code
    # 4. with two-step sign-in on, wrong passwords from strangers don't stop password + code
    secret, _ = _enable(admin.id, clock)
    for i in range(12):
        _login(_client(app, f"10.24.7.{i}"), admin.email, f"wrong-{i}")
    with_code = _login(_client(app, "10.24.8.8"), admin.email, code=clock.code(secret)).status_code
    figure("AUTH-24", cases="11 wrong x (known, unknown) + lock-out + 40-address spray + 12 strangers on a 2FA admin",
           ok=f"identical answers {same}/11 (statuses {statuses}); stranger's client after lock: {stranger_right}, admin from another client: {admin_elsewhere}; spray first 429 at {spray.index(429) + 1 if 429 in spray else None}, Argon2 runs after it {hashed_after_limit}; admin from spraying client {spray_admin}; admin with code after 12 strangers {with_code}",
           notes=f"Δmedian known/unknown {dmed:.1f} ms (Argon2 t=3, 64 MiB)")  # fmt: skip
    assert same == 11 and statuses[:10] == [401] * 10 and statuses[10] == 429
    assert stranger_right == 429 and admin_elsewhere == 302
    assert spray.index(429) == 30 and hashed_after_limit == 0 and spray_admin == 429
    assert with_code == 302
    assert dmed < 100, f"sign-in time tells known from unknown accounts apart: {dmed:.1f} ms"
