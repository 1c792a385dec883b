"""Reviews: one per reviewer per claim, with evidence links; blind until you submit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, and_, bindparam, func, null, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from factcheck.errors import N_, Conflict, InvalidInput, NotFound
from factcheck.models import (  # fmt: skip
    Article,
    ArticleAction,
    ArticleStatus,
    Claim,
    ClaimAction,
    EvidenceLink,
    Review,
    Stance,
    Verdict,
    utcnow,
)
from factcheck.models.transitions import next_article_status, next_status
from factcheck.permissions import ClaimFacts, Permission, can, require
from factcheck.services import audit, notifications
from factcheck.services.common import check_http_url, check_version_number, clean_text, primary_key
from factcheck.services.direct import Direct
from factcheck.settings import settings_of


def parse_verdict(value, field: str = "verdict") -> Verdict:
    """Exactly confirmed, unconfirmed or disputed (no case folding, no trimming)."""
    if isinstance(value, str):
        try:
            return Verdict(value)
        except ValueError:
            pass
    raise InvalidInput(
        N_("verdict must be one of confirmed, unconfirmed, disputed"),
        errors={field: N_("must be confirmed, unconfirmed or disputed")},
    )


STANCE_REQUIRED = "choose a stance: supports, contradicts or context"


def parse_links(links) -> list[dict]:
    """Validate evidence links before any database work (http/https only, caps)."""
    limits = settings_of()
    if links is None:
        return []
    if not isinstance(links, list):
        raise InvalidInput(N_("links must be a list"), errors={"links": N_("must be a list")})
    if len(links) > limits.MAX_LINKS_PER_REVIEW:
        raise InvalidInput(
            N_(
                "at most %(max_links_per_review)s evidence links per review",
                max_links_per_review=limits.MAX_LINKS_PER_REVIEW,
            ),
            errors={
                "links": N_(
                    "at most %(max_links_per_review)s",
                    max_links_per_review=limits.MAX_LINKS_PER_REVIEW,
                )
            },
        )
    out, errors = [], {}
    for i, link in enumerate(links):
        try:
            out.append(_parse_link(link))
        except InvalidInput as exc:
            for key, msg in (exc.errors or {"link": exc.detail}).items():
                errors[f"links[{i}].{key}"] = msg
    if errors:
        first = next(iter(errors.items()))
        raise InvalidInput(
            N_("evidence link %(link)s: %(problem)s", link=first[0], problem=first[1]),
            errors=errors,
        )
    return out


def _parse_link(link) -> dict:
    limits = settings_of()
    if not isinstance(link, dict):
        raise InvalidInput(N_("must be an object"), errors={"link": N_("must be an object")})
    unknown = set(link) - {"url", "title", "stance", "excerpt", "archived_url"}
    if unknown:
        raise InvalidInput(
            N_("unknown field"), errors={k: N_("unknown field") for k in sorted(unknown)}
        )
    url = check_http_url(link.get("url"), "url", max_chars=limits.MAX_URL_CHARS)
    stance = link.get("stance")
    if stance in (None, ""):  # never assumed: a default published every link as "supports"
        raise InvalidInput(N_("choose a stance"), errors={"stance": STANCE_REQUIRED})
    if stance not in {s.value for s in Stance}:
        raise InvalidInput(
            N_("bad stance"), errors={"stance": N_("supports, contradicts or context")}
        )
    return {
        "url": url,
        "title": clean_text(link.get("title"), "title", max_chars=limits.MAX_TITLE_CHARS) or url,
        "stance": stance,
        "excerpt": clean_text(link.get("excerpt"), "excerpt", max_chars=limits.MAX_EXCERPT_CHARS)
        or None,
        "archived_url": check_http_url(
            link.get("archived_url"), "archived_url", max_chars=limits.MAX_URL_CHARS, required=False
        ),
    }


def get_own_review(session: Session, claim_id: int, reviewer_id) -> Review | None:
    if reviewer_id is None:
        return None
    return session.scalar(
        select(Review).where(Review.claim_id == claim_id, Review.reviewer_id == reviewer_id)
    )


@dataclass(frozen=True)
class SavedReview:
    """A review as one save left it (what the API answers with; no ORM object behind it)."""

    id: int
    claim_id: int
    reviewer_id: int
    reviewer: str  # display name
    verdict: str
    note: str
    links: list[dict]
    created_at: datetime
    updated_at: datetime
    version: int
    first_verdict: str | None = None  # as first submitted (agreement counts it)
    revised_after_seen: bool = False  # revised while the others' reviews were readable


_claims, _articles = Claim.__table__, Article.__table__
_reviews, _links = Review.__table__, EvidenceLink.__table__
_LINK_FIELDS = ("url", "title", "stance", "excerpt", "archived_url")


def _state_query(head: bool = True):
    """One statement: the claim, its article's status, its review count, the actor's own
    review with its links (a row per link) and (``head``: SQLite, whose writer seals its
    event) the audit chain's head. Built once; parameters claim_id, reviewer_id."""
    claim_id, reviewer_id = bindparam("claim_id"), bindparam("reviewer_id")
    own = and_(_reviews.c.claim_id == _claims.c.id, _reviews.c.reviewer_id == reviewer_id)
    counted = _reviews.alias("counted")
    count = select(func.count()).where(counted.c.claim_id == claim_id).scalar_subquery()
    return (
        select(
            _claims.c.status,
            _claims.c.article_id,
            _claims.c.verdicts_disagree.label("was_disagreeing"),  # before this save
            _articles.c.status.label("article_status"),
            count.label("count"),
            _reviews.c.id.label("review_id"),
            _reviews.c.version,
            _reviews.c.verdict,
            _reviews.c.note,
            _reviews.c.created_at,
            _reviews.c.updated_at,
            _reviews.c.first_verdict,
            _reviews.c.revised_after_seen,
            *(_links.c[f] for f in _LINK_FIELDS),
            audit.HEAD_SEQ if head else null().label("head_seq"),
            audit.HEAD_HASH if head else null().label("head_hash"),
        )  # fmt: skip
        .select_from(
            _claims.join(_articles, _articles.c.id == _claims.c.article_id)
            .outerjoin(_reviews, own)
            .outerjoin(_links, _links.c.review_id == _reviews.c.id)
        )
        .where(_claims.c.id == claim_id)
        .order_by(_links.c.position)
        .with_for_update(of=_claims)
    )


