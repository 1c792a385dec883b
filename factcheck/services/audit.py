"""The audit trail: the only writer of audit events, and the chain verifier.

Every service that changes data calls ``record`` on the same session before the entry
point commits, so a change and its event land together or not at all. Events form one
hash chain: each hash is SHA-256 over a canonical JSON of the event and the previous
hash (docs/audit-design.md). SQLite's writers take turns (BEGIN IMMEDIATE), so a writer
links its own event into the chain; PostgreSQL's writers take no desk-wide lock: they
insert the event unsealed (with its ``digest``) and the sealer (services/sealing.py)
links committed events into the chain in id order within about a second.
"""

from __future__ import annotations

import hashlib
import json
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import UTC
from json.encoder import encode_basestring

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from factcheck.canonical import canonical_json
from factcheck.models import AuditAction, AuditEvent, Review, iso, utcnow
from factcheck.services.direct import Direct
from factcheck.settings import settings_of

GENESIS = "0" * 64

_context: ContextVar[dict] = ContextVar("audit_context", default={})  # noqa: B039


def set_context(**values) -> object:
    """Set request_id / client_addr / user_agent for events recorded in this context."""
    return _context.set(values)


def reset_context(token) -> None:
    _context.reset(token)


def context_client() -> str:
    """The client address of this context's request ("" outside a request: the CLI)."""
    return (_context.get().get("client_addr") or "")[:64]


def canonical(payload: dict) -> bytes:
    return canonical_json(payload).encode()


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


def compute_digest(payload: dict) -> str:
    """SHA-256 of the content without the chain fields (``seq``, ``prev_hash``)."""
    return compute_hash({k: v for k, v in payload.items() if k not in _CHAIN_FIELDS})


_CHAIN_FIELDS = ("seq", "prev_hash")


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
    head: tuple[int, str] | None | bool = False,
) -> dict:
    """Append one event on this session (the caller's transaction); returns its values.

    ``action`` is an AuditAction (or its value); any other name is a programming error.
    The row is written with one Core INSERT (no ORM object: SQLite's writers hold the
    database's write lock while they work, so every statement saved here is throughput).
    SQLite: the event is linked into the chain here (sealed); ``head`` is the chain's
    (seq, hash) if the caller read it in this write unit (HEAD_SEQ and HEAD_HASH as
    columns of its own query), None for an empty chain; by default it is read here.
    PostgreSQL: the event is written unsealed, for the sealer; ``head`` is not used.
    """
    action = AuditAction(action).value
    session.flush()  # the change this event describes reaches the database first
    conn = session.connection()
    sealed = conn.dialect.name != "postgresql"
    last = (conn.execute(LAST_SEALED).first() if head is False else head) if sealed else None
    before, after = changes(before, after)
    ctx = _context.get()
    values = {
        "seq": (last[0] + 1) if last else 1,
        "created_at": utcnow(),
        "actor_id": getattr(actor, "id", None),
        "actor_label": getattr(actor, "email", None) or "anonymous",
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "article_id": article_id,
        "before": before,
        "after": after,
        "request_id": ctx.get("request_id"),
        "client_addr": ctx.get("client_addr"),
        "user_agent": ctx.get("user_agent"),
        "prev_hash": last[1] if last else GENESIS,
    }
    payload = event_payload(tuple(values[c] for c in HASHED_COLUMNS))
    values["digest"] = compute_digest(payload)
    if sealed:
        values["hash"] = compute_hash(payload)
        values["entered_at"] = values["sealed_at"] = values["created_at"]
        session.info["audit_head"] = (values["seq"], values["hash"])  # published after commit
    else:
        values["seq"] = values["prev_hash"] = None
        session.info["audit_unsealed"] = True  # the "inline" sealer seals after the commit
    _INSERT[sealed].execute(conn, values)
    return values


_TABLE = AuditEvent.__table__
LAST_SEALED = (
    select(_TABLE.c.seq, _TABLE.c.hash)
    .where(_TABLE.c.seq.is_not(None))  # PostgreSQL sorts NULLs (unsealed) first
    .order_by(_TABLE.c.seq.desc())
    .limit(1)
)
# The chain's head as two columns of a caller's statement (see record's ``head``).
HEAD_SEQ = LAST_SEALED.with_only_columns(_TABLE.c.seq).scalar_subquery().label("head_seq")
HEAD_HASH = LAST_SEALED.with_only_columns(_TABLE.c.hash).scalar_subquery().label("head_hash")
# The event's INSERT on the driver's cursor (services/direct.py), with the columns each
# dialect writes: SQLite seals the event here, PostgreSQL leaves it to the sealer.
_WRITTEN = ("seq", "created_at", "actor_id", "actor_label", "action", "target_type", "target_id",
            "article_id", "before", "after", "request_id", "client_addr", "user_agent",
            "prev_hash", "digest")  # fmt: skip
