"""A lead's decisions on many claims at once, and what needs the caller on an article."""

from __future__ import annotations

from typing import Annotated, Literal

from flask import jsonify

from factcheck.api.contract import Refusal, answer, route
from factcheck.api.fields import EMPTY, Id, Integer, Text, doc
from factcheck.api.requests import Body, Verdict
from factcheck.api.responses import Out
from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.services import desk
from factcheck.web.auth import current_actor

Action = Literal[tuple(desk.BULK_ACTIONS)]


class BulkDecision(Body):
    """One decision for the listed claims; each claim is decided by its own rules."""

    action: Action
    claim_ids: Annotated[list[Id], doc(minItems=1, maxItems=desk.MAX_BULK)]
    note: Text("MAX_NOTE_CHARS") = ""
    reason: Text("MAX_REASON_CHARS") = ""
    verdict: Verdict | None = None
    user_id: Id | None = None
    due_on: Annotated[str, doc(anyOf=[{"format": "date"}, EMPTY])] | None = None
    versions: (
        Annotated[
            dict[str, Integer], doc(description="claim id -> the version the decision is based on")
        ]
        | None
    ) = None


class BulkResult(Out):
    claim_id: int
    ok: bool
    detail: str
    status: str | None = None
    version: int | None = None


class BulkResults(Out):
    done: int
    results: list[BulkResult]


class Needs(Out):
    items: list[dict]


RULES = (
    Refusal(422, "claim_ids", "a non-empty list of claim ids"),
    Refusal(422, "user_id", "required to assign"),
    Refusal(422, "due_on", "required to set the due date"),
)


@route("POST", "/claims/bulk", body=BulkDecision, refusals=RULES,
       summary="Approve (agreeing reviews, one note), exclude, assign or set the due date of many claims (leads); one result per claim",
       ok=answer(BulkResults))  # fmt: skip
def bulk_decide(body: BulkDecision):
    versions = {int(k): v for k, v in (body.versions or {}).items() if k.isdigit()}
    with transaction() as s:
        results = desk.bulk_decide(s, actor=current_actor(), action=body.action, claim_ids=body.claim_ids,
                                   note=body.note, reason=body.reason, verdict=body.verdict,
                                   user_id=body.user_id, due_on=body.due_on, versions=versions)  # fmt: skip
    return jsonify({"done": sum(r["ok"] for r in results), "results": results})


@route("GET", "/articles/<int:article_id>/needs-me", problems=(404,),
       summary="The article's claims that need the caller, in order, with the reason",
       ok=answer(Needs))  # fmt: skip
def needs_me(article_id: int):
    needs = desk.needs_me(db.session, current_actor(), article_id)
    return jsonify(
        {
            "items": [
                {"claim_id": cid, "reason": r, "label": desk.REASONS[r]} for cid, r in needs.items()
            ]
        }
    )
