"""A few server-wide slots for slow outbound fetches, so they never take every web worker.

A URL import waits on the publisher for up to FETCH_DEADLINE_SECONDS; with sync workers a
worker that waits serves nobody else, and two slow imports on a two-worker server kept
``/healthz`` and every desk page waiting for 14 s. A fetch therefore first takes one of
``slots`` exclusive flocks on files in a directory (shared by every worker process of the
machine, released by the kernel if its holder dies) without waiting: when all are held,
the fetch is refused at once with Unavailable (503, retry shortly) and the worker is free.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from factcheck.errors import N_, Unavailable

RETRY_AFTER = 5  # seconds


@contextmanager
def fetch_slot(directory: Path, slots: int) -> Iterator[int]:
    """Hold one of ``slots`` fetch slots (yields its number) or raise Unavailable at once."""
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(max(slots, 1)):
        fd = os.open(directory / f"fetch-{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            yield number
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return
    raise Unavailable(
        N_(
            "%(slots)s URL import(s) are being fetched already; try again in a few seconds",
            slots=slots,
        ),
        retry_after=RETRY_AFTER,
    )
