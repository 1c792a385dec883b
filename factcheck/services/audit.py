"""The audit trail: the only writer of audit events, and the chain verifier.

Every service that changes data calls ``record`` on the same session before the entry
point commits, so a change and its event land together or not at all. Events form one
hash chain: each hash is SHA-256 over a canonical JSON of the event and the previous
hash. Writers are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock) so
the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC
from json.encoder import encode_basestring

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from ..models import AuditEvent, iso, utcnow

GENESIS = "0" * 64
CHAIN_LOCK_KEY = 0x46_43_4B  # "FCK": the advisory lock that serialises chain writers

_context: ContextVar[dict] = ContextVar("audit_context", default={})  # noqa: B039


def set_context(**values) -> object:
    """Set request_id / client_addr / user_agent for events recorded in this context."""
    return _context.set(values)


def reset_context(token) -> None:
    _context.reset(token)


def lock_chain(session: Session) -> None:
    """Serialise writers on PostgreSQL (SQLite writers are serialised by BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK_KEY})


def canonical(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_payload(ev: AuditEvent | tuple) -> dict:
    """The hashed content of an event (a model or a row tuple in HASHED_COLUMNS order)."""
    values = ev if isinstance(ev, tuple) else tuple(getattr(ev, c) for c in HASHED_COLUMNS)
    payload = dict(zip(HASHED_COLUMNS, values, strict=True))
    payload["created_at"] = iso(payload["created_at"])
    return payload


HASHED_COLUMNS = (
    "seq", "created_at", "actor_id", "actor_label", "action", "target_type", "target_id",
    "article_id", "before", "after", "request_id", "client_addr", "user_agent", "prev_hash",
)  # fmt: skip


def compute_hash(payload: dict) -> str:
    return hashlib.sha256(canonical(payload)).hexdigest()


def changes(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Keep only the keys whose values differ (whole dicts for creations and deletions)."""
    if before is None or after is None:
        return before, after
    keys = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record(
    session: Session,
    actor,
    action: str,
    target_type: str,
    target_id: int | None,
    *,
    article_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain on this session (the caller's transaction)."""
    lock_chain(session)
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    before, after = changes(before, after)
    ctx = _context.get()
    ev = AuditEvent(
        seq=(last.seq + 1) if last else 1,
        created_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", None) or "anonymous",
        action=action,
        target_type=target_type,
        target_id=target_id,
        article_id=article_id,
        before=before,
        after=after,
        request_id=ctx.get("request_id"),
        client_addr=ctx.get("client_addr"),
        user_agent=ctx.get("user_agent"),
        prev_hash=last.hash if last else GENESIS,
    )
    ev.hash = compute_hash(event_payload(ev))
    session.add(ev)
    session.flush()
    return ev


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    first_bad_id: int | None = None
    first_bad_seq: int | None = None
    reason: str | None = None
    head_seq: int | None = None
    head_hash: str | None = None


def verify_chain(session: Session, *, head: str | None = None, processes: int = 1) -> Verification:
    """Recompute the whole chain; name the first event that does not match, and why.

    Rows are read with the driver (no ORM objects) and hashed from their stored JSON text,
    which is canonical; a row whose text is not canonical is re-encoded before judging it.
    With processes > 1 (the command line uses every core) batches of rows are hashed in a
    process pool while this process checks the links between them; each event's hash
    depends only on its own row, so the work splits cleanly.
    """
    sql = (
        "SELECT seq, created_at, actor_id, actor_label, action, target_type, target_id, article_id, "
        "CAST(before AS TEXT), CAST(after AS TEXT), request_id, client_addr, user_agent, prev_hash, "
        "hash, id FROM audit_events ORDER BY seq"
    )
    cursor = session.connection().exec_driver_sql(sql)
    try:
        if processes > 1:
            return _verify_parallel(cursor, head, processes)
        return _verify_rows(cursor, head, session.get_bind().dialect.name)
    finally:
        cursor.close()


_quote = encode_basestring  # the C string encoder canonical() uses (ensure_ascii=False)


def _j(value) -> str:
    """A scalar as canonical JSON: string, int or null (the hashed columns' types)."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return _quote(value)
    return str(value)


def _fast_hash(row, created: str) -> str:
    """sha256 of canonical(payload), built from the row without decoding its JSON columns."""
    seq, _c, actor_id, actor_label, action, target_type, target_id, article_id, before, after = row[
        :10
    ]
    request_id, client_addr, user_agent, prev_hash = row[10:14]
    text = (
        f'{{"action":{_j(action)},"actor_id":{_j(actor_id)},"actor_label":{_j(actor_label)},'
        f'"after":{after or "null"},"article_id":{_j(article_id)},"before":{before or "null"},'
        f'"client_addr":{_j(client_addr)},"created_at":"{created}","prev_hash":"{prev_hash}",'
        f'"request_id":{_j(request_id)},"seq":{seq},"target_id":{_j(target_id)},'
        f'"target_type":{_j(target_type)},"user_agent":{_j(user_agent)}}}'
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _slow_hash(row, created: str) -> str:
    values = list(row[:14])
    values[1] = created
    for i in (8, 9):
        values[i] = json.loads(values[i]) if values[i] is not None else None
    payload = dict(zip(HASHED_COLUMNS, values, strict=True))
    return compute_hash(payload)


def _created_iso(value, dialect: str = "") -> str:
    """iso() of a stored created_at, without building a datetime for SQLite's text form."""
    if isinstance(value, str):  # SQLite stores UTC as "YYYY-MM-DD HH:MM:SS.ffffff"
        text = value[:10] + "T" + value[11:]
        if text.endswith(".000000"):
            text = text[:-7]  # isoformat() leaves out zero microseconds
        return text + "Z"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return iso(value)


def _rows(cursor, size: int = 5000):
    while batch := cursor.fetchmany(size):
        yield from batch


def _verify_rows(cursor, head: str | None, dialect: str) -> Verification:
    prev, count, expected_seq, head_found = GENESIS, 0, 1, head is None
    for row in _rows(cursor):
        seq, prev_hash, stored, ev_id = row[0], row[13], row[14], row[15]
        created = _created_iso(row[1], dialect)
        bad = None
        if seq != expected_seq:
            bad = f"sequence gap: expected seq {expected_seq}, found {seq}"
        elif prev_hash != prev:
            bad = "prev_hash does not match the previous event's hash"
        elif _fast_hash(row, created) != stored and _slow_hash(row, created) != stored:
            bad = "content does not match its hash"
        if bad:
            return Verification(False, count, ev_id, seq, bad)
        prev, count, expected_seq = stored, count + 1, expected_seq + 1
        head_found = head_found or stored == head
    if not head_found:
        return Verification(
            False, count, None, None, f"head {head} not found: events are missing from the tail"
        )
    return Verification(True, count, head_seq=count or None, head_hash=prev if count else None)


def _bad_hashes(batch: list[tuple]) -> list[int]:
    """Indexes of the rows in a batch whose content does not match their stored hash."""
    out = []
    for i, row in enumerate(batch):
        created = _created_iso(row[1])
        if _fast_hash(row, created) != row[14] and _slow_hash(row, created) != row[14]:
            out.append(i)
    return out


def _verify_parallel(cursor, head: str | None, processes: int, size: int = 20_000) -> Verification:
    """Links checked here, in order; hashes checked by a pool; the first failure wins."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    prev, count, expected_seq, head_found = GENESIS, 0, 1, head is None
    link_error, batches = None, []
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
        while batch := [tuple(r) for r in cursor.fetchmany(size)]:
            for row in batch:
                if link_error is None:
                    if row[0] != expected_seq:
                        link_error = (
                            row[0],
                            row[15],
                            f"sequence gap: expected seq {expected_seq}, found {row[0]}",
                        )
                    elif row[13] != prev:
                        link_error = (
                            row[0],
                            row[15],
                            "prev_hash does not match the previous event's hash",
                        )
                    prev, expected_seq = row[14], expected_seq + 1
                    head_found = head_found or row[14] == head
            batches.append(
                (batch[0][0], [(r[0], r[15]) for r in batch], pool.submit(_bad_hashes, batch))
            )
            if link_error:
                break
        first_bad = None
        for _first_seq, ids, future in batches:
            bad = future.result()
            if bad:
                first_bad = (ids[bad[0]][0], ids[bad[0]][1], "content does not match its hash")
                break
    candidates = [e for e in (link_error, first_bad) if e]
    if candidates:
        seq, ev_id, reason = min(candidates)
        return Verification(False, seq - 1, ev_id, seq, reason)
    count = expected_seq - 1
    if not head_found:
        return Verification(
            False, count, None, None, f"head {head} not found: events are missing from the tail"
        )
    return Verification(True, count, head_seq=count or None, head_hash=prev if count else None)


def chain_head(session: Session) -> tuple[int, str] | None:
    """(seq, hash) of the latest event, or None for an empty trail."""
    row = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (row.seq, row.hash) if row else None


def count_events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0
