"""IMP-13, IMP-14, IMP-15: private targets, redirects, rebinding, schemes, ports and credentials."""

from __future__ import annotations

import pytest

from factcheck.errors import InvalidInput, SourceTimeout, SourceUnreachable
from factcheck.net.fetch import FetchPolicy, fetch_url

PAGE = b"<html><body><p>Hello from the public server.</p></body></html>"

# (host as written in the URL, what a stub resolver answers or None for the real one, blocked IP)
IMP13 = [
    ("127.0.0.1", None, "127.0.0.1"),
    ("localhost", None, None),  # 127.0.0.1 or ::1, whichever the system lists first
    ("localhost.", None, None),
    ("0.0.0.0", None, "0.0.0.0"),
    ("127.1", None, "127.0.0.1"),
    ("2130706433", None, "127.0.0.1"),
    ("0x7f000001", None, "127.0.0.1"),
    ("0177.0.0.1", None, "127.0.0.1"),
    ("[::1]", None, "::1"),
    ("[::ffff:127.0.0.1]", None, "::ffff:127.0.0.1"),
    ("169.254.169.254", None, "169.254.169.254"),
    ("[::ffff:169.254.169.254]", None, "::ffff:169.254.169.254"),
    ("metadata.google.internal", "169.254.169.254", "169.254.169.254"),
    ("10.0.0.1", None, "10.0.0.1"),
    ("172.16.0.1", None, "172.16.0.1"),
    ("192.168.1.1", None, "192.168.1.1"),
    ("100.64.0.1", None, "100.64.0.1"),
    ("[fd00::1]", None, "fd00::1"),
    ("[fe80::1]", None, "fe80::1"),
    ("224.0.0.1", None, "224.0.0.1"),
    ("news.example", "127.0.0.1", "127.0.0.1"),  # a public-looking name resolving to loopback
]
# Further spellings of blocked addresses: IPv4-compatible, 6to4, NAT64, broadcast, reserved.
MORE = ["[::127.0.0.1]", "[2002:7f00:1::1]", "[64:ff9b::a9fe:a9fe]", "[::]", "255.255.255.255", "240.0.0.1",
        "127.0.0.6", "[::ffff:7f00:6]", "METADATA.GOOGLE.INTERNAL"]  # fmt: skip


@pytest.mark.parametrize(("host", "answer", "ip"), IMP13, ids=[row[0] for row in IMP13])
def test_imp13_private_targets_refused_without_connecting(host, answer, ip, canary, connects, h):
    policy = h.policy(canary.port, **({"resolver": h.resolver_to(answer)} if answer else {}))
    with pytest.raises(InvalidInput) as exc:
        fetch_url(f"http://{host}:{canary.port}/", policy)
    assert exc.value.detail.startswith("address not allowed: ")
    if ip:
        assert exc.value.detail == f"address not allowed: {ip}"
    assert exc.value.errors == {"url": exc.value.detail}
    assert connects == [] and canary.connections == 0


@pytest.mark.parametrize("host", MORE)
def test_other_spellings_of_blocked_addresses(host, canary, connects, h):
    resolver = h.resolver_to("169.254.169.254") if host.startswith("METADATA") else None
    policy = h.policy(canary.port, **({"resolver": resolver} if resolver else {}))
    with pytest.raises(InvalidInput, match="address not allowed"):
        fetch_url(f"http://{host}:{canary.port}/", policy)
    assert connects == []


def test_every_resolved_address_is_checked(canary, connects, h):
    def two_answers(host, port, *args, **kwargs):
        return [(2, 1, 6, "", ("93.184.216.34", port)), (2, 1, 6, "", ("127.0.0.1", port))]

    with pytest.raises(InvalidInput, match=r"address not allowed: 127\.0\.0\.1"):
        fetch_url(
            f"http://news.example:{canary.port}/", h.policy(canary.port, resolver=two_answers)
        )
    assert connects == []


def test_resolver_failure_refuses(connects, h):
    def fails(*args, **kwargs):
        raise OSError("Name or service not known")

    with pytest.raises(SourceUnreachable, match="could not resolve"):
        fetch_url("http://nowhere.example/", h.policy(resolver=fails))
    assert connects == []


def test_slow_resolver_counts_against_the_deadline(connects, h):
    def hangs(*args, **kwargs):
        import time

        time.sleep(1.0)
        return []

    took = h.elapsed(
        lambda: pytest.raises(
            SourceTimeout, fetch_url, "http://slow.example/", h.policy(deadline=0.3, resolver=hangs)
        )
    )
    assert took < 0.8 and connects == []


def test_bad_allowed_address_is_a_configuration_error():
    with pytest.raises(ValueError):
        FetchPolicy(allowed_addresses=("not-an-ip",))


def test_allowed_address_is_reachable(serve, h):
    server = serve(h.answer(h.response(200, PAGE)))
    fetched = fetch_url(server.url("/a"), h.policy(server.port))
    assert fetched.text == PAGE.decode() and fetched.is_html and fetched.url == server.url("/a")


def _redirector(location: str, status: int = 302):
    return lambda conn, server: conn.sendall(
        f"HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n".encode()
    )


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_imp14_redirect_to_canary_refused(status, serve, canary, connects, h):
    server = serve(_redirector(f"http://127.0.0.1:{canary.port}/", status))
    with pytest.raises(InvalidInput) as exc:
        fetch_url(server.url(), h.policy(server.port, canary.port))
    assert exc.value.detail == "redirect refused: address not allowed: 127.0.0.1"
    assert connects == [(h.PUBLIC_IP, server.port)] and canary.connections == 0


