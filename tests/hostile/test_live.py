"""Live gunicorn -w 4 cases: IMP-02 (sizes, chunked), FLT-04 (two leads), FLT-05 (concurrent
reviewers), FLT-01 (kill -9 of a worker during writes), FLT-10 (backup under writers),
AUTH-04 (brute force across workers)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import signal
import socket
import sqlite3
import statistics
import threading
import time
from urllib.parse import urlencode

import pytest
from flask import current_app
from settings_helpers import override_settings
from sqlalchemy import text

from factcheck.extensions import db

LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _raw_post(port: int, path: str, headers: dict, body_iter, timeout=30.0) -> int:
    """POST with raw sockets so a chunked body can be sent lazily; returns the status (0 = reset)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()
        )
        sock.sendall(head.encode() + b"\r\n")
        try:
            for chunk in body_iter:
                sock.sendall(chunk)
        except OSError:
            pass  # the server stopped reading: what we want
        data = b""
        try:
            while b"\r\n" not in data:
                part = sock.recv(4096)
                if not part:
                    break
                data += part
        except OSError:
            return 0
        line = data.split(b"\r\n", 1)[0].split()
        return int(line[1]) if len(line) > 1 else 0
    finally:
        sock.close()


def _chunked(total):
    piece = b"Prices rose 5% in 2021. " * 4096
    sent = 0
    yield b"%x\r\n" % len(b'{"text": "') + b'{"text": "\r\n'
    while sent < total:
        yield b"%x\r\n" % len(piece) + piece + b"\r\n"
        sent += len(piece)
    yield b'2\r\n"}\r\n0\r\n\r\n'


