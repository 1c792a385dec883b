"""Sealing: link committed, unsealed audit events into the hash chain (docs/audit-design.md).

PostgreSQL writers insert their event without ``seq``, ``prev_hash`` and ``hash``, so no
write waits for another's. ``seal_pending`` reads the sealed head and the unsealed rows
its snapshot sees (committed ones only), in id order, computes each hash exactly as
``audit.record`` does on SQLite (over the content, the seq and the previous hash), and
writes the seals with one call of ``audit_events_seal()`` (the migration's SECURITY
DEFINER function: the app role has no UPDATE on the table). The chain's order is the
order of sealing: an event whose transaction commits late (a lower id than events
sealed already) is sealed by the next pass at a higher seq. Ids come from a sequence,
which is not transactional: a rolled-back writer leaves an id gap, and nothing waits for
it, because ``seq`` (the gapless order) is given here, not by the writer.

Every pass takes ``PASS_KEY`` for its transaction, so two passes never race (the UNIQUE
constraints on seq and prev_hash would refuse a fork anyway). The loop (jobs/seal.py)
also holds a session-level lease so that one sealer runs across app servers.
After a pass that sealed something, the head is published (``publish_head``).
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection

from factcheck.services import audit

log = logging.getLogger("factcheck.audit")
PASS_KEY = 0x46_43_53  # "FCS": one pass at a time
LEASE_KEY = 0x46_43_4C  # "FCL": held by the one sealer loop of the deployment
BATCH = 5000

_PENDING = (
    f"SELECT {audit.VERIFY_COLUMNS}, TRUE FROM audit_events WHERE seq IS NULL ORDER BY id LIMIT %d"
)
_SEAL = text(
    "SELECT audit_events_seal(CAST(:ids AS bigint[]), CAST(:seqs AS integer[]), "
    "CAST(:prevs AS text[]), CAST(:hashes AS text[]))"
)


def seal_pending(conn: Connection, *, batch: int = BATCH) -> tuple[int, tuple[int, str] | None]:
    """One pass in ``conn``'s transaction (the caller commits): seal up to ``batch`` events.

    Returns (how many were sealed, the head after the pass). SQLite seals in the writer,
    so there is never anything to seal there.
    """
    if conn.dialect.name != "postgresql":
        return 0, _head(conn)
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PASS_KEY})
    head = _head(conn)
    rows = conn.exec_driver_sql(_PENDING % int(batch)).all()
    if not rows:
        return 0, head
    seq, prev = head if head else (0, audit.GENESIS)
    ids, seqs, prevs, hashes = [], [], [], []
    for row in rows:
        seq += 1
        values = list(row)
        values[audit.SEQ], values[audit.PREV_HASH] = seq, prev
        digest = audit.hash_of_row(values, audit.created_iso(row[audit.CREATED]))
        if digest is None:  # cannot happen on PostgreSQL (json type); refuse to guess
            raise RuntimeError(f"audit event id={row[audit.ID]}: before/after is not valid JSON")
        ids.append(row[audit.ID])
        seqs.append(seq)
        prevs.append(prev)
        hashes.append(digest)
        prev = digest
    sealed = conn.execute(_SEAL, {"ids": ids, "seqs": seqs, "prevs": prevs, "hashes": hashes})
    count = sealed.scalar_one()
    if count != len(ids):  # another pass sealed some meanwhile: impossible under PASS_KEY
        raise RuntimeError(f"sealed {count} of {len(ids)} events; the pass is rolled back")
    return count, (seq, prev)


def seal_all(engine, *, head_file: str = "") -> int:
    """Seal everything pending now, in passes of BATCH, each its own transaction."""
    total = 0
    while True:
        with engine.begin() as conn:
            count, head = seal_pending(conn)
        total += count
        if count and head_file:
            publish_head(head_file, head)
        if count < BATCH:
            return total


def _head(conn: Connection) -> tuple[int, str] | None:
    row = conn.execute(audit.LAST_SEALED).first()
    return (row[0], row[1]) if row else None


def publish_head(path: str, head: tuple[int, str] | None) -> None:
    """Write "SEQ HASH" to ``path`` atomically (a reader never sees half a line).

    Point it at storage the database's owner cannot rewrite (another host's mount, a
    file a log shipper copies off): `audit verify --head "$(cut -d' ' -f2 FILE)"` then
    detects a deleted tail or a recomputed chain (README, operations)."""
    if not head:
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".audit-head-")
    try:
        with os.fdopen(fd, "w") as out:
            out.write(f"{head[0]} {head[1]}\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