_INSERT = {
    True: Direct(_TABLE.insert(), [*_WRITTEN, "hash", "entered_at", "sealed_at"]),
    False: Direct(_TABLE.insert(), list(_WRITTEN)),
}


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    first_bad_id: int | None = None
    first_bad_seq: int | None = None
    reason: str | None = None
    head_seq: int | None = None
    head_hash: str | None = None
    unsealed: int = 0  # events awaiting the sealer (all within the limit when ok)
    oldest_unsealed_s: float | None = None


def verify_chain(
    session: Session,
    *,
    head: str | None = None,
    processes: int = 1,
    chunk: int = 50_000,
    limit: float | None = None,
) -> Verification:
    """Recompute the whole chain; name the first event that does not match, and why.

    Rows are read with the driver (no ORM objects) and hashed from their stored JSON text,
    which is canonical; a row whose text is not canonical is re-encoded before judging it.
    With processes > 1 (the command line's default: one per core) the sequence range is cut
    into chunks of ``chunk`` events that worker processes read and check on connections of
    their own, and this process checks the links between the chunks. Events up to the head
    seen at the start never change (the table is append-only), so the workers' snapshots
    agree, and the first failure in sequence order is the one a single pass reports.
    Then the events not sealed yet (services/sealing.py): each must match its digest and
    be younger than ``limit`` seconds (default: the AUDIT_SEAL_LIMIT setting). ``head``
    may also be an event's digest (a report's last event), found sealed or not.
    """
    if limit is None:
        limit = settings_of(session).AUDIT_SEAL_LIMIT
    dialect = session.get_bind().dialect.name
    result = None
    if processes > 1:
        last = session.scalar(select(func.max(AuditEvent.seq))) or 0
        session.rollback()  # the workers read their own snapshots
        if last > chunk:
            url = session.get_bind().url.render_as_string(hide_password=False)
            result = _verify_parallel(url, dialect, head, processes, chunk, last)
    if result is None:
        cursor = session.connection().exec_driver_sql(_select(dialect), execution_options=_STREAM)
        try:
            part = _check_part(_rows(cursor), 1, head)
        finally:
            cursor.close()
        result = _stitch([part], head)
    if not result.ok and result.first_bad_id is None and _digest_stored(session, head):
        # head names an event by its digest: the chain itself verified
        result = replace(result, ok=True, reason=None, head_seq=result.events or None)
    if not result.ok:
        return result
    return _check_unsealed(session, dialect, result, limit)


def verify_since(
    session: Session, since: tuple[int, str], *, head: str | None = None, limit: float | None = None
) -> Verification:
    """Check only the events after a head kept from an earlier verification: (seq, hash).

    The kept event must still be at that seq with that hash (a rewritten or truncated chain
    fails here), then every later event is checked as ``verify_chain`` does, linking from the
    kept hash, and the unsealed ones after it. Events before the kept head are not read:
    they were verified when the head was kept, and the table is append-only (triggers), so
    this is the check to run often; a full ``verify_chain`` stays the periodic one.
    """
    if limit is None:
        limit = settings_of(session).AUDIT_SEAL_LIMIT
    seq, kept = int(since[0]), since[1]
    stored = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))
    if stored is None:
        reason = f"kept head seq {seq} not found: events are missing from the tail"
        return Verification(False, 0, None, seq, reason)
    if stored != kept:
        reason = f"the event at seq {seq} no longer has the kept hash: the chain was rewritten"
        return Verification(False, 0, None, seq, reason)
    dialect = session.get_bind().dialect.name
    cursor = session.connection().exec_driver_sql(
        _select(dialect, seq + 1), execution_options=_STREAM
    )
    try:
        part = _check_part(_rows(cursor), seq + 1, head)
    finally:
        cursor.close()
    result = _stitch([part], head if head != kept else None, start=(seq + 1, kept))
    if result.ok and not result.events:  # nothing new since the kept head
        result = replace(result, head_seq=seq, head_hash=kept)
    if not result.ok:
        return result
    return _check_unsealed(session, dialect, result, limit)


