"""Search over claims across articles: their text, statement, speaker and review notes.

Read-only. The database's own index finds the claims (migration 0027: SQLite's FTS5 table
claim_search, PostgreSQL's GIN indexes over to_tsvector('simple', …), kept in the
search_vector columns since 0030); accents are folded on
both, so "eleccion" finds "elección". Every word of the query must appear in one place: the
claim's own words, or one review's note (a claim and a note are indexed apart).

Blind review: a note counts only for a viewer who may read it (Permission.SEE_OTHER_REVIEWS:
a lead, or someone who has reviewed that claim; always their own note), so no result and no
count tells a reviewer what another reviewer wrote before they have judged the claim
themselves; snippets are cut from what the viewer may read only.

A query is reduced to its words (letters and digits), each searched as a plain word: no
operator, quote or parenthesis of the user reaches FTS5's or PostgreSQL's query syntax.

A word found in many places (a tenth of the desk's notes) is ranked among its newest hits:
each source, the claims' own words and the notes, gives at most CANDIDATES hits that pass
the filters and blind review, newest first in the index's own order (the database stops
reading there), and only those are ranked and paged; the total is then marked as a lower
bound (Found.exact false: "at least N", API total_exact). Ranking every hit of such a word
cost 130-380 ms at 100,000 claims; a rarer word, or a word with a filter that leaves fewer
hits, is ranked over all of them with an exact total, as before.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, and_, column, func, literal_column, select, table, text
from sqlalchemy.orm import Session, contains_eager, selectinload

from factcheck.errors import N_, InvalidInput
from factcheck.models import Article, Claim, ClaimStatus, Review, Verdict
from factcheck.permissions import Permission, can
from factcheck.services import blind

MAX_QUERY_CHARS = 200  # the API documents it (maxLength); longer is refused, not cut
MAX_TERMS = 12
MAX_SPEAKER_CHARS = 200
SNIPPET_CHARS = 180
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PG_SYNTAX = re.compile(r'[\x00"]')


def query_terms(q: str | None) -> list[str]:
    """The query's words, lower case, distinct, in order (at most MAX_TERMS)."""
    if q and len(q) > MAX_QUERY_CHARS:
        raise InvalidInput(
            N_(
                "the search is longer than %(max_query_chars)s characters",
                max_query_chars=MAX_QUERY_CHARS,
            ),
            errors={
                "q": N_("at most %(max_query_chars)s characters", max_query_chars=MAX_QUERY_CHARS)
            },
        )
    words = dict.fromkeys(w.lower() for w in _WORD.findall(q or ""))
    words.pop("or", None)  # websearch_to_tsquery's operator: a noise word on both databases
    return list(words)[:MAX_TERMS]


def fold(value: str) -> str:
    """Lower case without accents (é → e, ß → ss), one character per character of value
    except where a letter folds to several."""
    return "".join(_fold_char(ch) for ch in value)


