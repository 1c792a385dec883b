"""HOSTILE.md §3.1 article import, end to end through POST /api/v1/articles: IMP-07 (1 MB
single-line shapes against gunicorn -t 30), IMP-16 (slow sources, live), IMP-17 (huge sources),
IMP-18 (content types), IMP-19 (malformed URLs), IMP-20 (file names), IMP-21 (import race and
an import killed between the article and its claims).

tests/net/test_fetch_limits.py tests the fetcher itself for IMP-16 … IMP-19; here the same
hostile peers go through the API, and each case also checks status, problem+json and rows.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import sys
import threading
import time
import warnings
import zlib
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from settings_helpers import override_settings
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from factcheck.extensions import db
from factcheck.text import splitting

HTML = b"<!DOCTYPE html><html><head><title>Report</title></head><body><p>Prices rose 5% in 2021. Unemployment fell to 3.9% in March.</p></body></html>"
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
FORMATS = ["html", "pdf", "md", "csv", "json", "claimreview", "w3c"]


def _live_problem(status: int, headers: dict, data: bytes) -> dict:
    """The problem+json body of a live response (asserting its shape)."""
    ctype = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    assert ctype.startswith("application/problem+json"), (status, ctype, data[:300])
    body = json.loads(data)
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == status, body
    return body


def _spans_ok(article: dict) -> int:
    """How many claims break body[start:end] == text."""
    body = article["body"]
    return sum(1 for c in article["claims"] if body[c["start"] : c["end"]] != c["text"])


# --------------------------------------------------------------------------- IMP-07

LINE = 1_000_000
SHAPES = {
    "no punctuation": lambda: ("word " * (LINE // 5))[:LINE],
    "100k tiny sentences": lambda: "Tax up 5. " * (LINE // 10),
    "1 MB URL token": lambda: ("https://example.org/" + "a/b-c_d.e?f=g&" * (LINE // 14))[:LINE],
}


@pytest.mark.slow
def test_imp07_one_megabyte_lines_against_gunicorn(
    make_user, token_for, live_server, snapshot, figure, h
):
    from factcheck.settings import Settings

    MAX_SENTENCES = Settings().MAX_SENTENCES  # the live server runs with the default

    token = token_for(make_user("reviewer"))
    texts = {name: make() for name, make in SHAPES.items()}
    # The largest accepted shape: as many tiny sentences as the limit allows, on one line.
    texts["tiny sentences at the limit"] = "Tax up 5. " * MAX_SENTENCES
    splitter = {}  # the pure splitter's speed on the first 200,000 characters of each shape
    for name in SHAPES:
        t0 = time.perf_counter()
        splitting.analyze(texts[name][:200_000])
        splitter[name] = 0.2 / (time.perf_counter() - t0)
    server = live_server(extra_args=("-t", "30"))
    pids = set(server.worker_pids())
    got, took, bad_spans, rows = {}, {}, 0, {}
    for name, body in texts.items():
        before = snapshot()
        t0 = time.perf_counter()
        status, headers, data = server.request(
            "POST", "/api/v1/articles", {"text": body}, token=token, timeout=90
        )
        took[name] = time.perf_counter() - t0
        after = snapshot()
        if status == 201:
            article = json.loads(data)
            bad_spans += _spans_ok(article)
            got[name] = f"201 ({len(article['claims'])} claims)"
            rows[name] = after["articles"] - before["articles"]
        else:
            got[name] = status
            if status:
                detail = _live_problem(status, headers, data)["detail"]
                got[name] = f"{status} ({detail[:60]})"
            rows[name] = h.diff(before, after)
    restarts = len(pids ^ set(server.worker_pids()))
    timeouts = server.log.read_text(errors="replace").count("WORKER TIMEOUT")
    figure("IMP-07", cases=f"{len(SHAPES)} shapes x 1 MB + tiny sentences at the limit ({MAX_SENTENCES:,})",
           ok=f"{sum(t < 30 for t in took.values())}/{len(took)} answered < 30 s ({', '.join(f'{t:.1f}' for t in took.values())} s); {got}",
           rows=f"{sum(v for k, v in rows.items() if not str(got[k]).startswith('201'))} on refusals",
           notes=f"worker restarts {restarts}, timeouts {timeouts}; span violations {bad_spans}; splitter MB/s "
                 + ", ".join(f"{k} {v:.2f}" for k, v in splitter.items()))  # fmt: skip
    assert restarts == 0 and timeouts == 0 and bad_spans == 0
    assert all(t < 30 for t in took.values()), took
    for name, outcome in got.items():
        assert str(outcome)[:3] in ("201", "413", "422"), got
        assert rows[name] == (1 if str(outcome).startswith("201") else 0), rows
    assert str(got["tiny sentences at the limit"]).startswith("201"), got


# --------------------------------------------------------------------------- IMP-16

DEADLINE = 15.0  # HOSTILE §1: URL fetch 15 s total deadline (the configured default)


def _stamped(handler):
    """Note when the peer got the request: the fetch (and its deadline) began just before."""

    def run(conn, server):
        server.asked_at = time.perf_counter()
        handler(conn, server)

    return run


@_stamped
def _never_answers(conn, server):
    server.sleep(120)


@_stamped
def _drip_after_headers(conn, server):
    conn.sendall(HEAD + b"Content-Length: 100000\r\n\r\n")
    while server.sleep(10):
        conn.sendall(b"x")  # one byte every 10 s


@_stamped
def _keepalive_whitespace(conn, server):
    for _ in range(200):  # 100 s of blank lines before any status line
        conn.sendall(b"\r\n")
        if not server.sleep(0.5):
            return


@pytest.mark.slow
def test_imp16_slow_sources_fail_at_the_total_deadline(
    make_user, token_for, serve, live_server, snapshot, figure, h
):
    token = token_for(make_user("reviewer"))
    peers = {"never answers": serve(_never_answers), "1 byte / 10 s": serve(_drip_after_headers),
             "100 s keep-alive whitespace": serve(_keepalive_whitespace)}  # fmt: skip
    ports = ",".join(str(p) for p in (80, 443, *(s.port for s in peers.values())))
    # three fetch slots: this case times the deadline of three fetches at once (INT-07 the slots)
    server = live_server(env={"FACTCHECK_FETCH_ALLOWED_ADDRESSES": h.PUBLIC_IP,
                              "FACTCHECK_FETCH_ALLOWED_PORTS": ports,
                              "FACTCHECK_FETCH_MAX_CONCURRENT": "3"})  # fmt: skip
    assert server.request("GET", "/healthz")[0] == 200

    def ping() -> tuple[int, float]:
        t0 = time.perf_counter()
        status = server.request("GET", "/healthz", timeout=20)[0]
        return status, (time.perf_counter() - t0) * 1000

    baseline = [ping()[1] for _ in range(10)]
    before = snapshot()
    results: dict = {}

    def run(name, peer):
        t0 = time.perf_counter()
        status, headers, data = server.request(
            "POST", "/api/v1/articles", {"url": peer.url("/")}, token=token, timeout=60
        )
        done = time.perf_counter()
        results[name] = (status, headers, data, done - t0, done - getattr(peer, "asked_at", t0))

    threads = [threading.Thread(target=run, args=item) for item in peers.items()]
    for t in threads:
        t.start()
    health = []
    while any(t.is_alive() for t in threads):
        health.append(ping())
        time.sleep(0.25)
    for t in threads:
        t.join()
    after = snapshot()
    elapsed = {k: v[4] for k, v in results.items()}  # from the fetch's start (the peer's view)
    ok = 0
    for status, headers, data, took, fetching in results.values():
        if status == 504 and "did not respond" in _live_problem(status, headers, data)["detail"]:
            # the client's time also holds any wait for a free worker on a shared machine
            ok += DEADLINE - 0.5 <= fetching <= DEADLINE + 0.5 and took <= DEADLINE + 5
    lat = sorted(ms for _s, ms in health)
    p95 = lat[max(0, int(len(lat) * 0.95) - 1)]
    figure("IMP-16", cases=len(peers), ok=f"{ok}/{len(peers)} -> 504 at {min(elapsed.values()):.2f}-{max(elapsed.values()):.2f} s after the fetch began (deadline {DEADLINE:g} s; client saw {max(v[3] for v in results.values()):.1f} s max)",
           rows=h.diff(before, after),
           notes=f"/healthz meanwhile {sum(s == 200 for s, _ in health)}/{len(health)} ok, p95 {p95:.0f} ms "
                 f"(before {statistics.median(baseline):.0f} ms median); gunicorn -w 4")  # fmt: skip
    assert after == before and ok == len(peers), {
        k: (v[0], round(v[3], 2), round(v[4], 2)) for k, v in results.items()
    }
    assert all(s == 200 for s, _ in health) and len(health) >= 20 and p95 < 1000, lat[-5:]


# --------------------------------------------------------------------------- IMP-17


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class PeakRss:
    """Samples this process's RSS (the in-process app serves the request) every 5 ms."""

    def __enter__(self):
        self.base = self.peak = _rss_kb()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self):
        while not self.stop.wait(0.005):
            self.peak = max(self.peak, _rss_kb())

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.peak = max(self.peak, _rss_kb())

    @property
    def delta_mb(self) -> float:
        return (self.peak - self.base) / 1024


