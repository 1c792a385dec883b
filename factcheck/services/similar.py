"""Previously checked claims: approved claims (in any article) that resemble a claim.

The database's own full-text index finds candidates (SQLite FTS5 over approved claims;
PostgreSQL a partial GIN index), using the wording's rarer words so that few rows need
ranking; rapidfuzz ranks the candidates. No scan in Python.
"""

from __future__ import annotations

import re
import time

from sqlalchemy import select, text
from sqlalchemy.orm import Session, joinedload

from factcheck.models import Article, Claim, ClaimStatus, iso

STOPWORDS = frozenset(
    ["the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been", "has", "have", "had", "it", "its", "this", "that", "these", "those", "he", "she", "they", "them", "his", "her", "their", "we", "our", "you", "your", "i", "not", "no", "said", "says", "will", "would", "could", "should", "may", "might", "can", "also", "than", "then", "there", "here", "who", "which", "what", "when", "where", "how", "into", "about", "over", "after", "before", "more", "most", "some", "any", "all", "one", "two"]
)  # fmt: skip
_WORD = re.compile(r"[^\W_]{3,}", re.UNICODE)
CANDIDATES, MAX_TERMS, MIN_SCORE, DOC_BUDGET, COMMON_FREQ = 60, 24, 60.0, 4000, 0.01


def search_terms(value: str) -> list[str]:
    """Distinct lower-case words worth matching (no stopwords), longest first, capped."""
    words = {w.lower() for w in _WORD.findall(value)} - STOPWORDS
    return sorted(words, key=lambda w: (-len(w), w))[:MAX_TERMS]


def _candidate_ids(session: Session, wording: str, terms: list[str], exclude_id: int) -> list[int]:
    """Approved claims sharing the wording's most telling words, from the database's index."""
    if session.get_bind().dialect.name == "postgresql":
        return _postgres_candidates(session, wording, exclude_id)
    terms = _rarest(session, terms)
    if not terms:
        return []
    sql = text(
        "SELECT rowid FROM claims_fts WHERE claims_fts MATCH :q AND rowid <> :id ORDER BY bm25(claims_fts) LIMIT :n"
    )
    query = " OR ".join(_phrase(t) for t in terms)
    return list(session.execute(sql, {"q": query, "id": exclude_id, "n": CANDIDATES}).scalars())


PG_VECTOR = "to_tsvector('english', coalesce(statement, text))"


def _postgres_candidates(session: Session, wording: str, exclude_id: int) -> list[int]:
    """Full-text over the partial GIN index, leaving out lexemes the planner's statistics
    say are common (pg_stats.most_common_elems), so few rows need ranking."""
    lexemes = (
        session.execute(
            text("SELECT lexeme FROM unnest(to_tsvector('english', :w))"), {"w": wording[:4000]}
        )
        .scalars()
        .all()
    )
    common = _common_lexemes(session)
    rare = [lx for lx in lexemes if common.get(lx, 0.0) <= COMMON_FREQ]
    chosen = rare if len(rare) >= 2 else sorted(lexemes, key=lambda lx: common.get(lx, 0.0))[:3]
    if not chosen:
        return []
    query = " | ".join("'" + lx.replace("'", "''") + "'" for lx in chosen)
    sql = text(
        f"SELECT id FROM claims WHERE status = 'approved' AND id <> :id AND {PG_VECTOR} @@ CAST(:q AS tsquery) "
        f"ORDER BY ts_rank({PG_VECTOR}, CAST(:q AS tsquery)) DESC LIMIT :n"
    )
    return list(session.execute(sql, {"q": query, "id": exclude_id, "n": CANDIDATES}).scalars())


def _common_lexemes(session: Session) -> dict[str, float]:
    """Lexeme frequencies from ANALYZE's statistics of the index expression (cached a minute)."""
    now = time.monotonic()
    if _STATS_CACHE and now - _STATS_CACHE[0] < 60:
        return _STATS_CACHE[1]
    # pg_stats shows an index's statistics to its owner only: the function (migration 0008,
    # SECURITY DEFINER) reads them for the app role
    row = session.execute(text("SELECT elems, freqs FROM claim_search_common_lexemes()")).first()
    freqs = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    _STATS_CACHE[:] = [now, freqs]
    return freqs


_STATS_CACHE: list = []


def _phrase(term: str) -> str:
    return '"' + term.replace('"', "") + '"'


def _rarest(session: Session, terms: list[str]) -> list[str]:
    """The most telling terms: rarest first, until they match about DOC_BUDGET claims.

    Counting a term's matches is cheap (FTS5 doclists); ranking every claim that shares a
    common word is not, so common words are left out unless nothing rarer matched.
    """
    count = text("SELECT count(*) FROM claims_fts WHERE claims_fts MATCH :q")
    df = sorted((session.execute(count, {"q": _phrase(t)}).scalar() or 0, t) for t in terms)
    chosen, total = [], 0
    for n, term in df:
        if n == 0:
            continue
        if chosen and len(chosen) >= 2 and total + n > DOC_BUDGET:
            break
        chosen.append(term)
        total += n
    return chosen


def similar_claims(session: Session, claim: Claim, *, limit: int = 10) -> list[dict]:
    """Approved claims resembling this one, best first, with verdict, date and article."""
    wording = claim.effective_statement
    terms = search_terms(wording)
    ids = _candidate_ids(session, wording, terms, claim.id) if terms else []
    if not ids:
        return []
    candidates = session.scalars(
        select(Claim)
        .where(Claim.id.in_(ids), Claim.status == ClaimStatus.APPROVED)
        .options(joinedload(Claim.article).load_only(Article.id, Article.title))  # not the bodies
    ).all()
    from rapidfuzz import fuzz  # on first use: a worker that never asks does not carry it

    scored = sorted(
        ((fuzz.WRatio(wording, c.effective_statement, processor=str.lower), c) for c in candidates),
        key=lambda pair: (-pair[0], pair[1].id),
    )
    return [_item(c, score) for score, c in scored if score >= MIN_SCORE][:limit]


def _item(c: Claim, score: float) -> dict:
    return {
        "claim_id": c.id, "article_id": c.article_id, "article_title": c.article.title,
        "statement": c.effective_statement, "text": c.text, "final_verdict": c.final_verdict,
        "approved_at": iso(c.approved_at), "score": round(score, 1),
    }  # fmt: skip