IMP02 = [
    "json_text", "multipart_file",
    "chunked_json",
    "chunked_form",
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("kind", IMP02)
def test_imp02_twenty_megabytes_are_refused_413(
    make_user, token_for, live_server, snapshot, figure, h, kind
):
    user = make_user("reviewer")
    token = token_for(user)
    before = snapshot()
    server = live_server(workers=2)
    workers = server.worker_pids()
    rss0 = {p: _rss_kb(p) for p in workers}
    size = 20 * 1024 * 1024
    auth = {"Authorization": f"Bearer {token}"}
    text_body = b"Prices rose 5% in 2021. " * (size // 24)
    boundary = "hostileboundary"
    pre = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n'.encode()
    post = f"\r\n--{boundary}--\r\n".encode()
    if kind == "json_text":
        status = _raw_post(server.port, "/api/v1/articles", {**auth, "Content-Type": "application/json",
                           "Content-Length": str(len(text_body) + 12)}, iter([b'{"text": "', text_body, b'"}']))  # fmt: skip
    elif kind == "multipart_file":
        status = _raw_post(server.port, "/api/v1/articles", {**auth, "Content-Type": f"multipart/form-data; boundary={boundary}",
                           "Content-Length": str(len(pre) + len(text_body) + len(post))}, iter([pre, text_body, post]))  # fmt: skip
    elif kind == "chunked_json":
        status = _raw_post(server.port, "/api/v1/articles", {**auth, "Content-Type": "application/json",
                           "Transfer-Encoding": "chunked"}, _chunked(size))  # fmt: skip
    else:
        status = _raw_post(server.port, "/articles/new", {"Content-Type": "application/x-www-form-urlencoded",
                           "Transfer-Encoding": "chunked"}, _chunked(size))  # fmt: skip
    rss_delta = max((_rss_kb(p) - rss0[p]) for p in workers) / 1024
    after = snapshot()
    expected = (413, 0) if kind != "chunked_form" else (413, 400, 302, 0)
    figure(f"IMP-02:{kind}", cases=1, ok=f"{status} ({'refused' if status in expected else 'NOT as expected'})",
           rows=h.diff(before, after), notes=f"max worker RSS delta {rss_delta:.1f} MB (body limit 6 MB)")  # fmt: skip
    assert after == before
    assert rss_delta < 2 * 6 + 30
    assert status in expected


@pytest.mark.slow
def test_flt04_two_leads_approve_at_once_against_gunicorn(
    make_user, make_article, token_for, live_server, verify, figure
):
    rev = make_user("reviewer")
    leads = [make_user("lead"), make_user("lead")]
    tokens = [token_for(lead) for lead in leads]
    rev_token = token_for(rev)
    runs = int(os.environ.get("HOSTILE_FLT04_RUNS", "20"))  # HOSTILE plan: 100
    articles = [
        make_article(
            text=" ".join(f"Item {i} rose {i + 2}% in 2021." for i in range(runs)) + "\n", actor=rev
        )
    ]
    claim_ids = [c.id for c in articles[0].claims][:runs]
    db.session.remove()
    server = live_server()
    for cid in claim_ids:
        s, _h, _b = server.request(
            "PUT",
            f"/api/v1/claims/{cid}/reviews/me",
            {"verdict": "confirmed", "links": [LINK]},
            token=rev_token,
        )
        assert s == 201
    outcomes, duplicates = [], 0
    for cid in claim_ids:
        _s, _h, body = server.request("GET", f"/api/v1/claims/{cid}", token=tokens[0])
        version = json.loads(body)["version"]
        barrier = threading.Barrier(2)
        res = [None, None]

        def go(i, cid=cid, version=version, barrier=barrier, res=res):
            barrier.wait()
            res[i] = server.request("POST", f"/api/v1/claims/{cid}/approve",
                                    {"verdict": ["confirmed", "disputed"][i], "note": f"lead {i}", "version": version},
                                    token=tokens[i])  # fmt: skip

        threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        statuses = sorted(r[0] for r in res)
        outcomes.append(statuses)
        if statuses == [409, 409] or statuses == [200, 200]:
            duplicates += 1
        loser = next((r for r in res if r[0] == 409), None)
        if loser is not None:
            assert "current_version" in json.loads(loser[2])
    db.session.remove()
    with db.engine.connect() as conn:
        approvals = conn.execute(
            text("SELECT count(*) FROM audit_events WHERE action = 'claim.approved'")
        ).scalar()
    good = sum(1 for o in outcomes if o == [200, 409])
    result = verify()
    figure("FLT-04", cases=runs, ok=f"{good}/{runs} runs 1x200 + 1x409", rows=f"approval events {approvals}",
           verify="OK" if result.ok else "FAIL", notes=f"duplicate approvals {duplicates}; gunicorn -w 4, threads+barrier")  # fmt: skip
    assert good == runs and approvals == runs and result.ok


@pytest.mark.slow
def test_flt05_twenty_reviewers_for_ten_seconds(
    make_user, make_article, token_for, live_server, verify, figure
):
    users_ = [make_user("reviewer") for _ in range(20)]
    tokens = [token_for(u) for u in users_]
    article = make_article(
        text=" ".join(f"Item {i} rose {i + 2}% in 2021." for i in range(40)) + "\n", actor=users_[0]
    )
    claim_ids = [c.id for c in article.claims]
    db.session.remove()
    server = live_server()
    stop = time.monotonic() + 10
    lock = threading.Lock()
    stats = {"saves": 0, "errors": [], "lat": []}

    def reviewer(i):
        versions: dict[int, int] = {}
        rnd = random.Random(i)
        n = 0
        while time.monotonic() < stop:
            cid = (
                claim_ids[0] if n % 3 == 0 else rnd.choice(claim_ids)
            )  # same claim, and spread out
            n += 1
            t0 = time.monotonic()
            payload = {
                "verdict": rnd.choice(["confirmed", "disputed", "unconfirmed"]),
                "note": f"r{i}-{n}",
                "links": [LINK],
            }
            if cid in versions:
                payload["version"] = versions[cid]
            try:
                s, hd, b = server.request(
                    "PUT", f"/api/v1/claims/{cid}/reviews/me", payload, token=tokens[i]
                )
                if s in (200, 201):
                    versions[cid] = int(hd["ETag"].strip('"'))
            except (OSError, http.client.HTTPException) as exc:
                s, b = 0, str(exc).encode()
            dt = time.monotonic() - t0
            with lock:
                stats["lat"].append(dt)
                if s in (200, 201):
                    stats["saves"] += 1
                else:
                    stats["errors"].append((s, b[:120]))

    threads = [threading.Thread(target=reviewer, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    db.session.remove()
    with db.engine.connect() as conn:
        seqs = [r[0] for r in conn.execute(text("SELECT seq FROM audit_events ORDER BY seq"))]
        forks = conn.execute(
            text("SELECT count(*) - count(DISTINCT prev_hash) FROM audit_events")
        ).scalar()
        review_events = conn.execute(
            text("SELECT count(*) FROM audit_events WHERE action LIKE 'review.%'")
        ).scalar()
    result = verify()
    lat = sorted(stats["lat"])
    p50 = statistics.median(lat) * 1000
    p95 = lat[int(len(lat) * 0.95)] * 1000
    locked = sum(1 for e in stats["errors"] if b"locked" in e[1] or b"busy" in e[1])
    figure("FLT-05", cases=f"20 users x 10 s: {stats['saves']} saves", ok=f"{len(stats['errors'])} errors, {locked} locked",
           rows=f"review events {review_events}", verify="OK" if result.ok else "FAIL",
           notes=f"p50 {p50:.0f} ms, p95 {p95:.0f} ms; forks {forks}; seq gapless {seqs == list(range(1, len(seqs) + 1))}")  # fmt: skip
    assert not stats["errors"], stats["errors"][:5]
    assert forks == 0 and seqs == list(range(1, len(seqs) + 1)) and result.ok
    assert review_events == stats["saves"]


def _login_attempt(server, email: str, password: str, xff: str | None = None):
    """GET /login for a session + CSRF token, then POST the form; returns (status, headers)."""
    s, hd, body = server.request("GET", "/login")
    cookie = hd.get("Set-Cookie", "").split(";")[0]
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body) or re.search(
        rb'name="csrf_token" value="([^"]+)"', body
    )
    form = urlencode(
        {"email": email, "password": password, "csrf_token": token.group(1).decode()}
    ).encode()
    hdrs = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    if xff:
        hdrs["X-Forwarded-For"] = xff
    s, hd, _b = server.request("POST", "/login", form, hdrs)
    return s, hd


def _consistency(conn) -> list[str]:
    """Orphans and changes without events (a crash oracle)."""
    problems = []
    orphan = conn.execute(
        text(
            "SELECT count(*) FROM claims c LEFT JOIN articles a ON a.id = c.article_id WHERE a.id IS NULL"
        )
    ).scalar()
    if orphan:
        problems.append(f"{orphan} orphan claims")
    bare = conn.execute(
        text(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.article_id = a.id)"
        )
    ).scalar()
    if bare:
        problems.append(f"{bare} articles without claims")
    no_event = conn.execute(text(
        "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM audit_events e "
        "WHERE e.action = 'article.imported' AND e.target_id = a.id)")).scalar()  # fmt: skip
    if no_event:
        problems.append(f"{no_event} articles without an import event")
    orphan_ev = conn.execute(text(
        "SELECT count(*) FROM audit_events e WHERE e.action = 'article.imported' "
        "AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = e.target_id)")).scalar()  # fmt: skip
    if orphan_ev:
        problems.append(f"{orphan_ev} import events without an article")
    rev_no_ev = conn.execute(text(
        "SELECT count(*) FROM reviews r WHERE NOT EXISTS (SELECT 1 FROM audit_events e "
        "WHERE e.target_type = 'review' AND e.target_id = r.id)")).scalar()  # fmt: skip
    if rev_no_ev:
        problems.append(f"{rev_no_ev} reviews without events")
    return problems


FLT01_PER_OP = int(os.environ.get("HOSTILE_FLT01_PER_OP", "3"))  # HOSTILE plan: 50 (200 kills)
FLT01_OPS = ("import 10k words", "review save", "approval", "split")


def _flt01_consistency(conn, split_article: int, split_base: int) -> list[str]:
    """_consistency, plus: approvals and splits each exactly with their events."""
    problems = _consistency(conn)
    approved = conn.execute(text("SELECT count(*) FROM claims WHERE status = 'approved'")).scalar()
    approved_ev = conn.execute(
        text("SELECT count(*) FROM audit_events WHERE action = 'claim.approved'")
    ).scalar()
    if approved != approved_ev:
        problems.append(f"{approved} approved claims but {approved_ev} approval events")
    claims_now = conn.execute(
        text("SELECT count(*) FROM claims WHERE article_id = :a"), {"a": split_article}
    ).scalar()
    splits = conn.execute(
        text("SELECT count(*) FROM audit_events WHERE action = 'claim.split' AND article_id = :a"),
        {"a": split_article},
    ).scalar()
    if claims_now - split_base != splits:
        problems.append(f"{claims_now - split_base} claims added by splits but {splits} events")
    return problems


@pytest.mark.slow
def test_flt01_kill_dash_nine_during_writes(
    make_user, make_article, token_for, live_server, verify, figure
):
    """kill -9 of every worker at a random moment of four kinds of write; after each, the
    change is whole with its event or absent without one, and a retry succeeds.

    HOSTILE_FLT01_PER_OP=50 runs the plan's 200 kills (about 10 minutes); the suite runs 3.
    """
    rev, lead = make_user("reviewer"), make_user("lead")
    token, lead_token = token_for(rev), token_for(lead)
    rev_id = rev.id
    n = FLT01_PER_OP
    items = " ".join(f"Item {i} rose {i + 2}% in 2021." for i in range(n + 2)) + "\n"
    reviewed, to_approve, to_split = (make_article(text=items, actor=rev) for _ in range(3))
    review_ids = [c.id for c in reviewed.claims]
    approve_ids = [c.id for c in to_approve.claims][:n]
    split_ids = [c.id for c in to_split.claims][:n]
    split_article, split_base = to_split.id, len(to_split.claims)
    big = (
        " ".join(f"Sentence {i} says prices rose {i % 50}% in 2020." for i in range(1500)) + "\n"
    )  # ~10k words
    db.session.remove()
    server = live_server(extra_args=("--graceful-timeout", "1"))
    for cid in approve_ids:  # approvals need someone else's review first
        s, _h, _b = server.request("PUT", f"/api/v1/claims/{cid}/reviews/me",
                                   {"verdict": "confirmed", "links": [LINK]}, token=token)  # fmt: skip
        assert s == 201

    def version_of(cid):
        _s, _h, body = server.request("GET", f"/api/v1/claims/{cid}", token=lead_token)
        return json.loads(body)

    def attempt(op: int, k: int):
        if op == 0:
            return server.request(
                "POST", "/api/v1/articles", {"text": big}, token=token, timeout=20
            )
        if op == 1:
            return server.request("PUT", f"/api/v1/claims/{review_ids[k % len(review_ids)]}/reviews/me",
                                  {"verdict": "confirmed", "note": f"n{k}", "links": [LINK]}, token=token, timeout=20)  # fmt: skip
        if op == 2:
            claim = version_of(approve_ids[k])
            if claim["status"] == "approved":
                return 200, {}, b"approved before the kill"
            return server.request("POST", f"/api/v1/claims/{approve_ids[k]}/approve",
                                  {"verdict": "confirmed", "note": "ok", "version": claim["version"]},
                                  token=lead_token, timeout=20)  # fmt: skip
        claim = version_of(split_ids[k])
        if " rose " not in claim["text"]:  # "Item k" | "rose …": split before the kill
            return 200, {}, b"split before the kill"
        at = claim["start"] + claim["text"].index(" rose ")  # a space inside the sentence
        return server.request("POST", f"/api/v1/claims/{split_ids[k]}/split",
                              {"at": at, "version": claim["version"]}, token=token, timeout=20)  # fmt: skip

    kills, inconsistent, retried, runs = 0, [], 0, 0
    rnd = random.Random(7)
    for k in range(n):
        for op in range(len(FLT01_OPS)):
            runs += 1
            res = {}

            def write(res=res, op=op, k=k):
                try:
                    res["r"] = attempt(op, k)
                except (OSError, http.client.HTTPException) as exc:
                    res["r"] = (0, {}, str(exc).encode())

            t = threading.Thread(target=write)
            t.start()
            time.sleep(rnd.uniform(0, 0.3))
            for pid in server.worker_pids():
                try:
                    os.kill(pid, signal.SIGKILL)
                    kills += 1
                except ProcessLookupError:
                    pass
            t.join(30)
            deadline = time.monotonic() + 20  # the arbiter restarts workers
            assert server.proc.poll() is None, (
                "gunicorn's arbiter died:\n" + server.log.read_text()[-2000:]
            )
            while time.monotonic() < deadline:
                try:
                    if server.request("GET", "/api/v1/me", token=token, timeout=5)[0] == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            s = attempt(op, k)[0]  # the retry: the change is there (or goes through) now
            if op == 1 and s == 428:  # "version required": the first save had committed
                db.session.remove()
                with db.engine.connect() as conn:
                    s = 200 if conn.execute(text(
                        "SELECT count(*) FROM reviews WHERE claim_id = :c AND reviewer_id = :r"),
                        {"c": review_ids[k % len(review_ids)], "r": rev_id}).scalar() else s  # fmt: skip
            retried += s in (200, 201)
            db.session.remove()
            with db.engine.connect() as conn:
                problems = _flt01_consistency(conn, split_article, split_base)
            if problems:
                inconsistent.append(f"{FLT01_OPS[op]}#{k}: {'; '.join(problems)}")
    integrity = "n/a"
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(db.engine.url.database) as raw:
            integrity = raw.execute("PRAGMA integrity_check").fetchone()[0]
        raw.close()
    result = verify()
    figure("FLT-01", cases=f"{runs} writes ({n} x {', '.join(FLT01_OPS)}), {kills} worker kills",
           ok=f"inconsistent states {len(inconsistent)}; retry ok {retried}/{runs}",
           verify="OK" if result.ok else "FAIL",
           notes=f"integrity_check {integrity}; HOSTILE_FLT01_PER_OP={n} (plan: 50)")  # fmt: skip
    assert not inconsistent, inconsistent[:3]
    assert retried == runs and result.ok and integrity in ("ok", "n/a")


@pytest.mark.slow
def test_flt10_backup_under_writers(
    app, make_user, make_article, token_for, live_server, runner, tmp_path, verify, figure
):
    if db.engine.dialect.name != "sqlite":
        out = runner.invoke(args=["backup", str(tmp_path / "x.db")])
        figure(
            "FLT-10",
            cases=1,
            ok=f"PostgreSQL: backup refused with pg_dump advice (exit {out.exit_code})",
            verify="-",
        )
        assert out.exit_code != 0 and "pg_dump" in out.output
        return
    users_ = [make_user("reviewer") for _ in range(20)]
    tokens = [token_for(u) for u in users_]
    article = make_article(
        text=" ".join(f"Item {i} rose {i + 2}% in 2021." for i in range(20)) + "\n", actor=users_[0]
    )
    claim_ids = [c.id for c in article.claims]
    db.session.remove()
    server = live_server()
    stop = threading.Event()

    def writer(i):
        n = 0
        while not stop.is_set():
            n += 1
            with contextlib.suppress(OSError, http.client.HTTPException):
                server.request("PUT", f"/api/v1/claims/{claim_ids[n % len(claim_ids)]}/reviews/me",
                               {"verdict": "confirmed", "note": f"w{i}-{n}", "links": [LINK]}, token=tokens[i])  # fmt: skip

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    good = 0
    notes = []
    from factcheck import create_app
    from factcheck.services import audit

    try:
        for k in range(5):
            time.sleep(0.4)
            target = tmp_path / f"backup-{k}.db"
            db.session.remove()
            out = runner.invoke(args=["backup", str(target)])
            assert out.exit_code == 0, out.output
            with sqlite3.connect(target) as raw:
                integrity = raw.execute("PRAGMA integrity_check").fetchone()[0]
                copy_head = raw.execute("SELECT max(seq) FROM audit_events").fetchone()[0]
            raw.close()
            copy = create_app(
                {
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{target}",
                    "SECRET_KEY": "x",
                    "TESTING": True,
                }
            )
            with copy.app_context():
                res = audit.verify_chain(db.session)
                db.session.remove()
                db.engine.dispose()
            with db.engine.connect() as conn:
                live_head = conn.execute(text("SELECT max(seq) FROM audit_events")).scalar()
            printed_head = "audit head" in out.output
            if integrity == "ok" and res.ok and copy_head <= live_head and printed_head:
                good += 1
            else:
                notes.append(f"{integrity} {res.reason} {copy_head}/{live_head} {printed_head}")
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    figure(
        "FLT-10",
        cases=5,
        ok=f"{good}/5 backups consistent",
        verify=f"verify OK {good}/5",
        notes="; ".join(notes)[:100],
    )
    assert good == 5


@pytest.mark.slow
def test_auth04_brute_force_across_four_workers(make_user, live_server, events, figure):
    # Real Argon2 cost (the defaults), so that skipping the dummy verification for unknown
    # accounts would show in the timing; the account's hash is made with the same cost.
    override_settings(current_app, ARGON2_TIME_COST=3, ARGON2_MEMORY_COST=65536)
    try:
        user = make_user("reviewer", email="victim@example.org")
    finally:
        override_settings(current_app, ARGON2_TIME_COST=1, ARGON2_MEMORY_COST=64)
    db.session.remove()
    server = live_server(
        env={"FACTCHECK_ARGON2_TIME_COST": "3", "FACTCHECK_ARGON2_MEMORY_COST": "65536"}
    )
    statuses, first_429, retry_after = [], None, None
    t_known, t_unknown = [], []
    for i in range(60):
        t0 = time.monotonic()
        s, hd = _login_attempt(server, "victim@example.org", f"wrong{i}", f"10.0.{i % 250}.{i % 7}")
        if s != 429:
            t_known.append(time.monotonic() - t0)
        statuses.append(s)
        if s == 429 and first_429 is None:
            first_429, retry_after = i + 1, hd.get("Retry-After")
        if i < 10:  # interleaved with the known account's, so load drift hits both alike
            t0 = time.monotonic()
            _login_attempt(server, f"nobody{i}@example.org", "wrong")
            t_unknown.append(time.monotonic() - t0)
    ok_login = _login_attempt(server, user.email, "correct-horse-battery")[0]
    db.session.remove()
    with db.engine.connect() as conn:
        failures = conn.execute(
            text(
                "SELECT count(*) FROM audit_events WHERE action = 'auth.sign_in_failed' AND target_id = :u"
            ),
            {"u": user.id},
        ).scalar()
    accepted = statuses.count(401)
    dmed = abs(statistics.median(t_known[:10]) - statistics.median(t_unknown)) * 1000
    figure("AUTH-04", cases="60 wrong passwords, rotating XFF, -w 4", ok=f"first 429 at attempt {first_429} (Retry-After {retry_after}); failures counted {accepted}",
           rows=f"audited failures {failures}", verify="-", notes=f"right password afterwards from the same client: {ok_login} (that client is locked, not the account: AUTH-24); Δmedian known/unknown {dmed:.1f} ms")  # fmt: skip
    assert first_429 is not None and first_429 <= 11 and retry_after
    assert accepted <= 10 and failures == accepted
    assert ok_login == 429
    # Bar: < 10 ms on a quiet machine (12 ms measured under load, 25 ms with two suites
    # running). Without the dummy verification the gap is a whole Argon2 run (388 ms
    # measured), so 100 ms catches that regression without failing on a busy CI host.
    assert dmed < 100, f"sign-in time tells known from unknown accounts apart: {dmed:.1f} ms"
