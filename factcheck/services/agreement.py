"""Reading agreement between reviewers for an article (it changes nothing).

Blind review holds here too: the figures are computed over the reviews the viewer may
see (a reviewer: only the claims they reviewed themselves), never over the others.

Agreement counts each reviewer's FIRST submitted verdict of a claim: once a reviewer has
submitted they may read the others, so a later revision is not blind. A conflict of first
verdicts stays in the list after the reviewers revise into agreement (or a lead approves),
marked resolved; the claims with a review revised after its author could see the others
are listed, and the agreement of the current verdicts is given beside the first ones.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factcheck.models import Claim, ClaimStatus, Review, User
from factcheck.permissions import ClaimFacts, Permission, can
from factcheck.text.agreement import agreeing_units, cohen_kappa, krippendorff_alpha_nominal


def article_agreement(session: Session, article_id: int, *, viewer) -> dict:
    """Per-claim agreement, Krippendorff's alpha, pairwise Cohen's kappa and conflicts on
    first verdicts, over the reviews `viewer` may see."""
    rows = _visible_rows(session, article_id, viewer)
    units: dict[int, list[str]] = defaultdict(list)
    current: dict[int, list[str]] = defaultdict(list)
    by_reviewer: dict[int, dict[int, str]] = defaultdict(dict)
    revised_seen, approved = set(), set()
    for row in rows:
        units[row.claim_id].append(row.first)
        current[row.claim_id].append(row.verdict)
        by_reviewer[row.reviewer_id][row.claim_id] = row.first
        if row.revised_after_seen:
            revised_seen.add(row.claim_id)
        if row.status == ClaimStatus.APPROVED:
            approved.add(row.claim_id)
    agree, conflicts = agreeing_units(units)
    now_agree, _now_conflicts = agreeing_units(current)
    resolved = [c for c in conflicts if c in approved or c in now_agree]
    names = dict(
        session.execute(
            select(User.id, User.display_name).where(User.id.in_(list(by_reviewer)))
        ).all()
    )
    pairs = []
    for a, b in combinations(sorted(by_reviewer), 2):
        common = sorted(set(by_reviewer[a]) & set(by_reviewer[b]))
        if common:
            kappa = cohen_kappa([(by_reviewer[a][c], by_reviewer[b][c]) for c in common])
            pairs.append({"reviewers": [a, b], "names": [names.get(a), names.get(b)], "claims": len(common),
                          "agreeing": sum(by_reviewer[a][c] == by_reviewer[b][c] for c in common),
                          "kappa": _round(kappa)})  # fmt: skip
    compared = len(agree) + len(conflicts)
    return {
        "claims_with_reviews": len(units),
        "claims_compared": compared,
        "agreeing": len(agree),
        "share_agreeing": _round(len(agree) / compared) if compared else None,
        "alpha": _round(krippendorff_alpha_nominal(units)),
        "conflicts": conflicts,
        "resolved_conflicts": resolved,
        "revised_after_seen": sorted(revised_seen, key=list(units).index),
        "current_agreeing": len(now_agree),
        "current_share_agreeing": _round(len(now_agree) / compared) if compared else None,
        "pairs": pairs,
        "reviewers": [
            _reviewer_row(r, names.get(r), by_reviewer, units) for r in sorted(by_reviewer)
        ],
    }


def _visible_rows(session: Session, article_id: int, viewer) -> list:
    """(claim_id, reviewer_id, verdict, status, first, revised_after_seen) of the claims whose reviews the viewer may read."""
    first = func.coalesce(Review.first_verdict, Review.verdict).label("first")
    rows = session.execute(
        select(
            Review.claim_id,
            Review.reviewer_id,
            Review.verdict,
            Claim.status,
            first,
            Review.revised_after_seen,
        )  # fmt: skip
        .join(Claim, Claim.id == Review.claim_id)
        .where(Claim.article_id == article_id, Claim.status != ClaimStatus.EXCLUDED)
        .order_by(Claim.start, Review.id)
    ).all()
    if can(viewer, Permission.SEE_ALL_REVIEWS):
        return list(rows)
    by_claim: dict[int, list] = defaultdict(list)
    for row in rows:
        by_claim[row.claim_id].append(row)
    return [
        row
        for claim_id, reviews in by_claim.items()
        if can(
            viewer,
            Permission.SEE_OTHER_REVIEWS,
            ClaimFacts(claim_id, reviews[0].status, reviews=reviews),
        )  # fmt: skip
        for row in reviews
    ]


def _reviewer_row(reviewer_id, name, by_reviewer, units) -> dict:
    mine = by_reviewer[reviewer_id]
    compared = [c for c in mine if len(units[c]) >= 2]
    agreeing = [c for c in compared if len(set(units[c])) == 1]
    return {"id": reviewer_id, "name": name, "reviews": len(mine), "compared": len(compared),
            "agreeing": len(agreeing), "share_agreeing": _round(len(agreeing) / len(compared)) if compared else None}  # fmt: skip


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
