"""IMP-16 … IMP-19: slow and huge sources, content types, malformed URLs, decoding and TLS."""

from __future__ import annotations

import gzip
import shutil
import socket
import ssl
import subprocess
import zlib

import pytest

from factcheck.errors import (
    InvalidInput,
    SourceTimeout,
    SourceUnreachable,
    TooLarge,
    UnsupportedType,
)
from factcheck.net import transport as http1
from factcheck.net.fetch import fetch_url

DEADLINE = 1.5
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"


def _silent(conn, server):
    server.sleep(30)


def _drip(prefix: bytes, byte: bytes, every: float):
    def handler(conn, server):
        conn.sendall(prefix)
        while server.sleep(every):
            conn.sendall(byte)

    return handler


SLOW = {
    "never answers": _silent,
    "drips a header": _drip(b"HTTP/1.1 200 OK\r\nX-Slow: ", b"a", 0.2),
    "drips the body": _drip(HEAD + b"Content-Length: 100000\r\n\r\n", b"x", 0.2),
    "keep-alive whitespace": _drip(b"", b"\r\n", 0.1),
    "drips chunks": _drip(HEAD + b"Transfer-Encoding: chunked\r\n\r\n", b"1\r\nx\r\n", 0.2),
}


@pytest.mark.parametrize("handler", SLOW.values(), ids=SLOW.keys())
def test_imp16_total_deadline(handler, serve, h):
    server = serve(handler)
    policy = h.policy(server.port, deadline=DEADLINE)
    took = h.elapsed(lambda: pytest.raises(SourceTimeout, fetch_url, server.url(), policy))
    assert DEADLINE - 0.05 <= took <= DEADLINE + 0.5


def test_imp16_listener_that_never_accepts(h):
    with socket.socket() as backlog:  # the kernel completes the handshake; nobody ever reads
        backlog.bind((h.PUBLIC_IP, 0))
        backlog.listen(1)
        port = backlog.getsockname()[1]
        with pytest.raises(SourceTimeout, match=r"source did not respond within 1\.5 s"):
            fetch_url(f"http://{h.PUBLIC_IP}:{port}/", h.policy(port, deadline=DEADLINE))


def _endless(prefix: bytes, block: bytes):
    def handler(conn, server):
        conn.sendall(prefix)
        while not server.stop.is_set():
            conn.sendall(block)

    return handler


def _bomb(encoding: str) -> bytes:
    zeros = b"\0" * (64 * 1024 * 1024)  # 64 MB of zeros compress to about 64 KB
    return gzip.compress(zeros, 9) if encoding == "gzip" else zlib.compress(zeros, 9)


@pytest.mark.parametrize(
    "case",
    ["content-length 5 GB", "chunked forever", "no length, forever", "gzip bomb", "deflate bomb"],
)
def test_imp17_too_large_aborted_at_the_cap(case, serve, h):
    if case == "content-length 5 GB":
        handler = h.answer(HEAD + b"Content-Length: 5000000000\r\n\r\n" + b"x" * 1000)
    elif case == "chunked forever":
        handler = _endless(
            HEAD + b"Transfer-Encoding: chunked\r\n\r\n", b"10000\r\n" + b"x" * 65536 + b"\r\n"
        )
    elif case == "no length, forever":
        handler = _endless(HEAD + b"\r\n", b"y" * 65536)
    else:
        encoding = case.split()[0]
        body = _bomb(encoding)
        handler = h.answer(h.response(200, body, {"Content-Encoding": encoding}))
    server = serve(handler)
    with pytest.raises(TooLarge, match="source is larger than 5 MB"):
        fetch_url(server.url(), h.policy(server.port))


@pytest.mark.parametrize(
    "headers", [b"X-H: v\r\n" * 10_000, b"X-Long: " + b"v" * 100_000 + b"\r\n"]
)
def test_imp17_huge_headers_refused(headers, serve, h):
    server = serve(h.answer(b"HTTP/1.1 200 OK\r\n" + headers + b"\r\n"))
    with pytest.raises(TooLarge):
        fetch_url(server.url(), h.policy(server.port))


def test_body_exactly_at_the_cap_is_accepted(serve, h):
    server = serve(h.answer(h.response(200, b"a" * 1000, {"Content-Type": "text/plain"})))
    assert len(fetch_url(server.url(), h.policy(server.port, max_bytes=1000)).text) == 1000
    with pytest.raises(TooLarge, match="source is larger than 999 bytes"):
        fetch_url(server.url(), h.policy(server.port, max_bytes=999))


