"""The one way out to another machine: resolve once, check every address, connect to a
checked one, speak HTTP/1.1 within one total deadline (HOSTILE.md §2.14, IMP-13 … IMP-16, FLT-11).

URL import (``fetch``) and webhook sends (``post``) both go through ``request``:

- ``resolve_target`` asks the policy's resolver once; every address must pass the address
  rules of ``policy`` (IPv4-mapped and other embedded IPv6 forms judged as the IPv4 they
  carry; decimal, hex and short IPv4 forms as the resolver reads them), or none is used.
- ``transport`` connects to one of those addresses and nowhere else: nothing re-resolves
  between the check and the connect (no DNS rebinding), and TLS checks the certificate for,
  and sends SNI of, the URL's host name. HTTP/1.1 itself is httpcore's (h11) on that socket.
- Redirects are never followed here: ``fetch`` follows them by hand, each new URL checked
  like the first; ``post`` reports them. ``body.read_body`` caps after decompression.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import ip_address
from typing import TYPE_CHECKING

from factcheck.errors import N_, FactcheckError, InvalidInput, SourceTimeout, SourceUnreachable
from factcheck.net.policy import (
    FetchPolicy,
    Target,
    display,
    is_allowed,
    parse_networks,
    parse_url,
)

if TYPE_CHECKING:  # the transport (httpcore, ~1 MiB) is imported when a request is sent
    from factcheck.net.transport import Clock, Response

MAX_ERROR_CHARS = 500


def _invalid(message: str) -> InvalidInput:
    return InvalidInput(message, errors={"url": message})


def resolve_target(target: Target, policy: FetchPolicy, clock: Clock) -> tuple[str, ...]:
    """Resolve once, in a thread so the deadline holds; every address must be allowed, or none
    is used. A failed or empty lookup refuses (never fails open).

    Raises InvalidInput for an address the policy does not allow (and only for that),
    SourceUnreachable when the name does not resolve, SourceTimeout past the deadline.
    """
    allowed = parse_networks(policy.allowed_addresses)
    outcome: dict = {}

    def run():
        try:
            outcome["infos"] = policy.resolver(target.host, target.port, type=socket.SOCK_STREAM)
        except Exception as exc:  # reported below: a failed lookup refuses
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="factcheck-resolve", daemon=True)
    thread.start()
    thread.join(clock.remaining())
    if thread.is_alive():
        raise SourceTimeout(
            N_(
                "could not resolve %(host)s within %(seconds)s s",
                host=target.host,
                seconds=format(clock.seconds, "g"),
            )
        )
    ips: list[str] = []
    for info in outcome.get("infos") or ():
        ip = ip_address(str(info[4][0]).split("%")[0])
        if not is_allowed(ip, allowed):
            raise _invalid(N_("address not allowed: %(address)s", address=display(ip)))
        if str(ip) not in ips:
            ips.append(str(ip))
    if not ips:
        raise SourceUnreachable(N_("could not resolve %(host)s", host=target.host))
    return tuple(ips)


@dataclass(frozen=True)
class CheckedUrl:
    """A URL that passed the address rules, with the addresses it resolved to."""

    url: str
    target: Target
    addresses: tuple[str, ...]


def check_url(url, policy: FetchPolicy) -> CheckedUrl:
    """Validate a URL to call later (a webhook endpoint) like a URL import: scheme, port and
    every resolved address; InvalidInput (on the ``url`` field) for anything refused."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput(N_("url is required"), errors={"url": N_("required")})
    target = parse_url(
        url.strip(), allowed_ports=policy.allowed_ports, max_chars=policy.max_url_chars
    )
    from factcheck.net.transport import Clock

    clock = Clock(min(policy.deadline, 10.0), peer=N_("receiver"))
    try:
        addresses = resolve_target(target, policy, clock)
    except InvalidInput as exc:  # the person registering it is told which rule refused it
        raise _invalid(N_("%(why)s (private, loopback or reserved)", why=exc.detail)) from None
    except SourceUnreachable as exc:
        raise _invalid(exc.detail) from None
    return CheckedUrl(url=target.url, target=target, addresses=addresses)


def request(
    method: str,
    target: Target,
    *,
    policy: FetchPolicy,
    clock: Clock,
    headers: Iterable[tuple[str, str]],
    body: bytes | None = None,
) -> Response:
    """Resolve and check ``target``'s host, connect to a checked address, send one request
    and read the answer's head; the caller closes the Response (``with``).

    InvalidInput only when the policy refuses an address; otherwise SourceUnreachable,
    SourceTimeout or TooLarge.
    """
    ips = resolve_target(target, policy, clock)
    from factcheck.net.transport import connect, exchange

    return exchange(connect(target, ips, clock), method, target, headers, body)


# -- webhook sends ---------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one send came to: delivered (2xx), or the status and error to record and retry."""

    ok: bool
    status_code: int | None = None
    error: str | None = None


def post(url: str, body: bytes, headers: dict[str, str], *, policy: FetchPolicy,
         timeout: float) -> Outcome:  # fmt: skip
    """POST ``body`` to ``url`` through a connection pinned to a checked address, within
    ``timeout`` in all; a 3xx is reported, never followed. Never raises."""
    from factcheck.net.transport import Clock

    clock = Clock(timeout, peer=N_("receiver"))
    fields = [*headers.items(), ("Content-Length", str(len(body))), ("Connection", "close")]
    try:
        target = parse_url(url, allowed_ports=policy.allowed_ports, max_chars=policy.max_url_chars)
        with request("POST", target, policy=policy, clock=clock, headers=fields, body=body) as r:
            status, location = r.status, r.header("location")
    except FactcheckError as exc:
        return Outcome(False, None, exc.detail[:MAX_ERROR_CHARS])
    if 200 <= status < 300:
        return Outcome(True, status)
    if 300 <= status < 400:
        where = (location or "")[:200]
        return Outcome(False, status, f"HTTP {status}: redirect not followed"
                       + (f" (Location: {where})" if where else ""))  # fmt: skip
    return Outcome(False, status, f"HTTP {status}")