def _gzip_bomb(members: int) -> bytes:
    """64 MB of zeros gzipped (about 64 KB), repeated as RFC 1952 members: ~5 GB inflated."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1024 * 1024)
    member = b"".join(z.compress(block) for _ in range(64)) + z.flush()
    assert gzip.decompress(member[:100_000]) == b"\0" * (64 * 1024 * 1024)
    return member * members


def _endless(prefix: bytes, block: bytes):
    def handler(conn, server):
        conn.sendall(prefix)
        while not server.stop.is_set():
            conn.sendall(block)

    return handler


def _answer(data: bytes, hold: float = 0):
    def handler(conn, server):
        conn.sendall(data)
        server.sleep(hold)

    return handler


def test_imp17_huge_sources_aborted_at_the_cap(
    make_user, api_as, serve, allow_public, snapshot, problem, figure, h
):
    from factcheck.settings import settings_of

    LIMITS = settings_of()  # the app's
    cap_mb = LIMITS.FETCH_MAX_BYTES / 1024 / 1024
    bomb = _gzip_bomb(80)
    peers = {
        "Content-Length 5 GB": serve(
            _answer(HEAD + b"Content-Length: 5000000000\r\n\r\n" + b"x" * 65536, hold=5)
        ),
        "chunked forever": serve(
            _endless(
                HEAD + b"Transfer-Encoding: chunked\r\n\r\n", b"10000\r\n" + b"x" * 65536 + b"\r\n"
            )
        ),
        f"gzip bomb {len(bomb) / 1e6:.0f} MB -> {80 * 64 / 1024:.0f} GB": serve(
            _answer(h.response(200, bomb, {"Content-Encoding": "gzip"}))
        ),
        "10,000 headers": serve(_answer(b"HTTP/1.1 200 OK\r\n" + b"X-H: v\r\n" * 10_000 + b"\r\n")),
    }
    allow_public(*(p.port for p in peers.values()))
    api = api_as(make_user("reviewer"))
    before = snapshot()
    got, rss = {}, {}
    for name, peer in peers.items():
        with PeakRss() as sample:
            resp = api.post("/articles", json={"url": peer.url("/")})
        rss[name] = sample.delta_mb
        got[name] = resp.status_code
        if resp.status_code == 413:
            detail = problem(resp, 413)["detail"]
            assert "larger than 5 MB" in detail or "too many response headers" in detail, detail
    after = snapshot()
    ok = sum(1 for s in got.values() if s == 413)
    worst = max(rss.values())
    figure("IMP-17", cases=len(peers), ok=f"{ok}/{len(peers)} aborted 413 at the {cap_mb:g} MB cap",
           rows=h.diff(before, after),
           notes=f"max RSS delta {worst:.1f} MB (in-process); " + ", ".join(f"{k}: {v}" for k, v in got.items()))  # fmt: skip
    assert ok == len(peers) and after == before, got
    assert worst < cap_mb + 30, rss  # cap plus interpreter/allocator overhead, never the 5 GB


# --------------------------------------------------------------------------- IMP-18

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
IMP18 = {  # name: (Content-Type or None, body, expected)
    "application/pdf": ("application/pdf", PDF, 415),
    "image/png": ("image/png", PNG, 415),
    "application/octet-stream": ("application/octet-stream", b"\x00\x01\x02binary", 415),
    "HTML labelled text/plain": ("text/plain; charset=utf-8", HTML, "html"),
    "no Content-Type": (None, HTML, 415),
    "PNG labelled text/html": ("text/html", PNG, 422),
    "PDF labelled text/plain": ("text/plain", PDF, 422),
}


def test_imp18_content_types_per_policy(
    make_user, api_as, serve, allow_public, snapshot, problem, figure, h
):
    peers = {name: serve(_answer(h.response(200, body, {"Content-Type": ctype})))
             for name, (ctype, body, _e) in IMP18.items()}  # fmt: skip
    allow_public(*(p.port for p in peers.values()))
    api = api_as(make_user("reviewer"))
    got, refused_rows = {}, 0
    for name, peer in peers.items():
        expected = IMP18[name][2]
        before = snapshot()
        resp = api.post("/articles", json={"url": peer.url("/")})
        if resp.status_code == 201:
            body = resp.get_json()["body"]
            # sniffed as HTML: the text was extracted, no markup left in the body
            got[name] = "html" if "<p>" not in body and "Prices rose 5%" in body else "as text"
        else:
            problem(resp, resp.status_code, "url")
            got[name] = resp.status_code
            refused_rows += h.diff(before, snapshot())
        assert got[name] == expected, (name, got[name], resp.get_data(as_text=True)[:300])
    figure("IMP-18", cases=len(IMP18), ok=f"{sum(got[k] == v[2] for k, v in IMP18.items())}/{len(IMP18)} per policy {got}",
           rows=refused_rows, notes="text/plain that looks like HTML is read as HTML; binary under a text label 422")  # fmt: skip
    assert refused_rows == 0


# --------------------------------------------------------------------------- IMP-19


def test_imp19_malformed_urls_and_no_header_injection(
    make_user, api_as, serve, allow_public, snapshot, problem, monkeypatch, figure, h
):
    import dataclasses
    import socket

    from factcheck.services import sources

    lookups = []

    def resolver(host, port, *a, **kw):
        lookups.append(host)
        if host.endswith(".example"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (h.PUBLIC_IP, port))]
        return socket.getaddrinfo(host, port, *a, **kw)

    real_policy = sources.fetch_policy
    monkeypatch.setattr(
        sources, "fetch_policy", lambda: dataclasses.replace(real_policy(), resolver=resolver)
    )
    peer = serve(_answer(h.response(200, HTML)))
    allow_public(peer.port)
    base = f"http://{h.PUBLIC_IP}:{peer.port}"
    malformed = {
        "http://": "http://",
        "ht!tp://x": "ht!tp://x",
        "10 KB URL": f"{base}/" + "a" * 10_000,
        "space": f"{base}/a b",
        "raw CR/LF": f"{base}/a\r\nX-Injected: 1",
        "IDN homograph": f"http://xn--pple-43d.com:{peer.port}/",
        "two trailing dots": f"http://news.example..:{peer.port}/",
    }
    accepted = {  # valid URLs, fetched as designed: encoded CR/LF stays encoded, one dot is FQDN
        "encoded CR/LF": f"{base}/%0d%0aX-Injected:1",
        "trailing-dot host": f"http://news.example.:{peer.port}/",
    }
    api = api_as(make_user("reviewer"))
    before = snapshot()
    got = {}
    for name, url in malformed.items():
        resp = api.post("/articles", json={"url": url})
        got[name] = resp.status_code
        if resp.status_code == 422:
            problem(resp, 422, "url")
    mid = snapshot()
    connections = peer.connections
    homograph_lookups = sum(1 for host in lookups if "xn--" in host)
    for name, url in accepted.items():
        got[name] = api.post("/articles", json={"url": url}).status_code
    requests = [r.decode("latin-1").split("\r\n") for r in peer.requests]
    header_names = {line.split(":", 1)[0].lower() for r in requests for line in r[1:] if line}
    injected = sum(1 for r in requests for line in r[1:] if line.lower().startswith("x-injected"))
    hosts = sorted({line for r in requests for line in r if line.startswith("Host:")})
    refused = sum(1 for k in malformed if got[k] == 422)
    figure("IMP-19", cases=len(malformed) + len(accepted),
           ok=f"{refused}/{len(malformed)} -> 422 malformed; accepted as designed {[k for k in accepted if got[k] == 201]}; injected headers {injected}",
           rows=h.diff(before, mid), canary=f"connections while refusing {connections}",
           notes=f"request lines {[r[0][:40] for r in requests]}; {hosts}")  # fmt: skip
    assert refused == len(malformed) and mid == before and connections == 0, got
    assert homograph_lookups == 0, lookups
    assert all(got[k] == 201 for k in accepted), got
    assert injected == 0 and header_names == {
        "host",
        "user-agent",
        "accept",
        "accept-encoding",
        "connection",
    }
    assert requests[0][0] == "GET /%0d%0aX-Injected:1 HTTP/1.1", requests[0]
    assert f"Host: news.example:{peer.port}" in hosts, hosts


# --------------------------------------------------------------------------- IMP-20

IMP20 = {  # upload name: content
    "../../etc/passwd.txt": b"Prices rose 5% in 2021. Unemployment fell to 3.9% in March.\n",
    "a.html.txt": b"<html><body><p>Prices rose 5% in 2021.</p><script>alert(1)</script></body></html>\n",
    "n" * 296 + ".txt": b"Prices rose 5% in 2021.\n",
    "a\x00b.txt": b"Prices rose 5% in 2021.\n",
    "\u202etxt.exe": b"Prices rose 5% in 2021.\n",
    "report\u202efdp.txt": b"Prices rose 5% in 2021.\n",
    "CON.txt": b"Prices rose 5% in 2021.\n",
    "..\\..\\windows\\win.ini.txt": b"Prices rose 5% in 2021.\n",
}
STEMS = ("passwd", "a.html", "nnnnnnnn", "a\x00b", "\u202e", "fdp", "CON", "win.ini")
_SAFE_NAME = re.compile(
    r'attachment; filename="([A-Za-z0-9._-]{1,200})"(?:; filename\*=UTF-8\'\'([A-Za-z0-9._%-]+))?'
)


def _multipart(name: str, data: bytes) -> tuple[bytes, str]:
    """A raw multipart body carrying ``name`` exactly (filename*, percent-encoded: NUL, U+202E
    and backslashes included; werkzeug's test client would drop the backslashes)."""
    boundary = "hostile-imp20-boundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="upload.txt"; '
            f"filename*=UTF-8''{quote(name, safe='')}\r\nContent-Type: text/plain\r\n\r\n")  # fmt: skip
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _tree(root: Path) -> set[str]:
    skip = {".venv", ".git", "node_modules", "__pycache__", ".ruff_cache", ".hypothesis"}
    out = set()
    for path in root.rglob("*") if root.exists() else ():
        if not skip & set(path.parts):
            out.add(str(path))
    return out


