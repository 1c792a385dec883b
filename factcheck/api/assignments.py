"""Assignments and queues over the API."""

from __future__ import annotations

from flask import jsonify

from factcheck.api import requests as inp
from factcheck.api import responses as out
from factcheck.api.contract import Refusal, answer, route
from factcheck.api.serializers import claim_json
from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import iso
from factcheck.permissions import Permission, can
from factcheck.services import assignments
from factcheck.web.auth import current_actor

RULES = (
    Refusal(422, "user_id", "an active account"),
    Refusal(422, "claim_ids", "claims of the article"),
)


@route("POST", "/assignments", body=inp.NewAssignment, refusals=RULES, problems=(404,),
       summary="Assign an article or some of its claims to a reviewer (leads)",
       ok=(answer(out.Assignments, 201, "Created"), answer(out.Assignments, 200, "Already assigned")))  # fmt: skip
def create_assignment(body: inp.NewAssignment):
    with transaction() as s:
        created = assignments.assign(s, actor=current_actor(), user_id=body.user_id,
                                     article_id=body.article_id, claim_ids=body.claim_ids,
                                     due_on=body.due_on)  # fmt: skip
        items = [{"id": a.id, "user_id": a.user_id, "article_id": a.article_id, "claim_id": a.claim_id,
                  "due_on": a.due_on.isoformat() if a.due_on else None, "created_at": iso(a.created_at)}
                 for a in created]  # fmt: skip
    return jsonify({"items": items, "created": len(items)}), 201 if items else 200


@route("GET", "/queue", query=inp.QueuePaging, ok=answer(out.Queue),
       summary="The caller's queue (leads also get the desk's queues), a page of each section: "
       "?page= and ?per_page=; `more` says which sections go on, `totals` counts them")  # fmt: skip
def queue(query: inp.QueuePaging):
    actor = current_actor()
    page, per_page = query.page, query.per_page
    mine = assignments.reviewer_queue(db.session, actor, page=page, per_page=per_page)
    out = {"assigned": [claim_json(c, None) for c in mine["assigned"]],
           "returned": [claim_json(c, None) for c in mine["returned"]],
           "page": page, "per_page": per_page, "more": dict(mine["more"]),
           "totals": dict(mine["totals"])}  # fmt: skip
    if can(actor, Permission.DECIDE_CLAIMS):
        desk = assignments.lead_queue(db.session, page=page, per_page=per_page)
        out |= {
            k: [claim_json(c, None) for c in desk[k]]
            for k in ("awaiting_approval", "conflicts", "returned")
        }
        out["returned_to_reviewers"] = out.pop("returned")
        out["returned"] = [claim_json(c, None) for c in mine["returned"]]
        out["overdue"] = [{"assignment_id": a.id, "user_id": a.user_id, "due_on": a.due_on.isoformat(),
                           "claim": claim_json(c, None)} for a, c in desk["overdue"]]  # fmt: skip
        rename = {"returned": "returned_to_reviewers"}
        out["more"] |= {rename.get(k, k): v for k, v in desk["more"].items()}
        out["totals"] |= {rename.get(k, k): v for k, v in desk["totals"].items()}
    return jsonify(out)
