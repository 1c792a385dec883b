"""A minimal HTTP/1.1 client over a socket pinned to a validated IP, with one deadline for everything.

Written by hand rather than with http.client because http.client reads headers line by line
with a per-recv timeout: a server dripping one byte a second would never time out.
"""

from __future__ import annotations

import re
import socket
import ssl
import time
import zlib
from dataclasses import dataclass

from factcheck.errors import SourceTimeout, SourceUnreachable, TooLarge, UnsupportedType

USER_AGENT = "Factcheck/1.0 (+fact-checking desk)"
MAX_LINE = 8192
MAX_HEADERS = 100
MAX_HEADER_BYTES = 64 * 1024
_STATUS = re.compile(rb"HTTP/1\.[01] ([1-9][0-9]{2})(?:[ \t][^\r\n]*)?\r?\n")
_CHUNK = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;[^\r\n]*)?\r?\n")


class Clock:
    """The total deadline of one fetch: every connect, send and recv gets only what is left."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.timeout()
        return left

    def timeout(self) -> SourceTimeout:
        return SourceTimeout(f"source did not respond within {self.seconds:g} s")


def too_large(max_bytes: int) -> TooLarge:
    """The error for a body past the cap, in MB when the cap is a whole number of them."""
    mib = 1024 * 1024
    size = f"{max_bytes // mib} MB" if max_bytes % mib == 0 else f"{max_bytes} bytes"
    return TooLarge(f"source is larger than {size}")


def _tls_context() -> ssl.SSLContext:
    """Certificate and host name verification on (a function so tests can trust a local CA)."""
    return ssl.create_default_context()


def connect(ip: str, port: int, *, tls_host: str | None, clock: Clock) -> socket.socket:
    """Connect to the pinned IP (never re-resolving); for https, verify the certificate for tls_host."""
    try:
        sock = socket.create_connection((ip, port), timeout=clock.remaining())
    except TimeoutError:
        raise clock.timeout() from None
    except OSError as exc:
        raise SourceUnreachable(f"could not connect to the source: {exc.strerror or exc}") from None
    if tls_host is None:
        return sock
    try:
        sock.settimeout(clock.remaining())
        return _tls_context().wrap_socket(sock, server_hostname=tls_host)
    except TimeoutError:
        sock.close()
        raise clock.timeout() from None
    except ssl.SSLCertVerificationError as exc:
        sock.close()
        raise SourceUnreachable(f"TLS certificate not valid: {exc.verify_message or exc}") from None
    except (ssl.SSLError, OSError) as exc:
        sock.close()
        raise SourceUnreachable(f"TLS error: {exc}") from None


def send_get(sock: socket.socket, host_header: str, path: str, clock: Clock) -> None:
    """Send the request line and our fixed headers; path and host were validated (no CR/LF)."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: {USER_AGENT}\r\n"
        "Accept: text/html, text/plain;q=0.9\r\nAccept-Encoding: gzip, deflate\r\n"
        "Connection: close\r\n\r\n"
    )
    _io(lambda: sock.sendall(request.encode("ascii")), sock, clock)


def _io(operation, sock: socket.socket, clock: Clock):
    sock.settimeout(clock.remaining())
    try:
        return operation()
    except TimeoutError:
        raise clock.timeout() from None
    except OSError as exc:  # includes ssl.SSLError
        raise SourceUnreachable(f"connection to the source failed: {exc}") from None


@dataclass
class Response:
    """Status and headers (names lower-cased, every value kept)."""

    status: int
    headers: dict[str, list[str]]

    def header(self, name: str) -> str | None:
        """The last value of a header, or None."""
        values = self.headers.get(name)
        return values[-1] if values else None


class Reader:
    """Buffered reads where each recv waits at most until the deadline."""

    def __init__(self, sock: socket.socket, clock: Clock):
        self.sock, self.clock, self.buffer = sock, clock, bytearray()

    def _fill(self) -> bytes:
        data = _io(lambda: self.sock.recv(65536), self.sock, self.clock)
        self.buffer += data
        return data

    def line(self, limit: int) -> bytes:
        """One line including its LF; TooLarge past ``limit`` bytes."""
        start = 0
        while (end := self.buffer.find(b"\n", start)) < 0:
            if len(self.buffer) > limit:
                raise TooLarge("source sent a response line or header that is too long")
            start = len(self.buffer)
            if not self._fill():
                raise SourceUnreachable("source closed the connection before answering")
        if end >= limit:
            raise TooLarge("source sent a response line or header that is too long")
        line = bytes(self.buffer[: end + 1])
        del self.buffer[: end + 1]
        return line

    def some(self, limit: int) -> bytes:
        """Up to ``limit`` bytes (b"" at the end of the stream)."""
        if not self.buffer:
            self._fill()
        data = bytes(self.buffer[:limit])
        del self.buffer[:limit]
        return data