# The save's fixed statements run on the driver's cursor (services/direct.py).
_STATE = Direct(_state_query())
_STATE_UNSEALED = Direct(_state_query(head=False))  # PostgreSQL: the sealer links the event
_UPDATE_REVIEW = Direct(
    _reviews.update()
    .where(_reviews.c.id == bindparam("review_id"), _reviews.c.version == bindparam("current"))
    .values(
        verdict=bindparam("verdict"),
        note=bindparam("note"),
        updated_at=bindparam("now", type_=_reviews.c.updated_at.type),
        version=bindparam("current") + 1,
        # once revised while others' reviews were readable, always so marked
        revised_after_seen=or_(_reviews.c.revised_after_seen, bindparam("seen", type_=Boolean)),
    )  # fmt: skip
)
_INSERT_REVIEW = Direct(
    _reviews.insert().returning(_reviews.c.id),
    column_keys=["claim_id", "reviewer_id", "verdict", "note", "created_at", "updated_at",
                 "version", "first_verdict", "first_submitted_at", "revised_after_seen"],
)  # fmt: skip
_DELETE_LINKS = _links.delete().where(_links.c.review_id == bindparam("review_id"))
_INSERT_LINKS = _links.insert()
_verdicts = _reviews.alias("verdicts")
_UPDATE_CLAIM = Direct(
    _claims.update()
    .where(_claims.c.id == bindparam("claim_id"))
    .values(
        status=bindparam("status"),
        version=_claims.c.version + 1,
        updated_at=bindparam("now", type_=_claims.c.updated_at.type),
        # the conflict flag (migration 0029), from the reviews as this save left them: read
        # from ix_reviews_claim_verdict, in the statement the save runs anyway
        verdicts_disagree=select(func.count(func.distinct(_verdicts.c.verdict)) > 1)
        .where(_verdicts.c.claim_id == _claims.c.id)
        .scalar_subquery(),
    )  # fmt: skip
    .returning(_claims.c.verdicts_disagree)  # as this save left it: the notices read it
)
_START_REVIEW = (
    _articles.update()
    .where(
        _articles.c.id == bindparam("article_id"), _articles.c.status == ArticleStatus.DRAFT.value
    )
    .values(
        status=next_article_status(ArticleStatus.DRAFT, ArticleAction.START_REVIEW),
        version=_articles.c.version + 1,
    )
)


