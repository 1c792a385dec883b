"""The one outbound path (net/client.py) on its own: webhook POSTs and the pieces URL import
shares with them — the total deadline, pinning to the checked address, redirects re-checked
or refused, IPv4-mapped IPv6 and other spellings, the cap after decompression."""

from __future__ import annotations

import ast
import gzip
import shutil
import socket
import ssl
import subprocess
import time
import zlib
from pathlib import Path

import pytest

from factcheck.errors import InvalidInput, SourceUnreachable, TooLarge
from factcheck.net import transport
from factcheck.net.client import Outcome, check_url, post
from factcheck.net.fetch import fetch_url
from factcheck.net.policy import FetchPolicy

BODY = b'{"event":"claim.approved"}'
OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


def _receive(answer: bytes = OK):
    """Read the whole POST (head and Content-Length body), keep it, then send ``answer``."""

    def handler(conn, server):
        head, _, rest = server.requests[-1].partition(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        while len(rest) < length:
            rest += conn.recv(65536)
        server.bodies = [*getattr(server, "bodies", []), rest]
        conn.sendall(answer)

    return handler


def _send(url, policy, timeout=2.0) -> Outcome:
    return post(url, BODY, {"Content-Type": "application/json"}, policy=policy, timeout=timeout)


def _timed_send(url, policy, timeout=2.0) -> tuple[Outcome, float]:
    start = time.monotonic()
    outcome = _send(url, policy, timeout)
    return outcome, time.monotonic() - start


# --------------------------------------------------------------------------- pinning


def test_post_exact_request_pinned_to_the_checked_address(serve, canary, connects, h):
    calls: list[str] = []
    server = serve(_receive(b"HTTP/1.1 204 No Content\r\n\r\n"))
    policy = h.policy(server.port, resolver=h.resolver_to(h.PUBLIC_IP, "127.0.0.1", calls=calls))
    outcome = post(f"http://hooks.example:{server.port}/in?x=1", BODY,
                   {"Content-Type": "application/json", "X-Factcheck-Event": "claim.approved"},
                   policy=policy, timeout=2.0)  # fmt: skip
    assert outcome == Outcome(True, 204)
    assert calls == ["hooks.example"] and connects == [(h.PUBLIC_IP, server.port)]
    head = server.requests[0].split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    assert head == [
        "POST /in?x=1 HTTP/1.1",
        f"Host: hooks.example:{server.port}",
        "Content-Type: application/json",
        "X-Factcheck-Event: claim.approved",
        f"Content-Length: {len(BODY)}",
        "Connection: close",
    ]
    assert server.bodies == [BODY] and canary.connections == 0


def test_only_checked_addresses_are_tried_in_order(serve, connects, h):
    server = serve(_receive())

    def two(host, port, *args, **kwargs):  # 127.0.0.6 is allowed too, but nothing listens there
        return [(2, 1, 6, "", ("127.0.0.6", port)), (2, 1, 6, "", (h.PUBLIC_IP, port))]

    policy = FetchPolicy(allowed_addresses=(h.PUBLIC_IP, "127.0.0.6"),
                         allowed_ports=(server.port,), resolver=two)  # fmt: skip
    assert _send(f"http://hooks.example:{server.port}/", policy).ok
    assert connects == [("127.0.0.6", server.port), (h.PUBLIC_IP, server.port)]


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A throwaway CA and a certificate for hooks.example (openssl command)."""
    if not shutil.which("openssl"):
        pytest.skip("openssl command not available")
    d = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    (d / "san.ext").write_text("subjectAltName=DNS:hooks.example\n")
    for args in (
        ["req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=CA"],
        ["req", *ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=hooks.example"],
        ["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "leaf.pem", "-days", "2", "-extfile", "san.ext"],
    ):  # fmt: skip
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)
    return d


def test_https_post_sni_and_certificate_for_the_name_not_the_address(
    tls_files, serve, connects, monkeypatch, h
):
    names, got = [], []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_files / "leaf.pem", tls_files / "leaf.key")
    context.sni_callback = lambda sslobj, name, ctx: names.append(name)

    def handler(conn, server):
        with context.wrap_socket(conn, server_side=True) as tls:
            data = b""
            while not data.endswith(BODY):  # all of it: closing on unread bytes is an RST
                part = tls.recv(65536)
                if not part:
                    break
                data += part
            got.append(data)
            tls.sendall(b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n")

    server = serve(handler, read_request=False)
    trusting = ssl.create_default_context(cafile=str(tls_files / "ca.pem"))
    monkeypatch.setattr(transport, "_tls_context", lambda: trusting)
    policy = h.policy(server.port, resolver=h.resolver_to(h.PUBLIC_IP))
    assert _send(f"https://hooks.example:{server.port}/h", policy) == Outcome(True, 202)
    assert names == ["hooks.example"] and connects == [(h.PUBLIC_IP, server.port)]
    assert got[0].startswith(b"POST /h HTTP/1.1\r\nHost: hooks.example:")
    wrong = _send(f"https://other.example:{server.port}/h", policy)  # not on the certificate
    assert not wrong.ok and wrong.error.startswith("TLS certificate not valid")


# --------------------------------------------------------------------------- the deadline


def _drip(prefix: bytes, byte: bytes, every: float = 0.1):
    def handler(conn, server):
        conn.sendall(prefix)
        while server.sleep(every):
            conn.sendall(byte)

    return handler


DRIPS = {
    "never answers": _drip(b"", b"", 0.05),
    "drips the status line": _drip(b"HTTP/1.1 2", b"0", 0.1),
    "drips a header": _drip(b"HTTP/1.1 200 OK\r\nX-Slow: ", b"a", 0.1),
    "blank lines before the status line": _drip(b"", b"\r\n", 0.1),
}


@pytest.mark.parametrize("handler", DRIPS.values(), ids=DRIPS.keys())
def test_post_total_deadline(handler, serve, h):
    server = serve(handler)
    outcome, took = _timed_send(server.url("/hook"), h.policy(server.port), timeout=1.0)
    assert outcome == Outcome(False, None, "receiver did not respond within 1 s")
    assert 0.95 <= took <= 1.5


def test_slow_resolver_counts_against_the_post_deadline(connects, h):
    def hangs(*args, **kwargs):
        import time

        time.sleep(1.0)
        return []

    outcome, took = _timed_send("http://slow.example/", h.policy(resolver=hangs), timeout=0.3)
    assert outcome == Outcome(False, None, "could not resolve slow.example within 0.3 s")
    assert took < 0.8 and connects == []


def test_not_http_is_refused_at_once_not_at_the_deadline(serve, h):
    server = serve(lambda conn, srv: (conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n"), srv.sleep(10)))
    outcome, took = _timed_send(server.url(), h.policy(server.port), timeout=5.0)
    assert outcome == Outcome(False, None, "receiver did not answer with HTTP/1.x")
    assert took < 2.5


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (b"\r\n\r\n" + OK, Outcome(True, 200)),  # blank lines before the status line: tolerated
        (b"HTTP/1.1 100 Continue\r\n\r\n" + OK, Outcome(True, 200)),
        (b"HTTP/1.0 500 Oops\r\n\r\n", Outcome(False, 500, "HTTP 500")),
        (b"", Outcome(False, None, "receiver closed the connection before answering")),
        (b"HTTP/1.1 200 OK\r\nX-Cut", Outcome(False, None, "receiver closed the connection before answering")),
        (b"HTTP/1.1 200 OK\r\nX-Big: " + b"v" * 200_000 + b"\r\n\r\n",
         Outcome(False, None, "receiver sent too many response headers")),
        (b"HTTP/1.1 200 OK\r\n" + b"X-H: v\r\n" * 101 + b"\r\n",
         Outcome(False, None, "receiver sent too many response headers")),
        (b"HTTP/1.1 200 OK\r\nX-Long: " + b"v" * 9000 + b"\r\n\r\n",
         Outcome(False, None, "receiver sent a response header that is too long")),
    ],
    ids=["blank lines", "100 continue", "500", "closed", "cut head", "200 KB header",
         "101 headers", "9 KB header"],
)  # fmt: skip
def test_post_answers(answer, expected, serve, h):
    server = serve(_receive(answer))
    assert _send(server.url(), h.policy(server.port)) == expected


def test_post_body_never_read(serve, h):
    """A 2xx with an endless body is delivered: only the head is read, then the line is cut."""

    def endless(conn, server):
        _receive(b"HTTP/1.1 200 OK\r\nContent-Length: 9999999999\r\n\r\n")(conn, server)
        while server.sleep(0.01):
            conn.sendall(b"x" * 65536)

    server = serve(endless)
    outcome, took = _timed_send(server.url(), h.policy(server.port), timeout=5.0)
    assert outcome == Outcome(True, 200) and took < 2.5


# --------------------------------------------------------------------------- redirects


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_post_reports_redirects_never_follows(status, serve, canary, connects, h):
    location = canary.url("/latest/meta-data/")
    server = serve(_receive(f"HTTP/1.1 {status} X\r\nLocation: {location}\r\n\r\n".encode()))
    outcome = _send(server.url(), h.policy(server.port, canary.port))
    assert outcome == Outcome(False, status, f"HTTP {status}: redirect not followed (Location: {location})")  # fmt: skip
    assert connects == [(h.PUBLIC_IP, server.port)] and canary.connections == 0


def _redirector(location: str):
    return lambda conn, server: conn.sendall(
        f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n".encode()
    )


@pytest.mark.parametrize(
    ("second_answer", "location", "blocked"),
    [
        ("::ffff:127.0.0.1", "http://news.example:{port}/next", "::ffff:127.0.0.1"),
        ("::ffff:a9fe:a9fe", "http://news.example:{port}/next", "::ffff:169.254.169.254"),
        (None, "http://2130706433:{port}/", "127.0.0.1"),
        (None, "http://0x7f.1:{port}/", "127.0.0.1"),
        (None, "http://[::ffff:7f00:1]:{port}/", "::ffff:127.0.0.1"),
    ],
)
def test_fetch_redirect_rechecked_with_mapped_and_numeric_forms(
    second_answer, location, blocked, serve, canary, connects, h
):
    calls: list[str] = []
    server = serve(lambda conn, srv: _redirector(location.format(port=srv.port))(conn, srv))
    real = socket.getaddrinfo

    def resolver(host, port, *args, **kwargs):
        calls.append(host)
        if host != "news.example":
            return real(host, port, *args, **kwargs)  # numeric forms: no network
        ip = h.PUBLIC_IP if len(calls) == 1 else second_answer
        return [(socket.AF_INET6 if ":" in ip else socket.AF_INET, 1, 6, "", (ip, port))]

    policy = h.policy(server.port, resolver=resolver)
    with pytest.raises(InvalidInput) as exc:
        fetch_url(f"http://news.example:{server.port}/start", policy)
    assert exc.value.detail == f"redirect refused: address not allowed: {blocked}"
    assert connects == [(h.PUBLIC_IP, server.port)] and canary.connections == 0


# --------------------------------------------------------------------------- addresses


SPELLINGS = ["[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "2130706433", "0x7f000001", "127.1",
             "0177.0.0.1", "[::127.0.0.1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::]"]  # fmt: skip


@pytest.mark.parametrize("host", SPELLINGS)
def test_post_refuses_other_spellings_of_loopback(host, canary, connects, h):
    outcome = _send(f"http://{host}:{canary.port}/", h.policy(canary.port))
    assert not outcome.ok and outcome.status_code is None
    assert outcome.error.startswith("address not allowed: ") and connects == []


def test_name_resolving_to_mapped_ipv6_is_refused(canary, connects, h):
    policy = h.policy(canary.port, resolver=h.resolver_to("::ffff:127.0.0.1"))
    outcome = _send(f"http://hooks.example:{canary.port}/", policy)
    assert outcome == Outcome(False, None, "address not allowed: ::ffff:127.0.0.1")
    with pytest.raises(InvalidInput) as exc:
        check_url(f"http://hooks.example:{canary.port}/", policy)
    assert (
        exc.value.detail == "address not allowed: ::ffff:127.0.0.1 (private, loopback or reserved)"
    )
    assert exc.value.errors == {"url": exc.value.detail} and connects == []


def test_check_url_allowed_and_unresolvable(h):
    checked = check_url(
        "  http://Hooks.Example./in  ", h.policy(resolver=h.resolver_to(h.PUBLIC_IP))
    )
    assert (checked.url, checked.addresses) == ("http://hooks.example/in", (h.PUBLIC_IP,))

    def fails(*args, **kwargs):
        raise OSError("Name or service not known")

    with pytest.raises(InvalidInput, match="could not resolve nowhere.example") as exc:
        check_url("http://nowhere.example/", h.policy(resolver=fails))
    assert "url" in exc.value.errors
    with pytest.raises(SourceUnreachable, match="could not resolve"):
        fetch_url("http://nowhere.example/", h.policy(resolver=fails))


# --------------------------------------------------------------------------- decompression


CAP = 100_000


def _page(body: bytes, encoding: str | None = None, length: int | None = None) -> bytes:
    head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
    head += f"Content-Length: {len(body) if length is None else length}\r\n"
    head += f"Content-Encoding: {encoding}\r\n" if encoding else ""
    return (head + "\r\n").encode() + body


def _members(*sizes: int) -> bytes:
    return b"".join(gzip.compress(b"a" * n) for n in sizes)


@pytest.mark.parametrize(
    ("body", "encoding", "size"),
    [
        (gzip.compress(b"a" * CAP), "gzip", CAP),
        (zlib.compress(b"a" * CAP), "deflate", CAP),
        (zlib.compress(b"a" * CAP)[2:-4], "deflate", CAP),  # raw deflate, as some servers send
        (_members(CAP // 2, CAP // 2), "gzip", CAP),
        (gzip.compress(b"a" * (CAP + 1)), "gzip", None),
        (_members(CAP // 2, CAP // 2 + 1), "gzip", None),  # the cap spans gzip members
        (zlib.compress(b"\0" * (50 * CAP), 9), "deflate", None),  # a small bomb: ~5 KB to 5 MB
    ],
    ids=["gzip at cap", "zlib at cap", "raw deflate at cap", "2 members at cap",
         "gzip cap+1", "2 members cap+1", "deflate bomb"],
)  # fmt: skip
def test_cap_counts_decompressed_bytes(body, encoding, size, serve, h):
    server = serve(h.answer(_page(body, encoding)))
    policy = h.policy(server.port, max_bytes=CAP)
    if size is None:
        with pytest.raises(TooLarge, match=f"source is larger than {CAP} bytes"):
            fetch_url(server.url(), policy)
    else:
        assert len(fetch_url(server.url(), policy).text) == size


def test_content_length_over_the_cap_is_refused_before_reading(serve, h):
    def holds(conn, server):
        conn.sendall(_page(b"", length=CAP + 1))
        server.sleep(10)

    server = serve(holds)
    policy = h.policy(server.port, max_bytes=CAP, deadline=5.0)
    took = h.elapsed(lambda: pytest.raises(TooLarge, fetch_url, server.url(), policy))
    assert took < 2.5


def test_net_knows_no_flask_and_no_database():
    """net/ is transport and rules only: no web framework, no ORM, no desk modules."""
    forbidden = ("flask", "flask_login", "flask_wtf", "werkzeug", "sqlalchemy", "psycopg")
    desk = ("factcheck.models", "factcheck.database", "factcheck.services", "factcheck.jobs",
            "factcheck.web", "factcheck.views", "factcheck.api", "factcheck.forms",
            "factcheck.extensions")  # fmt: skip
    bad = []
    for path in sorted(Path(transport.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])  # fmt: skip
            bad += [f"{path.name}: {n}" for n in names
                    if n.split(".")[0] in forbidden or n.startswith(desk)]  # fmt: skip
    assert not bad, bad