def _fold_char(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return (base or ch).lower().replace("ß", "ss")


# ------------------------------------------------------------------ finding the claims


def _visible_notes_sql(viewer, row: str = "r") -> tuple[str, dict]:
    """SQL condition on a note's row (``row``: a review, or SQLite's claim_search row of
    one): the viewer may read its note (SEE_OTHER_REVIEWS as SQL, like
    assignments.conflicting_claims): all notes for a lead, else the viewer's own and those
    of claims the viewer has reviewed."""
    if can(viewer, Permission.SEE_ALL_REVIEWS):
        return "1 = 1", {}
    me = getattr(viewer, "id", None) or 0
    return (
        f"({row}.reviewer_id = :me OR {row}.claim_id IN"
        " (SELECT claim_id FROM reviews WHERE reviewer_id = :me))",
        {"me": me},
    )


# Words found in many places are ranked among their newest hits only: every hit ranked
# (bm25 or ts_rank over 50,000 notes of a common word) cost more than the page itself.
# Each source (the claims' own words, the notes) gives at most CANDIDATES hits, newest
# first, read in the index's order and stopped there; they are ranked, and the total is
# then a lower bound ("at least"), exact whenever neither source reached its bound.
CANDIDATES = 1000

_FTS = table("claim_search", column("rowid", Integer), column("claim_id", Integer),
             column("reviewer_id", Integer))  # fmt: skip
_FTS_TABLE = literal_column("claim_search")
_PG_QUERY = "websearch_to_tsquery('simple', claim_search_fold(:words))"


def _pg_words(q: str) -> str:
    """websearch_to_tsquery reads any text without error; PostgreSQL's parser keeps "3.9" or
    "covid-19" whole, as it indexed them. Its syntax is taken away (quotes, a leading -,
    "or"), so that a query means the same on both databases: every word."""
    words = [w.lstrip("-") for w in _PG_SYNTAX.sub(" ", q).split() if w.lower() != "or"]
    return " ".join(words)


_CLAIMS, _ARTICLES, _REVIEWS = Claim.__table__, Article.__table__, Review.__table__
_KEYS = (_CLAIMS.c.id.label("claim_id"), _ARTICLES.c.created_at.label("created_at"),
         _ARTICLES.c.id.label("art_id"), _CLAIMS.c.start_offset.label("start"))  # fmt: skip


def _candidate_parts(dialect: str, terms: list[str], q: str, viewer, where: list, bound: int):
    """The two sources' newest hits that pass the filters (and, for notes, blind review):
    each a SELECT of (claim id, the order's keys, score), at most ``bound`` rows, in the
    index's order so that the database stops reading at the bound."""
    articles = _ARTICLES.c.id == _CLAIMS.c.article_id
    if dialect == "postgresql":
        visible, params = _visible_notes_sql(viewer)
        query = text(_PG_QUERY).bindparams(words=_pg_words(q))
        r = _REVIEWS.alias("r")  # the alias _visible_notes_sql speaks of
        own = (
            select(*_KEYS, literal_column("claims.search_vector").label("vector"))
            .select_from(_CLAIMS.join(_ARTICLES, articles))
            .where(literal_column("claims.search_vector").op("@@")(query), *where)
            .order_by(_CLAIMS.c.id.desc())
            .limit(bound)
            .subquery("own")
        )
        noted = (
            select(*_KEYS, literal_column("r.search_vector").label("vector"))
            .select_from(_CLAIMS.join(_ARTICLES, articles).join(r, r.c.claim_id == _CLAIMS.c.id))
            .where(
                literal_column("r.search_vector").op("@@")(query),
                text(visible).bindparams(**params),
                *where,
            )  # fmt: skip
            .order_by(r.c.id.desc())
            .limit(bound)
            .subquery("noted")
        )
        # ranked outside the bounded reads: only the candidates are ranked
        return [
            select(
                part.c.claim_id,
                part.c.created_at,
                part.c.art_id,
                part.c.start,
                func.ts_rank(part.c.vector, query).label("score"),
            )  # fmt: skip
            for part in (own, noted)
        ]
    match = " ".join('"' + t.replace('"', "") + '"' for t in terms)  # words only: no syntax
    matched = _FTS_TABLE.op("MATCH")(match)
    hits = (
        select(*_KEYS, (-func.bm25(_FTS_TABLE)).label("score"))
        .select_from(_FTS.join(_CLAIMS, _CLAIMS.c.id == _FTS.c.claim_id).join(_ARTICLES, articles))
        .where(matched, *where)
        .limit(bound)
    )
    visible, params = _visible_notes_sql(viewer, "claim_search")
    noted = text(visible).bindparams(**params)
    return [
        hits.where(_FTS.c.rowid > 0).order_by(_FTS.c.rowid.desc()),  # a claim's row: its id
        hits.where(_FTS.c.rowid < 0, noted).order_by(_FTS.c.rowid),  # a note's: -review id
    ]


def _filters(viewer, status, verdict, speaker, language, article_id, since, until) -> list:
    where = [Claim.current()]
    if status:  # as the viewer sees it (blind review: another's review does not make it reviewed)
        where.append(blind.status_column(viewer) == ClaimStatus(status))
    if verdict:
        where.append(Claim.final_verdict == Verdict(verdict))
    if speaker:
        if len(speaker) > MAX_SPEAKER_CHARS or "\x00" in speaker:
            raise InvalidInput(
                N_("the speaker filter is too long"), errors={"speaker": N_("too long")}
            )
        escaped = speaker.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(Claim.speaker.ilike(f"%{escaped}%", escape="\\"))
    if language:
        where.append(Article.language == language)
    if article_id:
        where.append(Claim.article_id == article_id)
    if since:
        where.append(Article.created_at >= since)
    if until:
        where.append(Article.created_at <= until)
    return where


@dataclass(frozen=True)
class Found:
    """A page of results and the total: exact, or (``exact`` false) a lower bound, when
    a word is so common that only its newest hits were ranked (CANDIDATES)."""

    items: list[dict]
    total: int
    exact: bool = True


def search_claims(session: Session, viewer, **kw) -> tuple[list[dict], int]:
    """find_claims' page and total (see there), as a pair."""
    found = find_claims(session, viewer, **kw)
    return found.items, found.total


def find_claims(
    session: Session,
    viewer,
    *,
    q: str | None = None,
    status: str | None = None,
    verdict: str | None = None,
    speaker: str | None = None,
    language: str | None = None,
    article_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Found:
    """A page of the claims matching the words and filters, best match first, with the
    total; without words, the filtered claims newest article first; neither: nothing.

    With words: the hits that pass the filters, at most CANDIDATES newest from the claims'
    own words and as many from the notes, are ranked (best first, then newest article,
    then the claim's place); when a source has more, the total says "at least" and the
    pages go through those candidates."""
    terms = query_terms(q)
    where = _filters(viewer, status, verdict, speaker, language, article_id, since, until)
    if not terms and len(where) == 1:
        return Found([], 0)
    if not terms:
        return _filtered_page(session, viewer, where, page, per_page)
    dialect = session.get_bind().dialect.name
    parts = _candidate_parts(dialect, terms, q or "", viewer, where, CANDIDATES + 1)
    best: dict[int, tuple] = {}
    capped = False
    for part in parts:
        rows = session.execute(part).all()
        capped = capped or len(rows) > CANDIDATES
        for claim_id, created_at, art_id, start, score in rows[:CANDIDATES]:
            known = best.get(claim_id)
            if known is None or score > known[0]:
                best[claim_id] = (score, created_at, art_id, start)
    ranked = sorted(best.items(), key=lambda kv: _rank_key(kv[0], kv[1]))
    shown = [cid for cid, _k in ranked[(page - 1) * per_page : page * per_page]]
    claims_by_id = {}
    if shown:
        loaded = session.scalars(
            select(Claim).join(Claim.article).where(Claim.id.in_(shown))
            .options(contains_eager(Claim.article).load_only(Article.id, Article.title,
                                                             Article.language),
                     selectinload(Claim.reviews))
        ).unique()  # fmt: skip
        claims_by_id = {c.id: c for c in loaded}
    items = [_result(claims_by_id[cid], terms, viewer) for cid in shown if cid in claims_by_id]
    return Found(items, len(best), exact=not capped)


def _rank_key(claim_id: int, key: tuple):
    """Best score first, then the newest article, its later id, the claim's place, its id."""
    score, created_at, art_id, start = key
    return (-(score or 0.0), -created_at.timestamp() if created_at else 0.0, -art_id, start,
            claim_id)  # fmt: skip


def _filtered_page(session: Session, viewer, where: list, page: int, per_page: int) -> Found:
    """No words: the filtered claims, newest article first, with their exact total."""
    stmt = select(Claim).join(Claim.article).where(and_(*where))
    order = [Article.created_at.desc(), Article.id.desc(), Claim.start]
    rows = session.execute(
        stmt.add_columns(func.count().over().label("total"))
        .options(
            contains_eager(Claim.article).load_only(Article.id, Article.title, Article.language),
            selectinload(Claim.reviews),
        )
        .order_by(*order, Claim.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    if rows:
        total = rows[0].total
    else:  # past the last page (or nothing found): the count alone
        total = session.scalar(
            select(func.count()).select_from(stmt.with_only_columns(Claim.id).subquery())
        )
    return Found([_result(row[0], [], viewer) for row in rows], total or 0)


# ------------------------------------------------------------------ the result and its snippet


def visible_notes(claim: Claim, viewer) -> list[str]:
    """The notes of the claim's reviews this viewer may read (blind review)."""
    me = getattr(viewer, "id", None)
    everyone = can(viewer, Permission.SEE_OTHER_REVIEWS, claim)
    return [r.note for r in claim.reviews if r.note and (everyone or r.reviewer_id == me)]


def _result(c: Claim, terms: list[str], viewer) -> dict:
    fields = [("statement", c.statement), ("text", c.text), ("speaker", c.speaker)]
    fields += [("note", n) for n in visible_notes(c, viewer)]
    field, snippet, marks = _snippet(fields, terms)
    return {
        "claim_id": c.id, "number": c.number, "article_id": c.article_id,
        "article_title": c.article.title, "language": c.article.language,
        "status": blind.seen_status(viewer, c).value, "final_verdict": c.final_verdict.value if c.final_verdict else None,
        "speaker": c.speaker, "statement": c.effective_statement,
        "link": f"/articles/{c.article_id}?claim={c.id}#panel",
        "snippet": {"field": field, "text": snippet, "highlights": marks},
    }  # fmt: skip


def _snippet(fields: list[tuple[str, str | None]], terms: list[str]):
    """(field, text, [[start, end], …]): a window of the first field where a word of the
    query starts a word, with every such word marked; the statement's start without one."""
    patterns = [re.compile(r"(?<![^\W_])" + re.escape(fold(t))) for t in terms]
    for name, value in fields:
        if not value:
            continue
        folded, where = _folded_with_positions(value)
        spans = sorted(
            (where[m.start()], where[m.end() - 1] + 1) for p in patterns for m in p.finditer(folded)
        )
        if spans:
            return (name, *_window(value, spans))
    name, value = next(((n, v) for n, v in fields if v), ("text", ""))
    return (name, *_window(value, []))


def _folded_with_positions(value: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the position it came from."""
    out, where = [], []
    for i, ch in enumerate(value):
        f = _fold_char(ch)
        out.append(f)
        where.extend([i] * len(f))
    return "".join(out), where


def _window(value: str, spans: list[tuple[int, int]]):
    start = max(0, spans[0][0] - SNIPPET_CHARS // 3) if spans else 0
    if start:
        space = value.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(value), start + SNIPPET_CHARS)
    prefix, suffix = ("…" if start else ""), ("…" if end < len(value) else "")
    shift = len(prefix) - start
    marks = [[s + shift, min(e, end) + shift] for s, e in spans if s >= start and s < end]
    return prefix + value[start:end] + suffix, _merge(marks)


def _merge(marks: list[list[int]]) -> list[list[int]]:
    merged: list[list[int]] = []
    for s, e in marks:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return merged


def snippet_parts(snippet: dict) -> list[tuple[str, bool]]:
    """The snippet as (text, highlighted) pieces, for a template to escape and mark."""
    value, parts, at = snippet["text"], [], 0
    for s, e in snippet["highlights"]:
        if s > at:
            parts.append((value[at:s], False))
        parts.append((value[s:e], True))
        at = e
    if at < len(value):
        parts.append((value[at:], False))
    return parts
