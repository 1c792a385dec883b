"""Previously checked claims: approved claims (in any article) that resemble a claim.

The database's own full-text index finds candidates (SQLite FTS5 over approved claims;
PostgreSQL a partial GIN index), using the wording's rarer words so that few rows need
ranking; `text.similarity` scores each candidate with a probability of being the same check,
calibrated on the desk's labelled pairs, and only candidates at or above its threshold are
offered (a bare string ratio offered unrelated claims at ~86 %). No scan in Python.
"""

from __future__ import annotations

import re
import time

from sqlalchemy import select, text
from sqlalchemy.orm import Session, joinedload

from factcheck.models import Article, Claim, ClaimStatus, iso
from factcheck.text.similarity import THRESHOLD, probability

STOPWORDS = frozenset(
    ["the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as", "is", "are", "was", "were", "be", "been", "has", "have", "had", "it", "its", "this", "that", "these", "those", "he", "she", "they", "them", "his", "her", "their", "we", "our", "you", "your", "i", "not", "no", "said", "says", "will", "would", "could", "should", "may", "might", "can", "also", "than", "then", "there", "here", "who", "which", "what", "when", "where", "how", "into", "about", "over", "after", "before", "more", "most", "some", "any", "all", "one", "two"]
)  # fmt: skip
# The commonest function words of the other languages (SQLite's FTS5 has no stemmer or
# stopword list for them: porter is English).
OTHER_STOPWORDS = {
    "es": "el la los las un una unos unas y o pero de del al a en por para con sin que se su sus es son fue era ha han había este esta estos estas ese esa lo le les no sí como más muy dijo según también entre sobre desde hasta",
    "fr": "le la les un une des et ou mais de du au aux en dans par pour avec sans que qui se sa son ses est sont était été a ont avait ce cette ces il elle ils elles ne pas plus très selon aussi entre sur depuis",
    "de": "der die das den dem des ein eine einen einem einer und oder aber von zu zum zur in im auf mit für ohne dass sich sein seine ist sind war hat haben wurde wird es er sie nicht auch nach bei aus wie mehr laut sagte über",
    "pt": "o a os as um uma uns umas e ou mas de do da dos das ao em no na nos nas por para com sem que se seu sua é são foi era tem têm ele ela eles não mais muito disse segundo também entre sobre desde até",
}  # fmt: skip
_STOP = {code: STOPWORDS | frozenset(words.split()) for code, words in OTHER_STOPWORDS.items()}
# PostgreSQL text search configuration per language (the GIN index of 0003 or 0017).
PG_CONFIGS = {"en": "english", "es": "spanish", "fr": "french", "de": "german", "pt": "portuguese"}
_WORD = re.compile(r"[^\W_]{3,}", re.UNICODE)
CANDIDATES, MAX_TERMS, DOC_BUDGET, COMMON_FREQ = 60, 24, 4000, 0.01


def search_terms(value: str, language: str = "en") -> list[str]:
    """Distinct lower-case words worth matching (no stopwords), longest first, capped."""
    words = {w.lower() for w in _WORD.findall(value)} - _STOP.get(language, STOPWORDS)
    return sorted(words, key=lambda w: (-len(w), w))[:MAX_TERMS]


def _candidate_ids(
    session: Session, wording: str, terms: list[str], exclude_id: int, language: str = "en"
) -> list[int]:
    """Approved claims sharing the wording's most telling words, from the database's index."""
    if session.get_bind().dialect.name == "postgresql":
        return _postgres_candidates(
            session, wording, exclude_id, PG_CONFIGS.get(language, "english")
        )
    terms = _rarest(session, terms)
    if not terms:
        return []
    sql = text(
        "SELECT rowid FROM claims_fts WHERE claims_fts MATCH :q AND rowid <> :id ORDER BY bm25(claims_fts) LIMIT :n"
    )
    query = " OR ".join(_phrase(t) for t in terms)
    return list(session.execute(sql, {"q": query, "id": exclude_id, "n": CANDIDATES}).scalars())


def _pg_vector(config: str) -> str:
    return f"to_tsvector('{config}', coalesce(statement, text))"  # config from PG_CONFIGS only


def _postgres_candidates(
    session: Session, wording: str, exclude_id: int, config: str = "english"
) -> list[int]:
    """Full-text over the partial GIN index of the language's configuration, leaving out
    lexemes the planner's statistics say are common (pg_stats.most_common_elems, read for
    the English index only), so few rows need ranking."""
    vector = _pg_vector(config)
    lexemes = (
        session.execute(
            text(f"SELECT lexeme FROM unnest(to_tsvector('{config}', :w))"), {"w": wording[:4000]}
        )
        .scalars()
        .all()
    )
    common = _common_lexemes(session) if config == "english" else {}
    rare = [lx for lx in lexemes if common.get(lx, 0.0) <= COMMON_FREQ]
    chosen = rare if len(rare) >= 2 else sorted(lexemes, key=lambda lx: common.get(lx, 0.0))[:3]
    if not chosen:
        return []
    query = " | ".join("'" + lx.replace("'", "''") + "'" for lx in chosen)
    sql = text(
        f"SELECT id FROM claims WHERE status = 'approved' AND id <> :id AND {vector} @@ CAST(:q AS tsquery) "
        f"ORDER BY ts_rank({vector}, CAST(:q AS tsquery)) DESC LIMIT :n"
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
    language = claim.article.language
    terms = search_terms(wording, language)
    ids = _candidate_ids(session, wording, terms, claim.id, language) if terms else []
    if not ids:
        return []
    candidates = session.scalars(
        select(Claim)
        .where(Claim.id.in_(ids), Claim.status == ClaimStatus.APPROVED)
        .options(joinedload(Claim.article).load_only(Article.id, Article.title))  # not the bodies
    ).all()

    scored = sorted(
        ((probability(wording, c.effective_statement), c) for c in candidates),
        key=lambda pair: (-pair[0], pair[1].id),
    )
    return [_item(c, p) for p, c in scored if p >= THRESHOLD][:limit]


def _item(c: Claim, p: float) -> dict:
    return {
        "claim_id": c.id, "article_id": c.article_id, "article_title": c.article.title,
        "statement": c.effective_statement, "text": c.text, "final_verdict": c.final_verdict,
        "approved_at": iso(c.approved_at), "score": round(100 * p, 1),
    }  # fmt: skip
