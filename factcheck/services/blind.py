"""Blind review, as a claim shows it: what a reviewer who may not read a claim's other
reviews yet (permissions.SEE_OTHER_REVIEWS) sees of the claim itself.

The reviews are hidden elsewhere (reviews.visible_reviews, history, reports); this module
hides their traces on the claim. Every saved review steps the claim's version (so a lead's
copy goes stale) and enough reviews move it from open to reviewed: shown as they are, the
version, the ETag, the status badge, a status filter, the progress bar and a 409's "it is
now version N" would tell a blind reviewer that someone else has reviewed the claim. So,
for such a viewer:

- the **version** is the claim's own version less one step per save of the others'
  reviews (a review's version counts its saves), so it moves only with changes the viewer
  may see; a change the viewer sends is checked against this same version;
- the **status** reads as it was before the reviews: ``reviewed`` reads ``open`` (or
  ``returned``, when a lead had returned the claim with a comment).

One rule, used by the pages, the API, the live poll, the reports and the version checks;
in SQL (``status_column``) for lists that filter or count by status.
"""

from __future__ import annotations

from sqlalchemy import and_, case, exists, literal, select, type_coerce

from factcheck.errors import N_
from factcheck.models import Claim, ClaimStatus, Review
from factcheck.permissions import ClaimFacts, Permission, can
from factcheck.services.common import check_version_number


def sees_every_review(viewer) -> bool:
    """The viewer reads every review of every claim (leads and admins)."""
    return can(viewer, Permission.SEE_ALL_REVIEWS)


def is_blind(viewer, claim) -> bool:
    """The viewer may not read the claim's other reviews yet."""
    return not can(viewer, Permission.SEE_OTHER_REVIEWS, claim)


def _others_saves(viewer, claim) -> int:
    me = getattr(viewer, "id", None)
    return sum(r.version or 1 for r in claim.reviews if r.reviewer_id != me)


def status_before_reviews(status, return_comment) -> ClaimStatus:
    """What a status read before the reviews made it reviewed (open, or returned by a lead)."""
    status = ClaimStatus(status)
    if status == ClaimStatus.REVIEWED:
        return ClaimStatus.RETURNED if return_comment else ClaimStatus.OPEN
    return status


def seen_status_of_rows(viewer, claim_id, status, return_comment, reviews) -> ClaimStatus:
    """seen_status for a claim read as columns (a report's build): ``reviews`` are rows with
    the reviewer's ``reviewer_id``."""
    if can(viewer, Permission.SEE_OTHER_REVIEWS, ClaimFacts(claim_id, status, reviews=reviews)):
        return ClaimStatus(status)
    return status_before_reviews(status, return_comment)


def _status_before_reviews(claim) -> ClaimStatus:
    return status_before_reviews(claim.status, claim.return_comment)


def seen_version(viewer, claim) -> int:
    """The claim's version as this viewer may see it (and must send back)."""
    return as_seen(viewer, claim).version


def seen_status(viewer, claim) -> ClaimStatus:
    """The claim's status as this viewer may see it."""
    return as_seen(viewer, claim).status


class SeenClaim:
    """A claim as a blind viewer sees it: its status and version as above, its reviews the
    viewer's own, everything else the claim's own (attributes are read through)."""

    __slots__ = ("_claim", "_viewer", "status", "version")

    def __init__(self, claim: Claim, viewer, status: ClaimStatus, version: int):
        object.__setattr__(self, "_claim", claim)
        object.__setattr__(self, "_viewer", viewer)
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "version", version)

    @property
    def reviews(self) -> list:
        """The reviews the viewer may read: their own (none, while blind)."""
        me = getattr(object.__getattribute__(self, "_viewer"), "id", None)
        return [r for r in object.__getattribute__(self, "_claim").reviews if r.reviewer_id == me]

    def __getattr__(self, name):
        return getattr(object.__getattribute__(self, "_claim"), name)

    def __setattr__(self, name, value):
        raise AttributeError("a claim as seen is read-only")

    def __eq__(self, other):
        mine = object.__getattribute__(self, "_claim")
        if isinstance(other, SeenClaim):
            other = object.__getattribute__(other, "_claim")
        return mine is other

    def __hash__(self):
        return hash(object.__getattribute__(self, "_claim"))

    def __repr__(self) -> str:
        return f"<SeenClaim {self._claim.id} {self.status} v{self.version}>"


def as_seen(viewer, claim):
    """The claim itself for a viewer who sees its reviews, else a SeenClaim."""
    if claim is None or isinstance(claim, SeenClaim) or not is_blind(viewer, claim):
        return claim
    return SeenClaim(
        claim, viewer, _status_before_reviews(claim), claim.version - _others_saves(viewer, claim)
    )


def as_seen_all(viewer, claims) -> list:
    """as_seen over many claims (load Claim.reviews with them: it is read per claim)."""
    return [as_seen(viewer, c) for c in claims]


def status_column(viewer):
    """Claim.status as the viewer sees it, as a SQL expression (filters and counts)."""
    if can(viewer, Permission.SEE_ALL_REVIEWS):
        return Claim.status
    own = exists(
        select(Review.id).where(
            Review.claim_id == Claim.id, Review.reviewer_id == getattr(viewer, "id", None)
        )
    )
    status_type = Claim.__table__.c.status.type
    before = case(
        (Claim.return_comment.is_not(None), literal(ClaimStatus.RETURNED, status_type)),
        else_=literal(ClaimStatus.OPEN, status_type),
    )
    return type_coerce(
        case((and_(Claim.status == ClaimStatus.REVIEWED, ~own), before), else_=Claim.status),
        status_type,
    )


def check_seen_version(viewer, claim, version) -> None:
    """Refuse a change to a claim made on a stale copy, judged on the version the viewer
    was shown (a 409's "it is now version N" says that version, nothing more)."""
    check_version_number(seen_version(viewer, claim), version, what=N_("claim %(id)s", id=claim.id))
