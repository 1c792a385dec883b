"""Claims: read, edit the split, my review, a lead's decisions, history."""

from __future__ import annotations

from flask import jsonify, url_for

from factcheck.api import bp, json_body, only, version_from
from factcheck.api.helpers import with_etag
from factcheck.api.serializers import claim_json, review_json
from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Claim
from factcheck.services import approvals, claims, history, reviews
from factcheck.services.common import get_claim
from factcheck.services.similar import similar_claims
from factcheck.web.auth import current_actor


def claim_payload(claim_id: int) -> dict:
    """A claim with the reviews the caller may see (blind review) and its history link."""
    db.session.expire_all()
    claim = get_claim(db.session, claim_id)
    actor = current_actor()
    visible = reviews.visible_reviews(db.session, actor, claim)
    return {
        **claim_json(claim),
        "reviews": [review_json(r) for r in visible],
        "review_count": len(claim.reviews),
        "reviews_hidden": len(claim.reviews) - len(visible),
        "history": url_for("api.claim_history", claim_id=claim.id),
    }


def _claim_response(claim_id: int, status: int = 200):
    payload = claim_payload(claim_id)
    return with_etag(payload, payload["version"], status)


@bp.get("/claims/<int:claim_id>")
def read_claim(claim_id: int):
    return _claim_response(claim_id)


@bp.patch("/claims/<int:claim_id>")
def edit_claim(claim_id: int):
    data = only(json_body(), {"start", "end", "speaker", "statement", "version"})
    kwargs = {k: data[k] for k in ("speaker", "statement") if k in data}
    with transaction() as s:
        claims.update_claim(s, actor=current_actor(), claim_id=claim_id, version=version_from(data),
                            start=data.get("start"), end=data.get("end"), **kwargs)  # fmt: skip
    return _claim_response(claim_id)


@bp.post("/claims/<int:claim_id>/split")
def split_claim(claim_id: int):
    data = only(json_body(), {"at", "version"})
    with transaction() as s:
        first, second = claims.split_claim(s, actor=current_actor(), claim_id=claim_id,
                                           at=data.get("at"), version=version_from(data))  # fmt: skip
        ids = (first.id, second.id)
    db.session.expire_all()
    return jsonify({"claims": [claim_json(db.session.get(Claim, i)) for i in ids]})


@bp.post("/claims/<int:claim_id>/merge")
def merge_claim(claim_id: int):
    data = only(json_body(), {"with", "version"})
    with transaction() as s:
        claims.merge_claims(s, actor=current_actor(), claim_id=claim_id, with_id=data.get("with"),
                            version=version_from(data))  # fmt: skip
    return _claim_response(claim_id)


@bp.post("/claims/<int:claim_id>/exclude")
def exclude_claim(claim_id: int):
    data = only(json_body(), {"reason", "version"})
    with transaction() as s:
        claims.exclude_claim(s, actor=current_actor(), claim_id=claim_id, reason=data.get("reason"),
                             version=version_from(data))  # fmt: skip
    return _claim_response(claim_id)


@bp.put("/claims/<int:claim_id>/reviews/me")
def put_my_review(claim_id: int):
    data = only(json_body(), {"verdict", "note", "links", "version"})
    with transaction() as s:
        review, created = reviews.submit_review(
            s, actor=current_actor(), claim_id=claim_id, verdict=data.get("verdict"),
            note=data.get("note", ""), links=data.get("links"), version=version_from(data),
        )  # fmt: skip
        payload = review_json(review)  # flushed: ids and the new version are final
    return with_etag(payload, payload["version"], 201 if created else 200)


@bp.post("/claims/<int:claim_id>/approve")
def approve_claim(claim_id: int):
    data = only(json_body(), {"verdict", "note", "version"})
    with transaction() as s:
        approvals.approve_claim(s, actor=current_actor(), claim_id=claim_id, verdict=data.get("verdict"),
                                note=data.get("note"), version=version_from(data))  # fmt: skip
    return _claim_response(claim_id)


@bp.post("/claims/<int:claim_id>/return")
def return_claim(claim_id: int):
    data = only(json_body(), {"comment", "version"})
    with transaction() as s:
        approvals.return_claim(s, actor=current_actor(), claim_id=claim_id,
                               comment=data.get("comment"), version=version_from(data))  # fmt: skip
    return _claim_response(claim_id)


@bp.post("/claims/<int:claim_id>/reopen")
def reopen_claim(claim_id: int):
    data = only(json_body(), {"reason", "version"})
    with transaction() as s:
        approvals.reopen_claim(s, actor=current_actor(), claim_id=claim_id,
                               reason=data.get("reason"), version=version_from(data))  # fmt: skip
    return _claim_response(claim_id)


@bp.get("/claims/<int:claim_id>/history")
def claim_history(claim_id: int):
    claim = get_claim(db.session, claim_id)
    items = history.claim_history(db.session, claim, current_actor())
    return jsonify({"items": items, "total": len(items)})


@bp.get("/claims/<int:claim_id>/similar")
def similar(claim_id: int):
    """Previously approved claims that resemble this one, best first."""
    claim = get_claim(db.session, claim_id)
    items = similar_claims(db.session, claim)
    for item in items:
        item["url"] = url_for("claims.show", claim_id=item["claim_id"], _external=True)
    return jsonify({"items": items, "total": len(items)})
