"""Live updates: an article's state as one viewer may see it, and its fingerprint.

The workspace page asks for it every few seconds (static/js/live.js) with the last ETag in
If-None-Match; the state comes from the database alone, so any app server behind the proxy
answers the same. Blind review holds here too: a claim whose other reviews the viewer may
not read yet (permissions.SEE_OTHER_REVIEWS) shows nothing of their saves — not the version
steps they make, not the "reviewed" status they bring, not their authors — so a review the
viewer may not see leaves the state, and the ETag, as they were.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factcheck.models import AuditEvent, User, iso
from factcheck.permissions import Permission, require
from factcheck.services import blind
from factcheck.services.articles import claims_as_seen
from factcheck.services.common import get_article


def article_state(session: Session, viewer, article_id) -> dict:
    """The article's status and version and, per claim (reading order): id, number, status,
    final verdict, visible version and the last visible change (who, what, when)."""
    require(viewer, Permission.USE_DESK)
    article = get_article(session, article_id)
    # the current body's claims, each as the viewer sees it (blind review: version and
    # status before others' saves)
    seen_claims = claims_as_seen(session, viewer, article, reviewers=True)
    last = _last_claim_events(session, article.id)
    viewer_id = getattr(viewer, "id", None)
    out = []
    for claim in seen_claims:
        visible = not isinstance(claim, blind.SeenClaim)
        version, status = claim.version, claim.status
        change = last.get(claim.id)
        if visible:  # a visible review saved after the claim's own last event is the change
            newest = max(claim.reviews, key=lambda r: r.updated_at, default=None)
            if newest is not None and (change is None or newest.updated_at > change["at"]):
                change = {"at": newest.updated_at, "action": "review.saved",
                          "by_id": newest.reviewer_id, "by": newest.reviewer.display_name}  # fmt: skip
        out.append({
            "id": claim.id, "number": claim.number, "status": status.value,
            "verdict": claim.final_verdict.value if claim.final_verdict else None,
            "version": version,
            "changed_by": change["by"] if change else None,
            "changed_by_id": change["by_id"] if change else None,
            "change": change["action"] if change else None,
            "changed_at": iso(change["at"]) if change else None,
        })  # fmt: skip
    changed = _last_article_event(session, article.id)
    return {
        "article_id": article.id,
        "status": article.status.value,
        "version": article.version,
        "changed_by": changed["by"] if changed else None,
        "changed_by_id": changed["by_id"] if changed else None,
        "viewer_id": viewer_id,
        "claims": out,
    }


def _last_article_event(session: Session, article_id: int) -> dict | None:
    """The article's newest event as an article (import, review started, approval…)."""
    row = session.execute(
        select(AuditEvent.actor_id, User.display_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.article_id == article_id, AuditEvent.target_type == "article")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    return {"by_id": row[0], "by": row[1]} if row else None


def _last_claim_events(session: Session, article_id: int) -> dict[int, dict]:
    """Per claim of the article, its newest event as a claim (edits, decisions; never a
    review, whose events name the review)."""
    newest = (
        select(func.max(AuditEvent.id))
        .where(AuditEvent.article_id == article_id, AuditEvent.target_type == "claim")
        .group_by(AuditEvent.target_id)
    )
    rows = session.execute(
        select(AuditEvent.target_id, AuditEvent.action, AuditEvent.created_at,
               AuditEvent.actor_id, User.display_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.id.in_(newest))
    )  # fmt: skip
    return {
        target: {"action": action, "at": at, "by_id": actor_id, "by": name}
        for target, action, at, actor_id, name in rows
    }


def state_tag(state: dict) -> str:
    """A strong ETag of exactly this state (the same state, the same tag, on any server)."""
    text = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