def submit_review(
    session: Session, *, actor, claim_id, verdict, note="", links=None, version=None
) -> tuple[SavedReview, bool]:
    """Create or revise the actor's own review of a claim; returns (review, created).

    The desk's most frequent write, and writers take turns (tests/test_save_path.py): it
    reads the claim, the article's status, the own review with its links and the audit
    chain's head in one statement and writes with Core (a revision without links: that
    read, three writes and the commit).
    """
    limits = settings_of(session)
    verdict = parse_verdict(verdict).value
    note = clean_text(note, "note", max_chars=limits.MAX_NOTE_CHARS)
    links = parse_links(links)
    claim_id = primary_key(Claim, claim_id)
    actor_id = getattr(actor, "id", None)
    conn = session.connection()
    state = _STATE if conn.dialect.name == "sqlite" else _STATE_UNSEALED
    rows = state.execute(conn, {"claim_id": claim_id, "reviewer_id": actor_id or 0}).all()
    if not rows:
        raise NotFound(N_("claim %(claim_id)s does not exist", claim_id=claim_id))
    first = rows[0]  # the claim's and review's columns repeat on every link row
    status, article_id, review_id, count = (
        first.status,
        first.article_id,
        first.review_id,
        first.count,
    )
    require(actor, Permission.REVIEW_CLAIM, ClaimFacts(claim_id, status, first.article_status))
    now = utcnow()
    created = review_id is None
    before = None
    if created:
        created_at, version_now, write_links = now, 1, bool(links)
        review_id = _INSERT_REVIEW.execute(
            conn,
            {"claim_id": claim_id, "reviewer_id": actor_id, "verdict": verdict, "note": note,
             "created_at": now, "updated_at": now, "version": 1, "first_verdict": verdict,
             "first_submitted_at": now, "revised_after_seen": False},
        ).scalar()  # fmt: skip
        count += 1
    else:
        check_version_number(first.version, version, what=N_("your review"))
        old_links = [{f: getattr(row, f) for f in _LINK_FIELDS} for row in rows if row.url]
        before = {"verdict": first.verdict, "note": first.note, "links": old_links}
        if before == {"verdict": verdict, "note": note, "links": links}:
            unchanged = SavedReview(review_id, claim_id, actor_id, actor.display_name, verdict,
                                    note, links, first.created_at, first.updated_at, first.version,
                                    first.first_verdict, bool(first.revised_after_seen))  # fmt: skip
            return unchanged, False  # nothing changed: no new version, no event
        created_at, version_now = first.created_at, first.version + 1
        changed = _UPDATE_REVIEW.execute(
            conn,
            {"review_id": review_id, "current": first.version, "verdict": verdict, "note": note,
             "now": now, "seen": count > 1},  # others' reviews existed: its author could read them
        )  # fmt: skip
        if changed.rowcount != 1:
            raise Conflict(N_("someone else changed this meanwhile; reload and try again"))
        write_links = bool(links) and links != old_links
        if old_links and links != old_links:
            conn.execute(_DELETE_LINKS, {"review_id": review_id})
    if write_links:
        conn.execute(
            _INSERT_LINKS,
            [dict(link, review_id=review_id, position=i) for i, link in enumerate(links)],
        )
    # A new or revised review makes a lead's copy of the claim stale (approve vs review race).
    if count >= limits.REVIEWS_REQUIRED:
        status = next_status(status, ClaimAction.REVIEW, claim_id=claim_id)
    disagrees = _UPDATE_CLAIM.execute(
        conn, {"claim_id": claim_id, "status": status, "now": now}
    ).scalar()
    started = created and first.article_status == ArticleStatus.DRAFT  # the first review starts it
    if started:
        started = conn.execute(_START_REVIEW, {"article_id": article_id}).rowcount == 1
    _expire(session, (Claim, claim_id), (Article, article_id), (Review, review_id))
    after = {"verdict": verdict, "note": note, "links": links}
    if not created and count > 1:  # revised while the others' reviews were readable to its author
        after["revised_after_seen"] = True
    event = audit.record(
        session, actor, "review.created" if created else "review.revised", "review", review_id,
        article_id=article_id, before=before and dict(before, claim_id=claim_id),
        after=dict(after, claim_id=claim_id),
        head=(first.head_seq, first.head_hash) if first.head_seq is not None else None,
    )  # fmt: skip
    if started:  # the article's own transition is its own event
        audit.record(session, actor, "article.review_started", "article", article_id,
                     article_id=article_id, before={"status": ArticleStatus.DRAFT.value},
                     after={"status": ArticleStatus.IN_REVIEW.value, "first_review_id": review_id},
                     head=(event["seq"], event["hash"]) if event.get("hash") else False)  # fmt: skip
    notifications.review_saved(session, actor=actor, claim_id=claim_id, article_id=article_id,
                               old_status=first.status, new_status=status,
                               was_disagreeing=bool(first.was_disagreeing),
                               disagrees=bool(disagrees))  # fmt: skip
    seen = not created and (bool(first.revised_after_seen) or count > 1)
    saved = SavedReview(review_id, claim_id, actor_id, actor.display_name, verdict, note, links,
                        created_at, now, version_now, verdict if created else first.first_verdict, seen)  # fmt: skip
    return saved, created


def _expire(session: Session, *keys) -> None:
    """Objects this session loaded earlier no longer match rows written with Core."""
    for model, pk in keys:
        obj = session.identity_map.get(identity_key(model, pk))
        if obj is not None:
            session.expire(obj)


def visible_reviews(session: Session, actor, claim: Claim) -> list[Review]:
    """The reviews of a claim this actor may read: all of them, or none (blind review)."""
    # Judged on the claim's loaded reviews, not by a query: a report reads many claims
    # with their reviews, and a query per claim is an N+1.
    return list(claim.reviews) if can(actor, Permission.SEE_OTHER_REVIEWS, claim) else []


def visible_review_rows(session: Session, actor, claim_id: int, status, rows: list) -> list:
    """``visible_reviews`` for a claim read as rows (a report's build): the same rule, on
    what the rows say of the claim (each row has the review's ``reviewer_id``)."""
    return visible_reviews(session, actor, ClaimFacts(claim_id, status, reviews=rows))


def get_review(session: Session, review_id) -> Review:
    review = session.get(Review, int(review_id)) if str(review_id).isdigit() else None
    if review is None:
        raise NotFound(N_("no such review"))
    return review