def _digest_stored(session: Session, head: str | None) -> bool:
    """``head`` is an event's digest (a report's last event): is that event stored?"""
    return (
        bool(head)
        and session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.digest == head)
        )
        > 0
    )


def _check_unsealed(session: Session, dialect: str, sealed: Verification, limit: float):
    """Events not sealed yet: each matches its digest, and none is older than ``limit``
    seconds by the database's clock (the sealer is down, or an old row was forged)."""
    now = "clock_timestamp()" if dialect == "postgresql" else "strftime('%Y-%m-%d %H:%M:%f')"
    age = (
        f"EXTRACT(EPOCH FROM {now} - entered_at)" if dialect == "postgresql"
        else f"(julianday({now}) - julianday(coalesce(entered_at, created_at))) * 86400"
    )  # fmt: skip
    if not count_unsealed(session):  # the partial index (and a schema older than digests)
        return sealed
    rows = session.connection().exec_driver_sql(
        f"SELECT {VERIFY_COLUMNS}, TRUE, digest, {age} FROM audit_events "
        "WHERE seq IS NULL ORDER BY id"
    )
    count, oldest = 0, None
    for row in rows:
        ev_id, age_s = row[ID], float(row[AGE] if row[AGE] is not None else 0)
        if _digest_of(row) != row[DIGEST]:
            reason = "content does not match its digest (unsealed)"
            return replace(sealed, ok=False, first_bad_id=ev_id, reason=reason)
        if age_s > limit:
            reason = f"unsealed for {age_s:.0f} s (limit {limit:g} s): is the sealer running?"
            return replace(sealed, ok=False, first_bad_id=ev_id, reason=reason)
        count, oldest = count + 1, max(oldest or 0.0, age_s)
    return replace(sealed, unsealed=count, oldest_unsealed_s=oldest)


def _digest_of(row) -> str | None:
    values = list(row[PAYLOAD])
    values[CREATED] = created_iso(row[CREATED])
    try:
        for i in (BEFORE, AFTER):
            values[i] = json.loads(values[i]) if values[i] is not None else None
    except ValueError:
        return None
    return compute_digest(dict(zip(HASHED_COLUMNS, values, strict=True)))


_quote = encode_basestring  # the C string encoder canonical() uses (ensure_ascii=False)


def _j(value) -> str:
    """A scalar as canonical JSON: string, int or null (the hashed columns' types)."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return _quote(value)
    return str(value)


def _fast_hash(row, created: str) -> str:
    """sha256 of canonical(payload), built from the row without decoding its JSON columns.

    Only sound when ``before`` and ``after`` hold valid JSON (the select's last column says
    so): spliced text that is not one JSON value could shift the boundaries between fields.
    Strings and integers are written inline (the common case, about 20% faster than a call
    per field); anything else goes through _j.
    """
    seq, _c, actor_id, actor_label, action, target_type, target_id, article_id, before, after = row[
        :10
    ]
    request_id, client_addr, user_agent, prev_hash = row[10:14]
    text = (
        f'{{"action":{_quote(action) if action.__class__ is str else _j(action)},'
        f'"actor_id":{actor_id if actor_id.__class__ is int else _j(actor_id)},'
        f'"actor_label":{_quote(actor_label) if actor_label.__class__ is str else _j(actor_label)},'
        f'"after":{after or "null"},'
        f'"article_id":{article_id if article_id.__class__ is int else _j(article_id)},'
        f'"before":{before or "null"},'
        f'"client_addr":{_quote(client_addr) if client_addr.__class__ is str else _j(client_addr)},'
        f'"created_at":"{created}","prev_hash":"{prev_hash}",'
        f'"request_id":{_quote(request_id) if request_id.__class__ is str else _j(request_id)},'
        f'"seq":{seq},"target_id":{target_id if target_id.__class__ is int else _j(target_id)},'
        f'"target_type":{_quote(target_type) if target_type.__class__ is str else _j(target_type)},'
        f'"user_agent":{_quote(user_agent) if user_agent.__class__ is str else _j(user_agent)}}}'
    )
    return hashlib.sha256(text.encode()).hexdigest()


def hash_of_row(row, created: str) -> str | None:
    """sha256 of canonical(payload) after decoding the JSON columns; None if they do not decode."""
    values = list(row[PAYLOAD])
    values[CREATED] = created
    try:
        for i in (BEFORE, AFTER):
            values[i] = json.loads(values[i]) if values[i] is not None else None
    except ValueError:
        return None
    payload = dict(zip(HASHED_COLUMNS, values, strict=True))
    return compute_hash(payload)


def created_iso(value, dialect: str = "") -> str:
    """iso() of a stored created_at, without building a datetime for SQLite's text form."""
    if isinstance(value, str):  # SQLite stores UTC as "YYYY-MM-DD HH:MM:SS.ffffff"
        text = value[:10] + "T" + value[11:]
        if text.endswith(".000000"):
            text = text[:-7]  # isoformat() leaves out zero microseconds
        return text + "Z"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return iso(value)


