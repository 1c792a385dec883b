"""The body of an answer, decompressed and capped (HOSTILE.md IMP-17).

gzip/deflate are decompressed incrementally; the cap counts decompressed bytes (gzip bombs,
several gzip members) and refuses before reading when Content-Length already passes it.
"""

from __future__ import annotations

import zlib

from factcheck.errors import N_, SourceUnreachable, TooLarge, UnsupportedType
from factcheck.net.transport import Response


def too_large(max_bytes: int) -> TooLarge:
    """The error for a body past the cap, in MB when the cap is a whole number of them."""
    mib = 1024 * 1024
    size = f"{max_bytes // mib} MB" if max_bytes % mib == 0 else f"{max_bytes} bytes"
    return TooLarge(N_("source is larger than %(size)s", size=size))


def read_body(response: Response, max_bytes: int) -> bytes:
    """The body, decompressed, refused as soon as it passes ``max_bytes`` (after decompression)."""
    decoder = _Decoder(response.header("content-encoding") or "", max_bytes)
    # Compressed bytes never legitimately exceed the decompressed size by more than a little.
    raw_cap = max_bytes + (65536 if decoder.zlib_mode else 0)
    length = _content_length(response)
    if length is not None and length > raw_cap:
        raise too_large(max_bytes)
    raw = 0
    for part in response.chunks():
        raw += len(part)
        if raw > raw_cap:
            raise too_large(max_bytes)
        decoder.feed(part)
    return decoder.finish()


def _content_length(response: Response) -> int | None:
    if response.header("transfer-encoding"):
        return None
    values = {v.strip() for v in ",".join(response.headers.get("content-length", [])).split(",")}
    values.discard("")
    return int(values.pop()) if len(values) == 1 and next(iter(values)).isdigit() else None


class _Decoder:
    """Content-Encoding gzip/deflate decompressed incrementally, never past max_bytes (gzip bombs)."""

    def __init__(self, encoding: str, max_bytes: int):
        self.kind = encoding.strip().lower()
        if self.kind == "x-gzip":
            self.kind = "gzip"
        if self.kind not in ("", "identity", "gzip", "deflate"):
            raise UnsupportedType(
                N_("unsupported content encoding: %(encoding)s", encoding=encoding[:40])
            )
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
            raise SourceUnreachable(N_("source sent a corrupt compressed body")) from None

    def finish(self) -> bytes:
        if self.fed and not self.z.eof:  # an empty body (204, HEAD-like) is simply empty
            raise SourceUnreachable(N_("source sent a truncated compressed body"))
        return bytes(self.out)