@pytest.mark.parametrize(
    ("location", "message"),
    [
        (
            "http://169.254.169.254/latest/meta-data/",
            "redirect refused: address not allowed: 169.254.169.254",
        ),
        ("file:///etc/passwd", "redirect refused: scheme not allowed: file"),
        ("http://[::ffff:127.0.0.1]/", "redirect refused: address not allowed: ::ffff:127.0.0.1"),
        ("http://127.0.0.5/a\tX-Injected: 1", "redirect refused: malformed URL"),
    ],
)
def test_imp14_redirect_targets_checked_like_the_first_url(
    location, message, serve, canary, connects, h
):
    server = serve(_redirector(location))
    with pytest.raises(InvalidInput) as exc:
        fetch_url(server.url(), h.policy(server.port))
    assert exc.value.detail.startswith(message)
    assert len(connects) == 1


def _chain(conn, server):
    if server.requests[-1].startswith(b"GET /hop/end "):
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\ndone"
        )
        return
    hop = int(server.requests[-1].split(b" ")[1].rsplit(b"/", 1)[-1])
    target = f"/hop/{hop + 1}" if hop < server.chain_length else "/hop/end"
    conn.sendall(f"HTTP/1.1 301 Moved\r\nLocation: {target}\r\n\r\n".encode())


def test_imp14_ten_hop_chain_stops_after_five(serve, h):
    server = serve(_chain)
    server.chain_length = 10
    with pytest.raises(InvalidInput, match=r"too many redirects \(more than 5\)"):
        fetch_url(server.url("/hop/0"), h.policy(server.port))
    assert len(server.requests) == 6  # the first request and 5 redirects followed


def test_five_redirects_are_followed(serve, h):
    server = serve(_chain)
    server.chain_length = 3  # /hop/0 … /hop/3, then /hop/end: 5 redirects
    fetched = fetch_url(server.url("/hop/0"), h.policy(server.port))
    assert fetched.text == "done" and fetched.url == server.url("/hop/end")


def test_imp14_redirect_loop_detected(serve, h):
    def loop(conn, server):
        nxt = "/b" if server.requests[-1].startswith(b"GET /a ") else "/a"
        conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {nxt}\r\n\r\n".encode())

    server = serve(loop)
    with pytest.raises(InvalidInput, match="redirect refused: redirect loop"):
        fetch_url(server.url("/a"), h.policy(server.port))
    assert len(server.requests) == 2


def test_imp14_dns_rebinding_resolved_once_and_pinned(serve, canary, connects, h):
    calls: list[str] = []
    server = serve(h.answer(h.response(200, PAGE)))
    policy = h.policy(server.port, resolver=h.resolver_to(h.PUBLIC_IP, "127.0.0.1", calls=calls))
    fetched = fetch_url(f"http://news.example:{server.port}/", policy)
    assert fetched.text == PAGE.decode()
    assert calls == ["news.example"] and connects == [(h.PUBLIC_IP, server.port)]
    assert f"\r\nHost: news.example:{server.port}\r\n".encode() in server.requests[0]
    assert canary.connections == 0


def test_imp14_rebinding_on_redirect_is_caught(serve, canary, connects, h):
    calls: list[str] = []
    server = serve(lambda conn, srv: _redirector(f"http://news.example:{srv.port}/next")(conn, srv))
    policy = h.policy(server.port, resolver=h.resolver_to(h.PUBLIC_IP, "127.0.0.1", calls=calls))
    with pytest.raises(InvalidInput, match=r"redirect refused: address not allowed: 127\.0\.0\.1"):
        fetch_url(f"http://news.example:{server.port}/start", policy)
    assert calls == ["news.example", "news.example"] and len(connects) == 1


def test_relative_redirect_followed(serve, h):
    def handler(conn, server):
        if server.requests[-1].startswith(b"GET /old "):
            conn.sendall(b"HTTP/1.1 308 Moved\r\nLocation: ../new?x=1\r\n\r\n")
        else:
            conn.sendall(h.response(200, PAGE))

    server = serve(handler)
    assert fetch_url(server.url("/old"), h.policy(server.port)).url == server.url("/new?x=1")


IMP15 = [
    ("file:///etc/passwd", "scheme not allowed: file"),
    ("gopher://127.0.0.5:70/_x", "scheme not allowed: gopher"),
    ("ftp://127.0.0.5/x", "scheme not allowed: ftp"),
    ("dict://127.0.0.5:11211/stat", "scheme not allowed: dict"),
    ("ldap://127.0.0.5/dc=x", "scheme not allowed: ldap"),
    ("data:text/html,<script>alert(1)</script>", "scheme not allowed: data"),
    ("javascript:alert(1)", "scheme not allowed: javascript"),
    ("http://user:pass@127.0.0.5/", "credentials not allowed"),
    ("https://token@127.0.0.5/", "credentials not allowed"),
    ("http://[::1]:80@evil.example/", "credentials not allowed"),
    ("http://127.0.0.5:22/", "port not allowed: 22"),
    ("http://127.0.0.5:25/", "port not allowed: 25"),
    ("http://127.0.0.5:6379/", "port not allowed: 6379"),
    ("http://127.0.0.5:5432/", "port not allowed: 5432"),
    ("https://127.0.0.5:0/", "port not allowed: 0"),
]


@pytest.mark.parametrize(("url", "message"), IMP15, ids=[row[0][:30] for row in IMP15])
def test_imp15_schemes_ports_credentials_refused(url, message, connects, h):
    with pytest.raises(InvalidInput) as exc:
        fetch_url(url, h.policy())
    assert exc.value.detail.startswith(message)
    assert connects == []
