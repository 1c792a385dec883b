"""URL validation and the address policy of every outbound call (HOSTILE.md §2.14, IMP-13, IMP-15,
IMP-19): which URLs parse, which ports and addresses may be reached, and the limits of one call.
Rules only: no I/O here (``client`` resolves, checks with these rules and connects)."""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from factcheck.errors import N_, InvalidInput

DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
# Characters left alone when re-quoting a path: RFC 3986 reserved and unreserved, and '%'.
_SAFE = "/%:@!$&'()*+,;=-._~?"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_CONFUSABLE_SCRIPTS = {"CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE"}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Target:
    """A validated http(s) URL: ASCII host without a trailing dot, explicit port, request path."""

    scheme: str
    host: str  # IDNA-encoded name or IP literal (no brackets)
    port: int
    path: str  # path and query, as sent in the request line

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if DEFAULT_PORTS[self.scheme] == self.port else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host_header}{self.path}"


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one outbound call (a URL import, a webhook send); private and loopback
    addresses stay blocked unless listed in ``allowed_addresses``."""

    allowed_addresses: tuple[str, ...] = ()
    allowed_ports: tuple[int, ...] = (80, 443, 8080, 8443)
    max_bytes: int = 5 * 1024 * 1024
    deadline: float = 15.0
    max_redirects: int = 5
    max_url_chars: int = 2048
    # Called once per URL as resolver(host, port, type=socket.SOCK_STREAM); getaddrinfo-shaped answer.
    resolver: Callable = field(default=socket.getaddrinfo)

    def __post_init__(self):
        # A bad entry is a configuration error: fail at startup, not at the first fetch.
        parse_networks(self.allowed_addresses)


def _invalid(message: str) -> InvalidInput:
    return InvalidInput(message, errors={"url": message})


def check_characters(url: str) -> None:
    """Refuse whitespace and control characters anywhere (a URL parser would silently drop CR/LF/TAB)."""
    for index, ch in enumerate(url):
        if ch.isspace() or unicodedata.category(ch) == "Cc":
            raise _invalid(
                N_(
                    "malformed URL: it contains a space or control character at position %(index)s",
                    index=index,
                )
            )


def parse_url(url, *, allowed_ports: tuple[int, ...], max_chars: int) -> Target:
    """Validate scheme, credentials, host and port of an absolute http(s) URL; InvalidInput otherwise."""
    if not isinstance(url, str) or not url:
        raise _invalid(N_("a URL is required"))
    if len(url) > max_chars:
        raise _invalid(N_("URL is longer than %(max_chars)s characters", max_chars=max_chars))
    check_characters(url)
    scheme = _SCHEME.match(url)
    if not scheme:
        raise _invalid(N_("malformed URL: it must start with http:// or https://"))
    name = scheme.group(1).lower()
    if name not in DEFAULT_PORTS:
        raise _invalid(N_("scheme not allowed: %(name)s (only http and https)", name=name))
    if not url[scheme.end() :].startswith("//"):
        raise _invalid(N_("malformed URL: it must start with http:// or https://"))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # bad brackets or a port that is not a number
        raise _invalid(N_("malformed URL: %(why)s", why=str(exc))) from None
    if "@" in parts.netloc:
        raise _invalid(N_("credentials not allowed in the URL"))
    host = _host(parts.netloc, parts.hostname)
    port = DEFAULT_PORTS[name] if port is None else port
    if port not in allowed_ports:
        raise _invalid(N_("port not allowed: %(port)s", port=port))
    path = quote(parts.path or "/", safe=_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_SAFE)
    return Target(scheme=name, host=host, port=port, path=path)


def _host(netloc: str, hostname: str | None) -> str:
    if not hostname:
        raise _invalid(N_("malformed URL: it has no host"))
    if netloc.startswith("["):
        try:
            return str(ipaddress.IPv6Address(hostname))
        except ValueError:
            raise _invalid(N_("malformed URL: invalid IPv6 address")) from None
    try:
        ascii_host = hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise _invalid(N_("malformed URL: invalid host name")) from None
    # One trailing dot is the fully-qualified spelling of the same name; resolve it without.
    ascii_host = ascii_host.lower().removesuffix(".")
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise _invalid(N_("malformed URL: invalid host name"))
    for label in labels:
        if label.startswith("xn--"):
            _refuse_homograph(label)
    return ascii_host


def _refuse_homograph(label: str) -> None:
    """Refuse a label mixing Latin with look-alike letters (xn--pple-43d is Cyrillic 'а' + 'pple')."""
    try:
        decoded = label.encode("ascii").decode("idna")
    except UnicodeError:
        raise _invalid(N_("malformed URL: invalid international host name")) from None
    scripts = {unicodedata.name(ch, "?").split()[0] for ch in decoded if ch.isalpha()}
    if "LATIN" in scripts and scripts & _CONFUSABLE_SCRIPTS:
        raise _invalid(
            N_(
                "host name mixes alphabets (possible look-alike of another site): %(host)s",
                host=decoded,
            )
        )


def parse_networks(entries) -> tuple[Network, ...]:
    """Parse allowed_addresses entries (IPs or CIDR networks); ValueError on a bad entry."""
    return tuple(ipaddress.ip_network(str(entry).strip(), strict=False) for entry in entries)


def is_allowed(ip: Address, allowed: tuple[Network, ...]) -> bool:
    """True when ``ip`` is globally routable, or inside an explicitly allowed network."""
    if any(ip.version == net.version and ip in net for net in allowed):
        return True
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        return is_allowed(embedded, allowed)
    return _is_public(ip)


def display(ip: Address) -> str:
    """The address as people write it (Python 3.11 prints ::ffff:127.0.0.1 as ::ffff:7f00:1)."""
    mapped = getattr(ip, "ipv4_mapped", None)
    return f"::ffff:{mapped}" if mapped is not None else str(ip)


def _is_public(ip: Address) -> bool:
    blocked = (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (ip.version == 6 and ip.is_site_local)
    )
    return ip.is_global and not blocked  # is_global is False for CGNAT 100.64/10 as well


def _embedded_ipv4(ip: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (mapped, compatible, 6to4, NAT64): judged as that."""
    if ip.version == 4:
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or (int(ip) >> 32 == 0 and int(ip) > 1):  # ::a.b.c.d (deprecated "compatible")
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None
