"""The pinned connection: a socket to an address the policy already checked, TLS for the
URL's host name, one total deadline, and httpcore's HTTP/1.1 (h11) spoken over it.

``client`` decides where to connect (resolve once, check every address); this module never
resolves a name. httpcore's timeouts are per operation, so ``PinnedStream`` ignores them and
gives each recv and send only what is left of the call's ``Clock``: a server dripping one
byte a second cannot stretch the deadline. One request per connection (``Connection: close``).
"""

from __future__ import annotations

import socket
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import httpcore

from factcheck.errors import N_, SourceTimeout, SourceUnreachable, TooLarge
from factcheck.net.policy import Target

MAX_LINE = 8192
MAX_HEADERS = 100
MAX_HEADER_BYTES = 64 * 1024
_STATUS_LINES = (b"HTTP/1.1", b"HTTP/1.0")


class Clock:
    """The total deadline of one call: resolving, connecting, TLS, every send and recv get
    only what is left. ``peer`` names the other side in error messages (source, receiver)."""

    def __init__(self, seconds: float, peer: str = N_("source")):
        self.seconds, self.peer = seconds, peer
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.timeout()
        return left

    def timeout(self) -> SourceTimeout:
        return SourceTimeout(
            N_(
                "%(peer)s did not respond within %(seconds)s s",
                peer=self.peer,
                seconds=format(self.seconds, "g"),
            )
        )


def _tls_context() -> ssl.SSLContext:
    """Certificate and host name verification on (a function so tests can trust a local CA)."""
    return ssl.create_default_context()


class PinnedStream(httpcore.NetworkStream):
    """A socket already connected to a checked address (and through TLS for https).

    httpcore's timeouts are per operation; this stream ignores them and gives each recv and
    send only what is left of the call's Clock. It also reads the start of the answer:
    blank lines before the status line are skipped (within the header budget, and the
    deadline), and anything that does not start like ``HTTP/1.x`` is refused at once.
    """

    def __init__(self, sock: socket.socket, clock: Clock):
        self.sock, self.clock = sock, clock
        self.eof = False
        self._answered = False
        self._start = b""
        self._blank = 0

    def _recv(self, max_bytes: int) -> bytes:
        self.sock.settimeout(self.clock.remaining())
        try:
            data = self.sock.recv(max_bytes)
        except TimeoutError:
            raise self.clock.timeout() from None
        except OSError as exc:  # includes ssl.SSLError
            raise httpcore.ReadError(str(exc)) from exc
        self.eof = not data
        return data

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._answered:
            return self._recv(max_bytes)
        while True:
            data = self._recv(max_bytes)
            if not data:
                self._answered = True
                return self._start
            if not self._start:
                kept = data.lstrip(b"\r\n")
                self._blank += len(data) - len(kept)
                if self._blank > MAX_HEADER_BYTES:
                    raise TooLarge(
                        N_("%(peer)s sent too many response headers", peer=self.clock.peer)
                    )
                data = kept
            self._start += data
            n = min(len(self._start), len(_STATUS_LINES[0]))
            if all(self._start[:n] != line[:n] for line in _STATUS_LINES):
                raise SourceUnreachable(
                    N_("%(peer)s did not answer with HTTP/1.x", peer=self.clock.peer)
                )
            if n == len(_STATUS_LINES[0]):
                self._answered = True
                data, self._start = self._start, b""
                return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        view = memoryview(buffer)
        while view:
            self.sock.settimeout(self.clock.remaining())
            try:
                sent = self.sock.send(view)
            except TimeoutError:
                raise self.clock.timeout() from None
            except OSError as exc:  # httpcore then still reads an early answer, if any
                raise httpcore.WriteError(str(exc)) from exc
            view = view[sent:]

    def close(self) -> None:
        self.sock.close()

    def get_extra_info(self, info: str):
        if info == "ssl_object":
            return self.sock if isinstance(self.sock, ssl.SSLSocket) else None
        if info == "socket":
            return self.sock
        return None


def connect(target: Target, ips: Iterable[str], clock: Clock) -> PinnedStream:
    """Connect to the first checked address that answers; never to anything else."""
    error: Exception | None = None
    for ip in ips:  # only the checked addresses, in the resolver's order
        try:
            sock = socket.create_connection((ip, target.port), timeout=clock.remaining())
        except TimeoutError:
            raise clock.timeout() from None
        except OSError as exc:
            error = SourceUnreachable(
                N_(
                    "could not connect to the %(peer)s: %(why)s",
                    peer=clock.peer,
                    why=str(exc.strerror or exc),
                )
            )
            continue
        try:
            if target.scheme == "https":
                sock = _start_tls(sock, target.host, clock)
        except SourceUnreachable as exc:
            error = exc
            continue
        return PinnedStream(sock, clock)
    raise error or SourceUnreachable(N_("could not connect to the %(peer)s", peer=clock.peer))