def _disposition_ok(value: str | None) -> tuple[bool, bool]:
    """(RFC 6266 safe, has filename*): one quoted ASCII token, and filename* agreeing with it."""
    match = _SAFE_NAME.fullmatch(value or "")
    if not match:
        return False, False
    name, star = match.groups()
    safe = not name.startswith(".") and not any(s.lower() in name.lower() for s in STEMS)
    return safe and (star is None or unquote(star) == name), star is not None


def test_imp20_filenames_are_metadata_never_paths(make_user, api_as, login, client, app, tmp_path, snapshot,
                                                  monkeypatch, figure, h):  # fmt: skip
    user = make_user("reviewer")
    api = api_as(user)
    login(user)
    watched = [Path(app.instance_path), tmp_path, Path(__file__).resolve().parents[2], Path("/tmp")]
    passwd = Path("/etc/passwd").stat()
    touched: list[str] = []
    state = {"on": True}

    def hook(name, args):  # every file the interpreter opens or creates (uploads and exports)
        if state["on"] and name in (
            "open",
            "os.mkdir",
            "os.rename",
            "os.symlink",
            "shutil.copyfile",
        ):
            path = str(args[0]) if args else ""
            if any(s in path for s in STEMS):
                touched.append(f"{name}:{path[:80]}")

    sys.addaudithook(hook)  # stays installed (audit hooks cannot be removed); off after the test
    (tmp_path / "passwd-probe").write_text("x")  # the hook sees opens: a probe it must catch
    assert touched and touched.pop().startswith("open:")
    trees = {
        root: _tree(root) if root != Path("/tmp") else set(map(str, root.iterdir()))
        for root in watched
    }
    before = snapshot()
    got, stored, ids = {}, {}, []
    try:
        for name, data in IMP20.items():
            for entry in ("api", "web"):
                body, ctype = _multipart(name, data)
                if entry == "api":
                    resp = api.post("/articles", data=body, content_type=ctype, json=None)
                else:
                    resp = client.post("/articles/new", data=body, content_type=ctype)
                got[entry, name] = resp.status_code
                if entry == "api" and resp.status_code == 201:
                    art = resp.get_json()
                    stored[name] = art["filename"]
                    ids.append(art["id"])
    except BaseException:
        state["on"] = False
        raise
    after = snapshot()

    def created(anywhere_under_instance: bool) -> list[str]:
        return sorted(
            p for root in watched for p in ((_tree(root) if root != Path("/tmp") else set(map(str, root.iterdir()))) - trees[root])
            if any(s in p for s in STEMS) or (anywhere_under_instance and root == Path(app.instance_path))
        )  # fmt: skip

    new_files = created(True)  # uploads: nothing at all under instance/, nothing named after them
    unsafe_names = {k: v for k, v in stored.items()
                    if v is None or len(v) > 255 or any(c in v for c in "/\\\x00\u202e") or v in ("", ".", "..")}  # fmt: skip
    dispositions, unsafe_cd, with_star = 0, [], 0
    # Every format on both entry points for the "../../etc/passwd.txt" article, JSON for the rest.
    # (not ClaimReview: these are drafts, which have none: 409)
    checks = [(i, f) for i in ids[:1] for f in FORMATS if f != "claimreview"] + [
        (i, "json") for i in ids[1:]
    ]
    for article_id, fmt in checks:
        # WeasyPrint warns at import when HarfBuzz-Subset is missing (filterwarnings = error)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "HarfBuzz", DeprecationWarning)
            pair = (api.get(f"/articles/{article_id}/export?format={fmt}"),
                    client.get(f"/articles/{article_id}/export?format={fmt}"))  # fmt: skip
        for resp in pair:
            assert resp.status_code == 200, (fmt, resp.status_code)
            dispositions += 1
            safe, star = _disposition_ok(resp.headers.get("Content-Disposition"))
            with_star += star
            if not safe:
                unsafe_cd.append(resp.headers.get("Content-Disposition"))
    bulk = api.get("/exports?since=2000-01-01&until=2100-01-01&format=json")
    assert bulk.status_code == 200
    dispositions += 1
    if not _disposition_ok(bulk.headers.get("Content-Disposition"))[0]:
        unsafe_cd.append(bulk.headers.get("Content-Disposition"))
    state["on"] = False
    new_files += created(False)  # exports: nothing named after an upload either
    safe_cases = sum(
        1 for name in IMP20
        if name not in unsafe_names and got["api", name] in (201, 415, 422)
        and got["web", name] in (302, 415, 422)
    )  # fmt: skip
    refused = [f"{e}:{ascii(n)[:14]}={v}" for (e, n), v in got.items() if v not in (201, 302)]
    figure("IMP-20", cases=f"{len(IMP20)} names x 2 entry points (API multipart, web form)",
           ok=f"{safe_cases}/{len(IMP20)} safe; {len(new_files)} files created, {len(touched)} paths opened from names; "
              f"{len(unsafe_cd)}/{dispositions} unsafe Content-Disposition",
           rows=f"{after['articles'] - before['articles']} articles (accepted as metadata)",
           notes=f"stored {sorted(ascii(v)[:22] for v in stored.values() if v)}; refused {refused}; "
                 f"filename* in {with_star}/{dispositions} (names are server-made ASCII)")  # fmt: skip
    assert not touched and not new_files, (touched, new_files)
    assert Path("/etc/passwd").stat().st_mtime == passwd.st_mtime
    assert not unsafe_names and not unsafe_cd, (unsafe_names, unsafe_cd)
    assert safe_cases == len(IMP20), got
    assert (
        stored["../../etc/passwd.txt"] == "passwd.txt"
        and stored["report\u202efdp.txt"] == "reportfdp.txt"
    )
    assert (
        stored["..\\..\\windows\\win.ini.txt"] == "win.ini.txt" and stored["a\x00b.txt"] == "ab.txt"
    )
    assert got["api", "\u202etxt.exe"] == got["web", "\u202etxt.exe"] == 415