VERIFY_COLUMNS = (
    "seq, created_at, actor_id, actor_label, action, target_type, target_id, article_id, "
    "CAST(before AS TEXT), CAST(after AS TEXT), request_id, client_addr, user_agent, prev_hash, "
    "hash, id"
)
# Positions in a row of ``SELECT VERIFY_COLUMNS, <json valid>[, digest, age]``: the first 14
# are HASHED_COLUMNS' values in the payload's order; plain ints because verify reads them for
# every one of a million rows (an IntEnum's attribute look-up costs more than the indexing).
SEQ, CREATED, BEFORE, AFTER, PREV_HASH, HASH, ID, JSON_VALID, DIGEST, AGE = (
    0,
    1,
    8,
    9,
    13,
    14,
    15,
    16,
    17,
    18,
)
PAYLOAD = slice(0, 14)


def _select(dialect: str, lo: int | None = None, hi: int | None = None) -> str:
    """The rows of seq lo..hi (open ends when None), with a flag: is their JSON valid?

    SQLite keeps JSON as text and accepts anything; PostgreSQL's json type refuses invalid
    text on write.
    """
    valid = (
        "(before IS NULL OR json_valid(before)) AND (after IS NULL OR json_valid(after))"
        if dialect == "sqlite"
        else "TRUE"
    )
    bounds = ["seq IS NOT NULL"]  # sealed rows: the unsealed are judged by _check_unsealed
    bounds += [f"seq >= {int(lo)}"] if lo is not None else []
    bounds += [f"seq <= {int(hi)}"] if hi is not None else []
    return f"SELECT {VERIFY_COLUMNS}, {valid} FROM audit_events WHERE {' AND '.join(bounds)} ORDER BY seq"


# Read the trail in batches through a server-side cursor (PostgreSQL; SQLite's cursor is
# lazy already): a client-side result held all 1,000,000 rows at once (904 MiB in the
# process that verifies, a web worker for the audit page and the API).
_STREAM = {"stream_results": True, "max_row_buffer": 5000}


def _rows(cursor, size: int = 5000):
    while batch := cursor.fetchmany(size):
        yield from batch


@dataclass
class _Part:
    """One run of consecutive rows checked on its own; its first link is checked by _stitch."""

    first: tuple[int, int, str] | None = None  # (seq, id, prev_hash) of its first row
    last_seq: int = 0
    last_hash: str = ""
    count: int = 0  # rows that passed before the error, if any
    error: tuple[int, int, str] | None = None  # (seq, id, reason)
    head_found: bool = False


def _check_part(rows, expected_seq: int, head: str | None) -> _Part:
    part, prev = _Part(), None
    for row in rows:
        seq, prev_hash, stored, ev_id = row[SEQ], row[PREV_HASH], row[HASH], row[ID]
        if part.first is None:
            part.first, prev = (seq, ev_id, prev_hash), prev_hash
        created = created_iso(row[CREATED])
        bad = None
        if seq != expected_seq:
            bad = f"sequence gap: expected seq {expected_seq}, found {seq}"
        elif prev_hash != prev:
            bad = "prev_hash does not match the previous event's hash"
        elif not row[JSON_VALID]:
            bad = "content does not match its hash (before/after is not valid JSON)"
        elif _fast_hash(row, created) != stored and hash_of_row(row, created) != stored:
            bad = "content does not match its hash"
        if bad:
            part.error = (seq, ev_id, bad)
            return part
        prev, expected_seq, part.count = stored, expected_seq + 1, part.count + 1
        part.last_seq, part.last_hash = seq, stored
        part.head_found = part.head_found or stored == head
    return part


