"""Claims: read, edit the split, my review, a lead's decisions, history."""

from __future__ import annotations

from flask import jsonify, url_for

from factcheck.api import requests as inp
from factcheck.api import responses as out
from factcheck.api.contract import Refusal, answer, given, route, version_of
from factcheck.api.helpers import with_etag
from factcheck.api.serializers import claim_json, review_json
from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Claim
from factcheck.services import approvals, blind, claims, history, reviews
from factcheck.services.common import get_claim
from factcheck.services.similar import similar_claims
from factcheck.web.auth import current_actor

CLAIM = answer(out.ClaimDetail, headers=("ETag",))
SPAN = Refusal(422, "span", "start < end within the article body, more than whitespace "
               "between them, overlapping no other claim of the article")  # fmt: skip


def claim_payload(claim_id: int) -> dict:
    """A claim with the reviews the caller may see (blind review) and its history link."""
    db.session.expire_all()
    claim = get_claim(db.session, claim_id)
    actor = current_actor()
    visible = reviews.visible_reviews(db.session, actor, claim)
    return {
        **claim_json(blind.as_seen(actor, claim)),  # blind review: status and version as seen
        "reviews": [review_json(r) for r in visible],
        "review_count": len(visible),
        "reviews_hidden": blind.is_blind(actor, claim),
        "history": url_for("api.claim_history", claim_id=claim.id),
    }


def _claim_response(claim_id: int, status: int = 200):
    payload = claim_payload(claim_id)
    return with_etag(payload, payload["version"], status)


@route(
    "GET", "/claims/<int:claim_id>", summary="A claim with the reviews the caller may see", ok=CLAIM
)
def read_claim(claim_id: int):
    return _claim_response(claim_id)


@route("PATCH", "/claims/<int:claim_id>", summary="Edit span, speaker or statement", ok=CLAIM,
       body=inp.ClaimChange, versioned=True, refusals=(SPAN,))  # fmt: skip
def edit_claim(claim_id: int, body: inp.ClaimChange):
    kwargs = given(body, "speaker", "statement")
    with transaction() as s:
        claims.update_claim(s, actor=current_actor(), claim_id=claim_id, version=version_of(body),
                            start=body.start, end=body.end, **kwargs)  # fmt: skip
    return _claim_response(claim_id)


@route("POST", "/claims/<int:claim_id>/split", summary="Split at a body offset", body=inp.Split,
       versioned=True, ok=answer(out.Claims),
       refusals=(Refusal(422, "at", "inside the claim (start < at < end), with more than "
                         "whitespace on either side"),))  # fmt: skip
def split_claim(claim_id: int, body: inp.Split):
    with transaction() as s:
        first, second = claims.split_claim(s, actor=current_actor(), claim_id=claim_id,
                                           at=body.at, version=version_of(body))  # fmt: skip
        ids = (first.id, second.id)
    db.session.expire_all()
    actor = current_actor()
    return jsonify(
        {"claims": [claim_json(blind.as_seen(actor, db.session.get(Claim, i))) for i in ids]}
    )


@route("POST", "/claims/<int:claim_id>/merge", summary="Merge with the adjacent claim", ok=CLAIM,
       body=inp.Merge, versioned=True,
       refusals=(Refusal(422, "with", "another claim of the same article, with no claim "
                         "between the two"),))  # fmt: skip
def merge_claim(claim_id: int, body: inp.Merge):
    with transaction() as s:
        claims.merge_claims(s, actor=current_actor(), claim_id=claim_id, with_id=body.with_,
                            version=version_of(body))  # fmt: skip
    return _claim_response(claim_id)


@route("POST", "/claims/<int:claim_id>/exclude", summary="Exclude with a reason", ok=CLAIM,
       body=inp.Exclusion, versioned=True)  # fmt: skip
def exclude_claim(claim_id: int, body: inp.Exclusion):
    with transaction() as s:
        claims.exclude_claim(s, actor=current_actor(), claim_id=claim_id, reason=body.reason,
                             version=version_of(body))  # fmt: skip
    return _claim_response(claim_id)


@route("PUT", "/claims/<int:claim_id>/reviews/me", summary="Create or revise my review",
       body=inp.ReviewSubmission, versioned=True,
       ok=(answer(out.Review, 200, "Revised", ("ETag",)),
           answer(out.Review, 201, "Created", ("ETag",))))  # fmt: skip
def put_my_review(claim_id: int, body: inp.ReviewSubmission):
    links = None if body.links is None else [link.model_dump() for link in body.links]
    with transaction() as s:
        review, created = reviews.submit_review(
            s, actor=current_actor(), claim_id=claim_id, verdict=body.verdict,
            note=body.note, links=links, version=version_of(body),
        )  # fmt: skip
        payload = review_json(review)  # flushed: ids and the new version are final
    return with_etag(payload, payload["version"], 201 if created else 200)


APPROVAL_RULES = (
    Refusal(422, "note", "required when the reviews disagree, or the verdict differs from theirs"),
    Refusal(422, "verdict", "confirmed or disputed needs an evidence link in the reviews"),
)


@route("POST", "/claims/<int:claim_id>/approve", summary="Approve a final verdict", ok=CLAIM,
       body=inp.Approval, versioned=True, refusals=APPROVAL_RULES)  # fmt: skip
def approve_claim(claim_id: int, body: inp.Approval):
    with transaction() as s:
        approvals.approve_claim(s, actor=current_actor(), claim_id=claim_id, verdict=body.verdict,
                                note=body.note, version=version_of(body))  # fmt: skip
    return _claim_response(claim_id)


@route("POST", "/claims/<int:claim_id>/return", summary="Return to reviewers", ok=CLAIM,
       body=inp.ReturnToReviewers, versioned=True)  # fmt: skip
def return_claim(claim_id: int, body: inp.ReturnToReviewers):
    with transaction() as s:
        approvals.return_claim(s, actor=current_actor(), claim_id=claim_id,
                               comment=body.comment, version=version_of(body))  # fmt: skip
    return _claim_response(claim_id)


@route("POST", "/claims/<int:claim_id>/reopen", summary="Reopen an approved claim", ok=CLAIM,
       body=inp.Reopening, versioned=True)  # fmt: skip
def reopen_claim(claim_id: int, body: inp.Reopening):
    with transaction() as s:
        approvals.reopen_claim(s, actor=current_actor(), claim_id=claim_id,
                               reason=body.reason, version=version_of(body))  # fmt: skip
    return _claim_response(claim_id)


@route("GET", "/claims/<int:claim_id>/history", summary="The claim's audit events, oldest first",
       ok=answer(out.History))  # fmt: skip
def claim_history(claim_id: int):
    claim = get_claim(db.session, claim_id)
    items = history.claim_history(db.session, claim, current_actor())
    return jsonify({"items": items, "total": len(items)})


@route("GET", "/claims/<int:claim_id>/similar", ok=answer(out.Similar),
       summary="Previously approved claims that resemble this one, best first")  # fmt: skip
def similar(claim_id: int):
    """Previously approved claims that resemble this one, best first."""
    claim = get_claim(db.session, claim_id)
    items = similar_claims(db.session, claim)
    for item in items:
        item["url"] = url_for("claims.show", claim_id=item["claim_id"], _external=True)
    return jsonify({"items": items, "total": len(items)})
