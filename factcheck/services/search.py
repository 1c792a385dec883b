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
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from sqlalchemy import Float, Integer, and_, func, select, text
from sqlalchemy.orm import Session, contains_eager, selectinload

from factcheck.errors import N_, InvalidInput
from factcheck.models import Article, Claim, ClaimStatus, Verdict
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


def _visible_notes_sql(viewer) -> tuple[str, dict]:
    """SQL condition on a review row r: the viewer may read its note (SEE_OTHER_REVIEWS as
    SQL, like assignments.conflicting_claims): all notes for a lead, else the viewer's own
    and those of claims the viewer has reviewed."""
    if can(viewer, Permission.SEE_ALL_REVIEWS):
        return "1 = 1", {}
    me = getattr(viewer, "id", None) or 0
    return (
        "(r.reviewer_id = :me OR r.claim_id IN (SELECT claim_id FROM reviews WHERE reviewer_id = :me))",
        {"me": me},
    )


def _sqlite_hits(terms: list[str], viewer):
    match = " ".join('"' + t.replace('"', "") + '"' for t in terms)  # words only: no syntax
    visible, params = _visible_notes_sql(viewer)
    sql = text(
        "SELECT claim_id, max(score) AS score FROM ("
        " SELECT claim_id, reviewer_id, -bm25(claim_search) AS score"
        " FROM claim_search WHERE claim_search MATCH :match LIMIT -1"  # LIMIT: not flattened,
        # so bm25 is called where FTS5 allows it
        f") AS r WHERE r.reviewer_id IS NULL OR {visible} GROUP BY claim_id"
    )
    return sql.bindparams(match=match, **params).columns(claim_id=Integer, score=Float)


# The vectors kept in generated columns (migration 0030; ix_claim_search_* index them):
# ts_rank reads them instead of parsing each hit's text again.
_PG_CLAIM = "c.search_vector"
_PG_NOTE = "r.search_vector"


def _postgres_hits(q: str, viewer):
    visible, params = _visible_notes_sql(viewer)
    query = "websearch_to_tsquery('simple', claim_search_fold(:words))"
    sql = text(
        "SELECT claim_id, max(score) AS score FROM ("
        f" SELECT c.id AS claim_id, ts_rank({_PG_CLAIM}, {query}) AS score FROM claims c"
        f" WHERE {_PG_CLAIM} @@ {query}"
        " UNION ALL"
        f" SELECT r.claim_id, ts_rank({_PG_NOTE}, {query}) FROM reviews r"
        f" WHERE {_PG_NOTE} @@ {query} AND {visible}"
        ") AS hits GROUP BY claim_id"
    )
    # websearch_to_tsquery reads any text without error; PostgreSQL's parser keeps "3.9" or
    # "covid-19" whole, as it indexed them. Its syntax is taken away (quotes, a leading -,
    # "or"), so that a query means the same on both databases: every word.
    words = [w.lstrip("-") for w in _PG_SYNTAX.sub(" ", q).split() if w.lower() != "or"]
    return sql.bindparams(words=" ".join(words), **params).columns(claim_id=Integer, score=Float)


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


def search_claims(
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
) -> tuple[list[dict], int]:
    """A page of the claims matching the words and filters, best match first, with the
    total; without words, the filtered claims newest article first; neither: nothing."""
    terms = query_terms(q)
    where = _filters(viewer, status, verdict, speaker, language, article_id, since, until)
    if not terms and len(where) == 1:
        return [], 0
    stmt = select(Claim).join(Claim.article).where(and_(*where))
    order = [Article.created_at.desc(), Article.id.desc(), Claim.start]
    if terms:
        dialect = session.get_bind().dialect.name
        found = (
            _postgres_hits(q, viewer) if dialect == "postgresql" else _sqlite_hits(terms, viewer)
        )
        hits = found.subquery("hits")
        stmt = stmt.join(hits, hits.c.claim_id == Claim.id)
        order = [hits.c.score.desc(), *order]
    # One pass finds, ranks and counts the hits (the total rides on each row of the page as
    # a window count): a count of its own ran the match and the ranking a second time
    # (a word in 50,000 notes: ~130 ms of bm25 or ts_rank per pass at 100,000 claims).
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
    return [_result(row[0], terms, viewer) for row in rows], total or 0


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
