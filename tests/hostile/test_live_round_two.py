"""LIVE-17 (issue #17, HOSTILE.md §4): the nine properties of round two, one probe each,
through a live gunicorn -w 2 configured as a production desk (secure cookies, the audit
head file) on this test's database, SQLite or PostgreSQL: raw HTTP, as a browser or an
integrator would send it. The tables of paths x states are in test_integrity_*.py and
test_auth_round_two.py; this case shows the same rules hold in real worker processes.
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
from datetime import timedelta

import pyotp
from livegunicorn import VENV_BIN, server_env
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Claim, User, utcnow
from factcheck.services import articles, audit, second_factor, users

LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}
PASSWORD = "correct-horse-battery"  # conftest.make_user's
TEXT = "Prices rose 5% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"


def _http(port, method, path, body=None, headers=None):
    """(status, headers as a list of pairs, body text): every Set-Cookie kept."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        hdrs = dict(headers or {})
        if isinstance(body, dict | list):
            body = json.dumps(body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode()
            hdrs.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _cookies(headers) -> dict[str, str]:
    return {v.split("=", 1)[0]: v for k, v in headers if k.lower() == "set-cookie"}


def _jar(set_cookies: dict[str, str]) -> str:
    return "; ".join(v.split(";", 1)[0] for v in set_cookies.values())


def _sign_in(port, email, password=PASSWORD, remember=False):
    """The sign-in form as a browser sends it (its CSRF token, its cookie): the cookies set."""
    status, headers, page = _http(port, "GET", "/login")
    assert status == 200
    jar = _cookies(headers)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = f"csrf_token={token}&email={email}&password={password}"
    form += "&remember=y" if remember else ""
    status, headers, _ = _http(port, "POST", "/login", form, {"Cookie": _jar(jar)})
    return status, {**jar, **_cookies(headers)}


def test_live17_round_two_properties_through_gunicorn(app, make_user, review_all, live_server,
                                                      tmp_path, figure):  # fmt: skip
    head_file = tmp_path / "audit-head"
    a, b, c_user, lead, admin = (make_user("reviewer"), make_user("reviewer"),
                                 make_user("reviewer"), make_user("lead"), make_user("admin"))  # fmt: skip
    with transaction() as s:
        locked_id = articles.import_article(s, actor=a, text=TEXT, title="Locked").id
        open_id = articles.import_article(s, actor=a, text=TEXT, title="Open").id
    review_all(locked_id, db.session.get(User, a.id), db.session.get(User, lead.id))
    ids = dict(a=a.id, b=b.id, c=c_user.id, lead=lead.id, admin=admin.id)
    emails = {k: db.session.get(User, v).email for k, v in ids.items()}
    locked_claim = db.session.scalars(select(Claim.id).where(Claim.article_id == locked_id)).first()
    open_claim = db.session.scalars(select(Claim.id).where(Claim.article_id == open_id)).first()
    with transaction() as s:  # the lead signs in with a second factor
        secret = second_factor.start_setup(
            s, actor=s.get(User, ids["lead"]), authenticated_at=utcnow()
        )
    with transaction() as s:
        now = utcnow()
        second_factor.confirm_setup(s, actor=s.get(User, ids["lead"]), authenticated_at=now,
                                    code=pyotp.TOTP(secret).at(now - timedelta(seconds=30)))  # fmt: skip
    db.session.remove()
    server = live_server(workers=2, env={"FACTCHECK_SESSION_COOKIE_SECURE": "true",
                                         "FACTCHECK_AUDIT_HEAD_FILE": str(head_file)})  # fmt: skip
    port, got = server.port, {}

    def token(who, code=None):
        body = {"email": emails[who], "password": PASSWORD, "name": "live"}
        if code:
            body["code"] = code
        status, _h, text = _http(port, "POST", "/api/v1/tokens", body)
        return status, (json.loads(text).get("token") if status == 201 else text)

    def api(tok, method, path, body=None, headers=None):
        status, hdrs, text = _http(port, method, "/api/v1" + path, body,
                                   {"Authorization": f"Bearer {tok}", **(headers or {})})  # fmt: skip
        return status, dict(hdrs), text

    tok = {k: token(k)[1] for k in ("a", "b", "c", "admin")}
    # 1. approved means locked: an edit and a corrected version of the approved article
    _s, _h, claim = api(tok["a"], "GET", f"/claims/{locked_claim}")
    version = json.loads(claim)["version"]
    edit = api(tok["a"], "PATCH", f"/claims/{locked_claim}", {"speaker": "X", "version": version})
    art_version = json.loads(api(tok["a"], "GET", f"/articles/{locked_id}")[2])["version"]
    correction = api(tok["a"], "POST", f"/articles/{locked_id}/versions",
                     {"text": TEXT + "A new line.\n", "version": art_version})  # fmt: skip
    got[1] = [edit[0], correction[0]]
    assert edit[0] in (403, 409) and correction[0] in (403, 409), got[1]
    # 2. blind review: C reads the open claim the same before and after B reviews it
    before = api(tok["c"], "GET", f"/claims/{open_claim}")
    status, _h, _t = api(tok["b"], "PUT", f"/claims/{open_claim}/reviews/me",
                         {"verdict": "disputed", "note": "B's note", "links": [LINK]})  # fmt: skip
    assert status == 201
    after = api(tok["c"], "GET", f"/claims/{open_claim}")
    got[2] = (before[1]["ETag"], after[1]["ETag"], before[2] == after[2])
    assert before[2] == after[2] and before[1]["ETag"] == after[1]["ETag"], got[2]
    # 3. deeply nested JSON is a 400, not a 500
    nested = '{"speaker": ' + "[" * 2000 + "]" * 2000 + "}"
    deep = _http(port, "PATCH", f"/api/v1/claims/{open_claim}", nested,
                 {"Authorization": f"Bearer {tok['c']}", "Content-Type": "application/json"})  # fmt: skip
    got[3] = deep[0]
    assert deep[0] == 400, deep[2][:300]
    # 4. a second factor's code is accepted once
    code = pyotp.TOTP(secret).now()
    first, again = token("lead", code)[0], token("lead", code)[0]
    got[4] = [first, again]
    assert first == 201 and again == 401, got[4]
    # 5. a token ends with a password reset by an admin
    assert api(tok["b"], "GET", "/me")[0] == 200
    with transaction() as s:
        users.reset_password(s, actor=s.get(User, ids["admin"]), user_id=ids["b"],
                             password="another long password")  # fmt: skip
    db.session.remove()
    got[5] = api(tok["b"], "GET", "/me")[0]
    assert got[5] == 401
    # 6. every cookie Secure and __Host- when configured so (the remember cookie too)
    status, jar = _sign_in(port, emails["c"], remember=True)
    assert status == 302, status
    bad = [v for v in jar.values() if "Secure" not in v or not v.startswith("__Host-")]
    got[6] = (sorted(jar), len(bad))
    assert "__Host-remember_token" in jar and not bad, bad
    # 7. no enumeration: a wrong password for a known account and for an unknown one
    known = _http(port, "POST", "/api/v1/tokens", {"email": emails["a"], "password": "wrong"})
    unknown = _http(
        port, "POST", "/api/v1/tokens", {"email": "nobody@example.org", "password": "wrong"}
    )
    bodies = [re.sub(r'"request_id":"\w+"', "", r[2]) for r in (known, unknown)]
    got[7] = (known[0], unknown[0], bodies[0] == bodies[1])
    assert known[0] == unknown[0] == 401 and bodies[0] == bodies[1], got[7]
    # 8. an export that records itself is not sent on a stranger's behalf (the cookie, cross-site)
    cookie = {"Cookie": _jar(jar)}
    path = f"/articles/{locked_id}/export?format=md"
    cross = _http(port, "GET", path, headers={**cookie, "Sec-Fetch-Site": "cross-site"})
    same = _http(port, "GET", path, headers={**cookie, "Sec-Fetch-Site": "same-origin"})
    got[8] = (cross[0], same[0])
    assert cross[0] == 403 and same[0] == 200, got[8]
    # 9. the chain's head is published on every seal, and verify accepts it
    db.session.remove()
    head = audit.chain_head(db.session)
    db.session.remove()
    kept = head_file.read_text()
    verify = subprocess.run([str(VENV_BIN / "flask"), "--app", "factcheck", "audit", "verify",
                             "--head", head[1]], env=server_env(app.config["SQLALCHEMY_DATABASE_URI"],
                                                                tmp_path / "live-instance"),
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    got[9] = (head[1] in kept, verify.returncode)
    assert head[1] in kept and verify.returncode == 0, (kept[:200], verify.stdout + verify.stderr)
    figure("LIVE-17", cases="9 properties x 1 probe, gunicorn -w 2",
           ok="; ".join(f"{k}: {v}" for k, v in got.items())[:400], rows="-")  # fmt: skip