def _start_tls(sock: socket.socket, host: str, clock: Clock) -> ssl.SSLSocket:
    """TLS with SNI and the certificate checked for the URL's host name, not the address."""
    try:
        sock.settimeout(clock.remaining())
        return _tls_context().wrap_socket(sock, server_hostname=host)
    except TimeoutError:
        sock.close()
        raise clock.timeout() from None
    except ssl.SSLCertVerificationError as exc:
        sock.close()
        raise SourceUnreachable(
            N_("TLS certificate not valid: %(why)s", why=str(exc.verify_message or exc))
        ) from None
    except (ssl.SSLError, OSError) as exc:
        sock.close()
        raise SourceUnreachable(N_("TLS error: %(why)s", why=str(exc))) from None
    except BaseException:
        sock.close()
        raise


class _Connection(httpcore.HTTP11Connection):
    """httpcore's HTTP/1.1 connection; h11 refuses a response head past the header budget."""

    MAX_INCOMPLETE_EVENT_SIZE = MAX_HEADER_BYTES


def exchange(
    stream: PinnedStream,
    method: str,
    target: Target,
    headers: Iterable[tuple[str, str]],
    body: bytes | None = None,
) -> Response:
    """Send one request on ``stream`` (Host first, then ``headers`` in order, exactly) and read
    the answer's head; the caller closes the Response. The stream is closed on any error."""
    url = httpcore.URL(scheme=target.scheme, host=target.host, port=target.port, target=target.path)
    connection = _Connection(url.origin, stream)
    try:
        sent = httpcore.Request(method, url, headers=[("Host", target.host_header), *headers],
                                content=body)  # fmt: skip
        with _protocol_errors(stream, body=False):
            raw = connection.handle_request(sent)
    except BaseException:
        connection.close()
        raise
    try:
        return Response(raw, stream)
    except BaseException:
        raw.close()
        raise


class Response:
    """Status and headers of an answer (names lower-cased, every value kept); the body is
    read with ``read_body`` or ``chunks``; ``close`` ends the connection."""

    def __init__(self, raw: httpcore.Response, stream: PinnedStream):
        self.status = raw.status
        self.headers: dict[str, list[str]] = {}
        self._raw, self._stream = raw, stream
        fields = raw.headers
        peer = stream.clock.peer
        if (
            len(fields) > MAX_HEADERS
            or sum(len(n) + len(v) + 4 for n, v in fields) > MAX_HEADER_BYTES
        ):
            raise TooLarge(N_("%(peer)s sent too many response headers", peer=peer))
        for name, value in fields:
            if len(name) + len(value) + 4 > MAX_LINE:
                raise TooLarge(N_("%(peer)s sent a response header that is too long", peer=peer))
            self.headers.setdefault(name.decode("latin-1").lower(), []).append(
                value.decode("latin-1")
            )

    def header(self, name: str) -> str | None:
        """The last value of a header, or None."""
        values = self.headers.get(name)
        return values[-1] if values else None

    def chunks(self) -> Iterator[bytes]:
        """The body as it arrives, de-chunked (still content-encoded)."""
        parts = iter(self._raw.iter_stream())
        while True:
            with _protocol_errors(self._stream, body=True):
                part = next(parts, None)
            if part is None:
                return
            yield part

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextmanager
def _protocol_errors(stream: PinnedStream, *, body: bool):
    """httpcore's errors as domain errors, worded for the person reading them."""
    peer = stream.clock.peer
    try:
        yield
    except httpcore.RemoteProtocolError as exc:
        if getattr(exc.__cause__, "error_status_hint", None) == 431:  # h11: head too long
            raise TooLarge(N_("%(peer)s sent too many response headers", peer=peer)) from None
        if stream.eof:
            if body:
                raise SourceUnreachable(
                    N_("%(peer)s closed the connection before the body was complete", peer=peer)
                ) from None
            raise SourceUnreachable(
                N_("%(peer)s closed the connection before answering", peer=peer)
            ) from None
        raise SourceUnreachable(
            N_("%(peer)s sent a malformed response: %(why)s", peer=peer, why=str(exc))
        ) from None
    except httpcore.LocalProtocolError as exc:
        raise SourceUnreachable(N_("could not send the request: %(why)s", why=str(exc))) from None
    except httpcore.NetworkError as exc:
        raise SourceUnreachable(
            N_("connection to the %(peer)s failed: %(why)s", peer=peer, why=str(exc))
        ) from None
    except httpcore.TimeoutException:
        raise stream.clock.timeout() from None