HTML = b"<!DOCTYPE html><html><body><p>Hello.</p></body></html>"
IMP18 = [
    ("application/pdf", b"%PDF-1.7\n", None),
    ("image/png", b"\x89PNG\r\n\x1a\n", None),
    ("application/octet-stream", b"\x00\x01", None),
    (None, HTML, None),
    ("text/plain", HTML, True),  # HTML labelled text/plain is read as HTML
    ("text/plain; charset=utf-8", b"Just text.", False),
    ("text/markdown", b"# Title\n\nText.", False),
    ("application/xhtml+xml", HTML, True),
    ("TEXT/HTML; charset=UTF-8", HTML, True),
]


@pytest.mark.parametrize(("ctype", "body", "is_html"), IMP18)
def test_imp18_content_types(ctype, body, is_html, serve, h):
    server = serve(h.answer(h.response(200, body, {"Content-Type": ctype})))
    if is_html is None:
        with pytest.raises(UnsupportedType, match="unsupported content type"):
            fetch_url(server.url(), h.policy(server.port))
        return
    fetched = fetch_url(server.url(), h.policy(server.port))
    assert fetched.is_html is is_html and fetched.text == body.decode()
    assert fetched.content_type == ctype.split(";")[0].lower()


IMP19 = [
    "http://",
    "ht!tp://x",
    "http://127.0.0.5/" + "a" * 10_000,
    "http://127.0.0.5/a b",
    "http://127.0.0.5/a\r\nX-Injected: 1",
    "http://127.0.0.5/\tx",
    "http://127.0.0.5/\x00",
    "http://xn--pple-43d.com/",  # Cyrillic "а" + Latin "pple": a look-alike of apple.com
    "http:example.com",
    "http://exa mple.com/",
    "http://a..b/",
    "http://[::1/",
    "http://127.0.0.5:99999/",
]


@pytest.mark.parametrize("url", IMP19, ids=[repr(u[:30]) for u in IMP19])
def test_imp19_malformed_urls_refused(url, connects, h):
    with pytest.raises(InvalidInput):
        fetch_url(url, h.policy())
    assert connects == []


def test_imp19_no_header_injection_and_exact_request(serve, h):
    server = serve(h.answer(h.response(200, HTML)))
    fetch_url(server.url("/%0d%0aX-Injected:1?q=%0aY"), h.policy(server.port))
    lines = server.requests[0].decode("latin-1").split("\r\n")
    assert lines[0] == "GET /%0d%0aX-Injected:1?q=%0aY HTTP/1.1"
    assert lines[1:] == [
        f"Host: 127.0.0.5:{server.port}",
        "User-Agent: Factcheck/1.0 (+fact-checking desk)",
        "Accept: text/html, text/plain;q=0.9",
        "Accept-Encoding: gzip, deflate",
        "Connection: close",
        "",
        "",
    ]


@pytest.mark.parametrize(
    ("host", "sent"),
    [("münchen.example", "xn--mnchen-3ya.example"), ("news.example.", "news.example")],
)
def test_idn_and_trailing_dot_hosts(host, sent, serve, h):
    server = serve(h.answer(h.response(200, HTML)))
    fetched = fetch_url(
        f"http://{host}:{server.port}/café",
        h.policy(server.port, resolver=h.resolver_to(h.PUBLIC_IP)),
    )
    assert fetched.url == f"http://{sent}:{server.port}/caf%C3%A9"
    assert f"\r\nHost: {sent}:{server.port}\r\n".encode() in server.requests[0]


DECODING = [
    ({"Content-Encoding": "gzip"}, gzip.compress("<p>Grüße</p>".encode()), "<p>Grüße</p>"),
    ({"Content-Encoding": "deflate"}, zlib.compress(b"<p>zlib</p>"), "<p>zlib</p>"),
    (
        {"Transfer-Encoding": "chunked"},
        b"3\r\n<p>\r\n4;x=y\r\nok</\r\n2\r\np>\r\n0\r\nT: 1\r\n\r\n",
        "<p>ok</p>",
    ),
    ({"Content-Type": "text/html; charset=ISO-8859-1"}, "café".encode("latin-1"), "café"),
    (
        {"Content-Type": "text/html"},
        b'<meta charset="windows-1252"><p>\x93quoted\x94</p>',
        '<meta charset="windows-1252"><p>“quoted”</p>',
    ),
    ({}, b"\xef\xbb\xbf<p>bom</p>", "<p>bom</p>"),
    ({}, "<p>utf16</p>".encode("utf-16"), "<p>utf16</p>"),
]