# --------------------------------------------------------------------------- IMP-21

RACES = 20
KILLS = 10  # 5 alone, 5 inside a race (the other import of the pair must commit)


def _integrity() -> dict:
    """Half-written imports and audit events per committed import, read fresh from the database."""
    db.session.remove()
    queries = {
        "articles": "SELECT count(*) FROM articles",
        "without claims": "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.article_id = a.id)",
        "without version": "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM article_versions v WHERE v.article_id = a.id)",
        "orphan claims": "SELECT count(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = c.article_id)",
        "import events": "SELECT count(*) FROM audit_events WHERE action = 'article.imported'",
        "articles with one event": "SELECT count(*) FROM articles a WHERE (SELECT count(*) FROM audit_events e WHERE e.action = 'article.imported' AND e.target_id = a.id) = 1",
        "claims per article": "SELECT count(DISTINCT n) FROM (SELECT count(*) AS n FROM claims GROUP BY article_id) t",
    }  # fmt: skip
    with db.engine.connect() as conn:
        return {k: conn.execute(text(q)).scalar() for k, q in queries.items()}


def test_imp21_same_url_at_once_and_a_killed_import(
    app, make_user, token_for, serve, allow_public, verify, figure, h
):
    peer = serve(_answer(h.response(200, HTML)))
    allow_public(peer.port)
    override_settings(app, FETCH_MAX_CONCURRENT=2)  # both racers fetch (INT-07: the slots)
    tokens = [token_for(make_user("reviewer")), token_for(make_user("reviewer"))]
    url = peer.url("/same")
    kill = {"left": 0, "done": 0}
    lock = threading.Lock()

    def killer(conn, cursor, statement, parameters, context, executemany):
        """The import dies after its article row is written, at the first INSERT of its claims."""
        if statement.lstrip().upper().startswith("INSERT INTO CLAIMS"):
            with lock:
                if kill["left"] <= 0:
                    return
                kill["left"] -= 1
                kill["done"] += 1
            raise OperationalError(  # as SQLAlchemy reports a connection that died mid-statement
                statement[:40], {}, Exception("server closed the connection unexpectedly"),
                connection_invalidated=True,
            )  # fmt: skip

    def race(n: int = 2) -> list[int]:
        barrier, statuses = threading.Barrier(n), []

        def one(token):
            c = app.test_client()
            barrier.wait(timeout=30)
            resp = c.post("/api/v1/articles", json={"url": url},
                          headers={"Authorization": f"Bearer {token}"})  # fmt: skip
            statuses.append(resp.status_code)

        threads = [threading.Thread(target=one, args=(tokens[i % 2],)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        return statuses

    start = _integrity()
    statuses: list[int] = []
    for _ in range(RACES):
        statuses += race()
    event.listen(db.engine, "before_cursor_execute", killer)
    try:
        for i in range(KILLS):
            kill["left"] = 1
            statuses += race(1 if i < KILLS // 2 else 2)
    finally:
        event.remove(db.engine, "before_cursor_execute", killer)
    end = _integrity()
    committed = statuses.count(201)
    result = verify()
    half = end["without claims"] + end["without version"] + end["orphan claims"]
    figure("IMP-21", cases=f"{RACES} races x 2 (threads + Barrier(2); HOSTILE plan: 100) + {KILLS} imports killed before their claims",
           ok=f"{committed} committed, {statuses.count(503)} killed -> 503 (of {kill['done']} kills); {half} half-written articles",
           rows=f"articles +{end['articles'] - start['articles']}; import events +{end['import events'] - start['import events']}",
           verify="OK" if result.ok else "FAIL",
           notes="same URL twice: two complete articles (no dedupe by design); audit events == committed imports")  # fmt: skip
    assert kill["done"] == KILLS and statuses.count(503) == KILLS, (kill, statuses)
    assert sorted(set(statuses)) == [201, 503] and len(statuses) == 2 * RACES + KILLS + KILLS // 2
    assert half == 0 and end["claims per article"] == 1, end
    assert (
        end["articles"] - start["articles"]
        == committed
        == end["import events"] - start["import events"]
    )
    assert end["articles with one event"] == end["articles"] and result.ok