def read_head(reader: Reader) -> Response:
    """Status line and headers (1xx interim answers skipped), within fixed size limits."""
    budget = MAX_HEADER_BYTES
    while True:
        line = reader.line(MAX_LINE)
        budget -= len(line)
        if budget < 0:
            raise TooLarge("source sent too many response headers")
        if line in (b"\r\n", b"\n"):
            continue  # stray blank lines before the status line are tolerated (and time out)
        status = _STATUS.fullmatch(line)
        if not status:
            raise SourceUnreachable("source did not answer with HTTP/1.x")
        headers: dict[str, list[str]] = {}
        count, last = 0, None
        while (line := reader.line(MAX_LINE)) not in (b"\r\n", b"\n"):
            budget -= len(line)
            count += 1
            if budget < 0 or count > MAX_HEADERS:
                raise TooLarge("source sent too many response headers")
            text = line.decode("latin-1").rstrip("\r\n")
            if text[:1] in (" ", "\t") and last:  # obsolete line folding
                headers[last][-1] += " " + text.strip()
                continue
            name, sep, value = text.partition(":")
            if not sep or not name or name != name.strip():
                raise SourceUnreachable("source sent a malformed response header")
            last = name.lower()
            headers.setdefault(last, []).append(value.strip())
        code = int(status.group(1))
        if code >= 200 or code == 101:
            return Response(code, headers)


def read_body(reader: Reader, response: Response, max_bytes: int) -> bytes:
    """The body, de-chunked and decompressed, refused as soon as it passes ``max_bytes``."""
    decoder = _Decoder(response.header("content-encoding") or "", max_bytes)
    # Compressed bytes never legitimately exceed the decompressed size by more than a little.
    raw_cap = max_bytes + (65536 if decoder.zlib_mode else 0)
    raw = 0
    encodings = [
        v.strip().lower()
        for v in ",".join(response.headers.get("transfer-encoding", [])).split(",")
    ]
    if encodings[-1] == "chunked":
        while (size := _chunk_size(reader.line(1024))) > 0:
            raw += size
            if raw > raw_cap:
                raise too_large(max_bytes)
            _copy(reader, size, decoder)
            if reader.line(16) not in (b"\r\n", b"\n"):
                raise SourceUnreachable("source sent a malformed chunked body")
        for _ in range(MAX_HEADERS):  # trailer fields, ignored
            if reader.line(MAX_LINE) in (b"\r\n", b"\n"):
                break
    elif encodings != [""]:
        _copy(reader, None, decoder, raw_cap)  # any other transfer coding: the body runs to close
    elif (length := _content_length(response)) is not None:
        if length > raw_cap:
            raise too_large(max_bytes)
        _copy(reader, length, decoder)
    else:
        _copy(reader, None, decoder, raw_cap)
    return decoder.finish()


def _chunk_size(line: bytes) -> int:
    match = _CHUNK.fullmatch(line)
    if not match:
        raise SourceUnreachable("source sent a malformed chunked body")
    return int(match.group(1), 16)


def _content_length(response: Response) -> int | None:
    values = {v.strip() for v in ",".join(response.headers.get("content-length", [])).split(",")}
    values.discard("")
    if not values:
        return None
    if len(values) > 1 or not values.copy().pop().isdigit():
        raise SourceUnreachable("source sent an invalid Content-Length")
    return int(values.pop())


def _copy(reader: Reader, length: int | None, decoder: _Decoder, cap: int | None = None) -> None:
    """Move ``length`` bytes (or everything up to the close, at most ``cap``) into the decoder."""
    done = 0
    while length is None or done < length:
        data = reader.some(65536 if length is None else min(65536, length - done))
        if not data:
            if length is None:
                return
            raise SourceUnreachable("source closed the connection before the body was complete")
        done += len(data)
        if cap is not None and done > cap:
            raise too_large(decoder.max_bytes)
        decoder.feed(data)


class _Decoder:
    """Content-Encoding gzip/deflate decompressed incrementally, never past max_bytes (gzip bombs)."""

    def __init__(self, encoding: str, max_bytes: int):
        self.kind = encoding.strip().lower()
        if self.kind == "x-gzip":
            self.kind = "gzip"
        if self.kind not in ("", "identity", "gzip", "deflate"):
            raise UnsupportedType(f"unsupported content encoding: {encoding[:40]}")
        self.zlib_mode = self.kind in ("gzip", "deflate")
        self.max_bytes = max_bytes
        self.out = bytearray()
        self.fed = False
        self.z = zlib.decompressobj(31) if self.kind == "gzip" else None

    def _add(self, data: bytes) -> None:
        self.out += data
        if len(self.out) > self.max_bytes:
            raise too_large(self.max_bytes)

    def feed(self, data: bytes) -> None:
        if not self.zlib_mode:
            self._add(data)
            return
        self.fed = self.fed or bool(data)
        if self.z is None:  # "deflate" is zlib-wrapped by the standard, raw by some servers
            zlib_header = (
                len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            )
            self.z = zlib.decompressobj(15 if zlib_header else -15)
        try:
            while data:
                if self.z.eof:
                    if self.kind != "gzip" or not data.startswith(b"\x1f\x8b"):
                        return  # padding after the stream: ignored
                    self.z = zlib.decompressobj(31)  # RFC 1952 allows several gzip members
                self._add(self.z.decompress(data, self.max_bytes - len(self.out) + 1))
                data = self.z.unused_data if self.z.eof else self.z.unconsumed_tail
        except zlib.error:
            raise SourceUnreachable("source sent a corrupt compressed body") from None

    def finish(self) -> bytes:
        if self.fed and not self.z.eof:  # an empty body (204, HEAD-like) is simply empty
            raise SourceUnreachable("source sent a truncated compressed body")
        return bytes(self.out)