@pytest.mark.parametrize(("headers", "body", "text"), DECODING)
def test_body_decoding(headers, body, text, serve, h):
    server = serve(h.answer(h.response(200, body, headers)))
    assert fetch_url(server.url(), h.policy(server.port)).text == text


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        (b"<p>caf\xe9 au lait</p>", InvalidInput, r"not valid UTF-8 \(byte 6\)"),
        (b"<p>a\x00b</p>", InvalidInput, "NUL"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", InvalidInput, r"byte 0"),
    ],
)
def test_bad_bytes_refused_not_replaced(body, error, message, serve, h):
    server = serve(h.answer(h.response(200, body)))
    with pytest.raises(error, match=message):
        fetch_url(server.url(), h.policy(server.port))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", "HTTP 404"),
        (b"HTTP/1.1 500 Oops\r\n\r\n", "HTTP 500"),
        (b"HTTP/1.1 302 Found\r\n\r\n", "without a Location"),
        (b"SSH-2.0-OpenSSH_9.6\r\n", "did not answer with HTTP"),
        (b"", "closed the connection"),
        (HEAD + b"Content-Length: 10\r\n\r\nabc", "before the body was complete"),
        (HEAD + b"Content-Encoding: gzip\r\nContent-Length: 5\r\n\r\nnotgz", "corrupt compressed"),
        (
            HEAD + b"Content-Encoding: br\r\nContent-Length: 0\r\n\r\n",
            "unsupported content encoding",
        ),
    ],
)
def test_source_failures(data, message, serve, h):
    server = serve(h.answer(data))
    with pytest.raises((SourceUnreachable, UnsupportedType), match=message):
        fetch_url(server.url(), h.policy(server.port))


def test_connection_refused(h):
    with socket.socket() as probe:  # a port on the allowed address with nothing listening
        probe.bind((h.PUBLIC_IP, 0))
        port = probe.getsockname()[1]
    with pytest.raises(SourceUnreachable, match="could not connect"):
        fetch_url(f"http://{h.PUBLIC_IP}:{port}/", h.policy(port))


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A throwaway CA and a certificate for news.example, made with the openssl command."""
    if not shutil.which("openssl"):
        pytest.skip("openssl command not available")
    d = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    (d / "san.ext").write_text("subjectAltName=DNS:news.example\n")
    commands = [
        ["req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Test CA"],
        ["req", *ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=news.example"],
        ["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "leaf.pem", "-days", "2", "-extfile", "san.ext"],
    ]  # fmt: skip
    for args in commands:
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)
    return d


def _tls_server(certificates, names: list):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates / "leaf.pem", certificates / "leaf.key")
    context.sni_callback = lambda sslobj, name, ctx: names.append(name)

    def handler(conn, server):
        with context.wrap_socket(conn, server_side=True) as tls:
            tls.recv(65536)
            tls.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nsecure"
            )

    return handler


def test_https_certificate_verified_and_pinned_with_sni(certificates, serve, monkeypatch, h):
    names: list = []
    server = serve(_tls_server(certificates, names), read_request=False)
    trusting = ssl.create_default_context(cafile=str(certificates / "ca.pem"))
    monkeypatch.setattr(http1, "_tls_context", lambda: trusting)
    policy = h.policy(server.port, resolver=h.resolver_to(h.PUBLIC_IP))
    assert fetch_url(f"https://news.example:{server.port}/", policy).text == "secure"
    assert names == ["news.example"]
    with pytest.raises(
        SourceUnreachable, match="TLS certificate not valid"
    ):  # name not on the certificate
        fetch_url(f"https://other.example:{server.port}/", policy)


def test_https_untrusted_certificate_refused(certificates, serve, h):
    server = serve(_tls_server(certificates, []), read_request=False)
    policy = h.policy(server.port, resolver=h.resolver_to(h.PUBLIC_IP))
    with pytest.raises(SourceUnreachable, match="TLS certificate not valid"):
        fetch_url(f"https://news.example:{server.port}/", policy)
