"""The audit trail over the API (leads and admins)."""

from __future__ import annotations

from flask import jsonify

from factcheck.api import requests as inp
from factcheck.api import responses as out
from factcheck.api.contract import Refusal, answer, route
from factcheck.errors import InvalidInput
from factcheck.extensions import db
from factcheck.permissions import Permission, require
from factcheck.services import history
from factcheck.services.audit import verify_chain
from factcheck.web.auth import current_actor

ONE_CURSOR = Refusal(422, "after_seq", "give before_seq or after_seq, not both")


@route("GET", "/audit", query=inp.AuditList, ok=answer(out.AuditPage), refusals=(ONE_CURSOR,),
       summary="Audit events (leads and admins), newest first. Page by ?page= or, at any depth "
       "for the same cost, by the keyset cursors the response gives: ?before_seq= (older) and "
       "?after_seq= (newer)")  # fmt: skip
def list_audit(query: inp.AuditList):
    require(current_actor(), Permission.VIEW_AUDIT)
    if query.before_seq is not None and query.after_seq is not None:
        raise InvalidInput("give before_seq or after_seq, not both", errors={"after_seq": "one"})
    result = history.list_events(
        db.session, article_id=query.article_id, actor_id=query.actor_id,
        action=query.action, since=query.since, until=query.until,
        page=query.page, per_page=query.per_page, before_seq=query.before_seq, after_seq=query.after_seq,
    )  # fmt: skip
    return jsonify({"items": [history.event_dict(e) for e in result.items], "page": query.page,
                    "per_page": query.per_page, "total": result.total,
                    "newer_after_seq": result.newer, "older_before_seq": result.older})  # fmt: skip


@route("GET", "/audit/verify", summary="Verify the hash chain (admins)", query=inp.Verify,
       ok=answer(out.Verification))  # fmt: skip
def verify_audit(query: inp.Verify):
    require(current_actor(), Permission.VERIFY_AUDIT)
    result = verify_chain(db.session, head=query.head or None)
    return jsonify({"ok": result.ok, "events": result.events, "first_bad_id": result.first_bad_id,
                    "reason": result.reason, "head": {"seq": result.head_seq, "hash": result.head_hash}})  # fmt: skip
