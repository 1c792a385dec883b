"""Assignments and queues over the API."""

from __future__ import annotations

from flask import jsonify

from factcheck.api import bp, json_body, only
from factcheck.api.serializers import claim_json
from factcheck.database import transaction
from factcheck.errors import InvalidInput
from factcheck.extensions import db
from factcheck.models import iso
from factcheck.permissions import Permission, can
from factcheck.services import assignments
from factcheck.web.auth import current_actor


@bp.post("/assignments")
def create_assignment():
    data = only(json_body(), {"user_id", "article_id", "claim_ids", "due_on"})
    if not isinstance(data.get("article_id"), int) or isinstance(data.get("article_id"), bool):
        raise InvalidInput("article_id is required", errors={"article_id": "integer required"})
    with transaction() as s:
        created = assignments.assign(s, actor=current_actor(), user_id=data.get("user_id"),
                                     article_id=data["article_id"], claim_ids=data.get("claim_ids"),
                                     due_on=data.get("due_on"))  # fmt: skip
        items = [{"id": a.id, "user_id": a.user_id, "article_id": a.article_id, "claim_id": a.claim_id,
                  "due_on": a.due_on.isoformat() if a.due_on else None, "created_at": iso(a.created_at)}
                 for a in created]  # fmt: skip
    return jsonify({"items": items, "created": len(items)}), 201 if items else 200


@bp.get("/queue")
def queue():
    actor = current_actor()
    mine = assignments.reviewer_queue(db.session, actor)
    out = {"assigned": [claim_json(c, None) for c in mine["assigned"]],
           "returned": [claim_json(c, None) for c in mine["returned"]]}  # fmt: skip
    if can(actor, Permission.DECIDE_CLAIMS):
        desk = assignments.lead_queue(db.session)
        out |= {
            k: [claim_json(c, None) for c in desk[k]]
            for k in ("awaiting_approval", "conflicts", "returned")
        }
        out["returned_to_reviewers"] = out.pop("returned")
        out["returned"] = [claim_json(c, None) for c in mine["returned"]]
        out["overdue"] = [{"assignment_id": a.id, "user_id": a.user_id, "due_on": a.due_on.isoformat(),
                           "claim": claim_json(c, None)} for a, c in desk["overdue"]]  # fmt: skip
    return jsonify(out)