def _stitch(
    parts: list[_Part], head: str | None, start: tuple[int, str] = (1, GENESIS)
) -> Verification:
    """Join the parts in sequence order; the first failure in that order wins. ``start``:
    the first seq expected and the hash its prev_hash must name (GENESIS: from the start)."""
    (expected, prev), count, head_found = start, 0, head is None
    before = start[0] - 1  # events before the first checked (verify_since)
    for part in parts:
        if part.first is None:
            continue  # a range with no rows: the next part's first row shows the gap
        seq, ev_id, first_prev = part.first
        if seq != expected:
            return Verification(
                False, count, ev_id, seq, f"sequence gap: expected seq {expected}, found {seq}"
            )
        if first_prev != prev:
            return Verification(
                False, count, ev_id, seq, "prev_hash does not match the previous event's hash"
            )
        if part.error:
            bad_seq, bad_id, reason = part.error
            return Verification(False, count + part.count, bad_id, bad_seq, reason)
        expected, prev, count = part.last_seq + 1, part.last_hash, count + part.count
        head_found = head_found or part.head_found
    if not head_found:
        return Verification(
            False,
            count,
            None,
            None,
            f"head {head} not found: events are missing from the tail",
            head_hash=prev if count else None,
        )
    return Verification(
        True, count, head_seq=(before + count) or None, head_hash=prev if count else None
    )


def _verify_range(url: str, dialect: str, lo: int | None, hi: int | None, head: str | None):
    """Worker: check seq lo..hi on a connection of its own."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            cursor = conn.exec_driver_sql(_select(dialect, lo, hi), execution_options=_STREAM)
            return _check_part(_rows(cursor), lo or 1, head)
    finally:
        engine.dispose()


def _verify_parallel(
    url: str, dialect: str, head: str | None, processes: int, chunk: int, last: int
) -> Verification:
    """Chunks of the sequence checked by a pool. The first chunk has no lower bound and the
    last no upper bound, so rows outside 1..last (forged, or appended meanwhile) are read."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    starts = list(range(1, last + 1, chunk))
    ranges = [
        (None if i == 0 else lo, None if i == len(starts) - 1 else lo + chunk - 1)
        for i, lo in enumerate(starts)
    ]
    context = multiprocessing.get_context("fork")  # the workers need no imports of their own
    with ProcessPoolExecutor(min(processes, len(ranges)), mp_context=context) as pool:
        futures = [pool.submit(_verify_range, url, dialect, lo, hi, head) for lo, hi in ranges]
        parts = [f.result() for f in futures]
    return _stitch(parts, head)


def last_article_event(article_id):
    """SELECT the digest of the latest event that changed an article (``article_id`` may be
    a column, for a correlated subquery); its hash for an event older than digests. The
    digest exists at the writer's commit, so a report never waits for the sealer, and
    `audit verify --head` accepts it. Latest by id (the writers' order: an event is sealed
    a moment later). Exports are skipped: they change no content, and a report naming its
    own export would change with every export."""
    return (
        select(func.coalesce(AuditEvent.digest, AuditEvent.hash))
        .where(
            AuditEvent.article_id == article_id, AuditEvent.action != AuditAction.REPORT_EXPORTED
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def last_article_event_seen(article_id: int, viewer_id: int | None):
    """last_article_event as a reviewer under blind review may know it: another's review
    event counts only on a claim the viewer has reviewed too (else a report's "last event"
    would change, for them, when someone reviews a claim whose reviews they may not read)."""
    mine = select(Review.claim_id).where(Review.reviewer_id == (viewer_id or 0))
    readable = select(Review.id).where(Review.claim_id.in_(mine))
    return last_article_event(article_id).where(
        or_(
            AuditEvent.target_type != "review",
            AuditEvent.actor_id == viewer_id,
            AuditEvent.target_id.in_(readable),
        )
    )


def chain_head(session: Session) -> tuple[int, str] | None:
    """(seq, hash) of the latest sealed event, or None for an empty trail."""
    row = session.execute(LAST_SEALED).first()
    return (row.seq, row.hash) if row else None


def count_unsealed(session: Session) -> int:
    return (
        session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.seq.is_(None)))
        or 0
    )


def count_events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0
