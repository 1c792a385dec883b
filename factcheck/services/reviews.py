"""Reviews: one per reviewer per claim, with evidence links; blind until you submit."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import InvalidInput, InvalidTransition, NotFound
from ..limits import LIMITS
from ..models import Claim, ClaimStatus, EvidenceLink, Review, Stance, Verdict, utcnow
from ..permissions import Permission, can, require
from . import audit
from .articles import mark_in_review
from .common import check_http_url, check_version, clean_text, get_claim, review_snapshot


def parse_verdict(value, field: str = "verdict") -> Verdict:
    """Exactly confirmed, unconfirmed or disputed (no case folding, no trimming)."""
    if isinstance(value, str):
        try:
            return Verdict(value)
        except ValueError:
            pass
    raise InvalidInput(
        "verdict must be one of confirmed, unconfirmed, disputed",
        errors={field: "must be confirmed, unconfirmed or disputed"},
    )


def parse_links(links) -> list[dict]:
    """Validate evidence links before any database work (http/https only, caps)."""
    if links is None:
        return []
    if not isinstance(links, list):
        raise InvalidInput("links must be a list", errors={"links": "must be a list"})
    if len(links) > LIMITS.MAX_LINKS_PER_REVIEW:
        raise InvalidInput(
            f"at most {LIMITS.MAX_LINKS_PER_REVIEW} evidence links per review",
            errors={"links": f"at most {LIMITS.MAX_LINKS_PER_REVIEW}"},
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
        raise InvalidInput(f"evidence link {first[0]}: {first[1]}", errors=errors)
    return out


def _parse_link(link) -> dict:
    if not isinstance(link, dict):
        raise InvalidInput("must be an object", errors={"link": "must be an object"})
    unknown = set(link) - {"url", "title", "stance", "excerpt", "archived_url"}
    if unknown:
        raise InvalidInput("unknown field", errors={k: "unknown field" for k in sorted(unknown)})
    url = check_http_url(link.get("url"), "url", max_chars=LIMITS.MAX_URL_CHARS)
    stance = link.get("stance") or "supports"
    if stance not in {s.value for s in Stance}:
        raise InvalidInput("bad stance", errors={"stance": "supports, contradicts or context"})
    return {
        "url": url,
        "title": clean_text(link.get("title"), "title", max_chars=LIMITS.MAX_TITLE_CHARS) or url,
        "stance": stance,
        "excerpt": clean_text(link.get("excerpt"), "excerpt", max_chars=LIMITS.MAX_EXCERPT_CHARS)
        or None,
        "archived_url": check_http_url(
            link.get("archived_url"), "archived_url", max_chars=LIMITS.MAX_URL_CHARS, required=False
        ),
    }


def get_own_review(session: Session, claim_id: int, reviewer_id) -> Review | None:
    if reviewer_id is None:
        return None
    return session.scalar(
        select(Review).where(Review.claim_id == claim_id, Review.reviewer_id == reviewer_id)
    )


def submit_review(
    session: Session, *, actor, claim_id, verdict, note="", links=None, version=None
) -> tuple[Review, bool]:
    """Create or revise the actor's own review of a claim; returns (review, created)."""
    verdict = parse_verdict(verdict)
    note = clean_text(note, "note", max_chars=LIMITS.MAX_NOTE_CHARS)
    links = parse_links(links)
    claim = get_claim(session, claim_id, for_update=True)
    require(actor, Permission.REVIEW_CLAIM, claim)
    if claim.status == ClaimStatus.APPROVED:
        raise InvalidTransition(f"claim {claim.id} is approved; a lead must reopen it first")
    if claim.status == ClaimStatus.EXCLUDED:
        raise InvalidTransition(f"claim {claim.id} is excluded from review")
    review = get_own_review(session, claim.id, actor.id)
    created = review is None
    before = None
    if created:
        review = Review(claim=claim, reviewer_id=actor.id, verdict=verdict.value, note=note)
        session.add(review)
    else:
        check_version(review, version, what="your review")
        before = review_snapshot(review)
        if before == {"verdict": verdict.value, "note": note, "links": links}:
            return review, False  # nothing changed: no new version, no event
        review.verdict, review.note, review.updated_at = verdict.value, note, utcnow()
        review.links.clear()
        session.flush()
    review.links.extend(EvidenceLink(position=i, **link) for i, link in enumerate(links))
    session.flush()
    after = review_snapshot(review)
    _after_review_change(session, claim, created=created)
    audit.record(
        session, actor, "review.created" if created else "review.revised", "review", review.id,
        article_id=claim.article_id, before=before and dict(before, claim_id=claim.id),
        after=dict(after, claim_id=claim.id),
    )  # fmt: skip
    return review, created


def _after_review_change(session: Session, claim: Claim, *, created: bool) -> None:
    """Move the claim to reviewed once enough reviews exist, and bump its version."""
    if claim.status in (ClaimStatus.OPEN, ClaimStatus.RETURNED):
        count = session.scalar(select(func.count()).where(Review.claim_id == claim.id))
        if count >= LIMITS.REVIEWS_REQUIRED:
            claim.status = ClaimStatus.REVIEWED.value
    # A new or revised review makes a lead's copy of the claim stale (approve vs review race).
    claim.updated_at = utcnow()
    if created:  # a revision follows a review that already moved the article out of draft
        mark_in_review(session, claim.article)
    session.flush()


def can_see_all_reviews(session: Session, actor, claim: Claim) -> bool:
    """Blind review: others' verdicts and notes show only after you submitted your own."""
    if can(actor, Permission.SEE_ALL_REVIEWS):
        return True
    return get_own_review(session, claim.id, getattr(actor, "id", None)) is not None


def visible_reviews(session: Session, actor, claim: Claim) -> list[Review]:
    """The reviews of a claim this actor may read."""
    reviews = list(claim.reviews)
    if can(actor, Permission.SEE_ALL_REVIEWS):
        return reviews
    # Blind review, judged on the claim's loaded reviews rather than by get_own_review: a
    # report reads many claims with their reviews, and a query per claim is an N+1.
    own = [r for r in reviews if r.reviewer_id == getattr(actor, "id", None)]
    return reviews if own else own


def get_review(session: Session, review_id) -> Review:
    review = session.get(Review, int(review_id)) if str(review_id).isdigit() else None
    if review is None:
        raise NotFound("no such review")
    return review
