"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json.

Kept next to the code and checked by tests/api: every API route must appear here and
every path here must be a route, so the document cannot drift from the app.
"""

from __future__ import annotations

from pathlib import Path

from flask import Response, jsonify

from factcheck.api import bp
from factcheck.models import AuditAction

VERDICT = {"type": "string", "enum": ["confirmed", "unconfirmed", "disputed"]}
NULLABLE_STR = {"type": ["string", "null"]}
TIME = {"type": ["string", "null"], "format": "date-time"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _ok(schema: dict, code: str = "200", description: str = "OK") -> dict:
    return {code: {"description": description, "content": _json(schema)}}


PROBLEM = {
    "description": "Problem",
    "content": {"application/problem+json": {"schema": _ref("Problem")}},
}
ERRORS = {
    code: PROBLEM
    for code in (
        "400",
        "401",
        "403",
        "404",
        "409",
        "413",
        "415",
        "422",
        "428",
        "429",
        "500",
        "502",
        "503",
        "504",
    )
}

SCHEMAS = {
    "Problem": {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
            "detail": {"type": "string"}, "errors": {"type": "object", "additionalProperties": {"type": "string"}},
            "current_version": {"type": "integer"}, "request_id": {"type": "string"},
        },
    },
    "User": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "email": {"type": "string"}, "display_name": {"type": "string"},
                       "role": {"type": "string", "enum": ["reviewer", "lead", "admin"]}, "active": {"type": "boolean"}},
    },
    "Progress": {
        "type": "object",
        "properties": {k: {"type": "integer"} for k in ("total", "reviewed", "approved", "excluded")},
    },
    "EvidenceLink": {
        "type": "object",
        "required": ["url"],
        "properties": {"url": {"type": "string", "format": "uri", "maxLength": 2048},
                       "title": {"type": "string", "maxLength": 500},
                       "stance": {"type": "string", "enum": ["supports", "contradicts", "context"]},
                       "excerpt": {"type": ["string", "null"], "maxLength": 2000},
                       "archived_url": {"type": ["string", "null"], "maxLength": 2048}},
        "additionalProperties": False,
    },
    "Review": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "claim_id": {"type": "integer"}, "reviewer_id": {"type": "integer"},
                       "reviewer": {"type": "string"}, "verdict": VERDICT, "note": {"type": "string"},
                       "note_html": {"type": "string"}, "links": {"type": "array", "items": _ref("EvidenceLink")},
                       "created_at": TIME, "updated_at": TIME, "version": {"type": "integer"}},
    },
    "Claim": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "article_id": {"type": "integer"}, "seq": {"type": ["integer", "null"]},
            "start": {"type": "integer"}, "end": {"type": "integer"}, "text": {"type": "string"},
            "statement": {"type": "string"}, "speaker": NULLABLE_STR, "is_quote": {"type": "boolean"},
            "checkworthiness": {"type": "number"}, "reasons": {"type": "array", "items": {"type": "string"}},
            "status": {"type": "string", "enum": ["open", "reviewed", "approved", "returned", "excluded"]},
            "final_verdict": {"type": ["string", "null"]}, "approved_by": {"type": ["integer", "null"]},
            "approved_at": TIME, "approval_note": NULLABLE_STR, "return_comment": NULLABLE_STR,
            "excluded_reason": NULLABLE_STR, "version": {"type": "integer"},
            "reviews": {"type": "array", "items": _ref("Review")}, "review_count": {"type": "integer"},
            "reviews_hidden": {"type": "integer"}, "history": {"type": "string"},
        },
    },
    "ArticleSummary": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "title": {"type": "string"},
                       "status": {"type": "string", "enum": ["draft", "in_review", "approved"]},
                       "created_at": TIME, "version": {"type": "integer"}, "progress": _ref("Progress")},
    },
    "Article": {
        "allOf": [_ref("ArticleSummary")],
        "type": "object",
        "properties": {"body": {"type": "string"}, "publisher": NULLABLE_STR, "original_publisher": NULLABLE_STR,
                       "byline": NULLABLE_STR, "published_at": NULLABLE_STR, "source_url": NULLABLE_STR,
                       "claims": {"type": "array", "items": _ref("Claim")}},
    },
    "AuditEvent": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "seq": {"type": "integer"}, "created_at": TIME,
                       "actor_id": {"type": ["integer", "null"]}, "actor": {"type": "string"},
                       "action": {"type": "string"}, "target_type": {"type": "string"},
                       "target_id": {"type": ["integer", "null"]}, "article_id": {"type": ["integer", "null"]},
                       "before": {"type": ["object", "null"]}, "after": {"type": ["object", "null"]},
                       "hash": {"type": "string"}, "prev_hash": {"type": "string"}},
    },
}  # fmt: skip


def _page(item: str) -> dict:
    return {"type": "object", "properties": {"items": {"type": "array", "items": _ref(item)},
            "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"}}}  # fmt: skip


def _audit_page() -> dict:
    page = _page("AuditEvent")
    cursor = {"type": ["integer", "null"]}
    page["properties"] |= {"newer_after_seq": cursor, "older_before_seq": cursor}
    return page


def _body(props: dict, required: list[str] | None = None) -> dict:
    schema = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        schema["required"] = required
    return {"required": True, "content": _json(schema)}


def _op(
    summary: str, responses: dict, body: dict | None = None, params: list | None = None
) -> dict:
    op = {"summary": summary, "responses": {**responses, **ERRORS}}
    if body:
        op["requestBody"] = body
    if params:
        op["parameters"] = params
    return op


def _q(name: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema or {"type": "string"}}


ID = {"type": "integer"}
VERSION = {"version": {"type": "integer"}}
PAGING = [
    _q("page", {"type": "integer", "minimum": 1}),
    _q("per_page", {"type": "integer", "minimum": 1, "maximum": 500}),
]
CLAIM = _ok(_ref("Claim"))

PATHS = {
    "/tokens": {"post": _op("Create a personal API token (shown once)", _ok(
        {"type": "object", "properties": {"id": ID, "name": {"type": "string"}, "token": {"type": "string"}}}, "201", "Created"),
        _body({"email": {"type": "string"}, "password": {"type": "string"}, "name": {"type": "string"},
               "code": {"type": "string", "description": "TOTP or recovery code, when two-step sign-in is on"}},
              ["email", "password"]))},
    "/me": {"get": _op("The caller", _ok(_ref("User")))},
    "/articles": {
        "get": _op("List articles", _ok(_page("ArticleSummary")), params=[*PAGING, _q("status"), _q("q")]),
        "post": _op("Import an article (JSON text, or multipart with a .txt/.md file)", _ok(_ref("Article"), "201", "Created"), {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "object", "additionalProperties": False,
                    "oneOf": [{"required": ["text"]}, {"required": ["html"]}, {"required": ["url"]}], "properties": {
                    "text": {"type": "string"}, "html": {"type": "string"}, "url": {"type": "string", "description": "fetched by the server"},
                    "title": {"type": "string"}, "source_url": {"type": "string"},
                    "publisher": {"type": "string"}, "published_at": {"type": "string", "format": "date"}}}},
                "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                    "file": {"type": "string", "format": "binary"}, "title": {"type": "string"}}}},
            }}),
    },
    "/articles/{article_id}": {"get": _op("An article with its claims", _ok(_ref("Article")))},
    "/articles/{article_id}/claims": {"post": _op("Add a claim from a span of the body", _ok(_ref("Claim"), "201", "Created"),
        _body({"start": ID, "end": ID, "speaker": {"type": "string"}}, ["start", "end"]))},
    "/articles/{article_id}/versions": {"post": _op("Import a corrected version; claims are re-anchored", _ok(_ref("Article")), {
        "required": True, "content": {
            "application/json": {"schema": {"type": "object", "additionalProperties": False, "properties": {
                "text": {"type": "string"}, "html": {"type": "string"}, "url": {"type": "string"}, **VERSION}}},
            "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
                "file": {"type": "string", "format": "binary"}, "version": {"type": "string"}}}}}})},
    "/articles/{article_id}/approve": {"post": _op("Approve the article", _ok(_ref("Article")), _body(VERSION, ["version"]))},
    "/articles/{article_id}/agreement": {"get": _op("Agreement between reviewers (details for leads)", _ok({
        "type": "object", "properties": {
            "claims_with_reviews": ID, "claims_compared": ID, "agreeing": ID,
            "share_agreeing": {"type": ["number", "null"]}, "alpha": {"type": ["number", "null"]},
            "conflicts": {"type": "array", "items": ID}, "pairs": {"type": "array", "items": {"type": "object"}},
            "reviewers": {"type": "array", "items": {"type": "object"}}}}))},
    "/articles/{article_id}/export": {"get": _op("Export the report", {"200": {"description": "The report file", "content": {
        **{t: {"schema": {"type": "string"}} for t in ("text/html", "application/pdf", "text/markdown", "text/csv")},
        "application/json": {"schema": {"type": "object", "description": "the report; schema factcheck.report/v1"}},
        "application/ld+json": {"schema": {"type": ["object", "array"]}}}},
        "202": {"description": "A PDF too long to render within the request is being rendered in the background: "
                "ask again (the same request, also in Location) after Retry-After seconds; 200 with the file when it is kept, "
                "500 if its rendering failed (asking again then starts afresh)",
                "headers": {"Retry-After": {"schema": {"type": "integer"}}, "Location": {"schema": {"type": "string"}}},
                "content": {"application/json": {"schema": {"type": "object", "required": ["status", "retry_after"], "properties": {
                    "status": {"type": "string", "enum": ["queued", "rendering"]}, "format": {"type": "string"},
                    "claims": ID, "requested_at": {"type": "string", "format": "date-time"},
                    "started_at": {"type": ["string", "null"], "format": "date-time"},
                    "retry_after": ID, "detail": {"type": "string"}}}}}}},
        params=[_q("format", {"type": "string", "enum": ["html", "pdf", "md", "csv", "json", "claimreview", "w3c"]})])},
    "/assignments": {"post": _op("Assign an article or some of its claims to a reviewer (leads)", {
        **_ok({"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}, "created": ID}}, "201", "Created"),
        **_ok({"type": "object", "properties": {"items": {"type": "array"}, "created": ID}}, "200", "Already assigned")},
        _body({"user_id": ID, "article_id": ID, "claim_ids": {"type": "array", "items": ID},
               "due_on": {"type": ["string", "null"], "format": "date"}}, ["user_id", "article_id"]))},
    "/queue": {"get": _op("The caller's queue (leads also get the desk's queues)", _ok({"type": "object", "properties": {
        k: {"type": "array"} for k in ("assigned", "returned", "awaiting_approval", "conflicts", "returned_to_reviewers", "overdue")}}))},
    "/exports": {"get": _op("Reports of every article approved in a date range, as a ZIP", {"200": {
        "description": "A ZIP: one report per article and manifest.json", "content": {"application/zip": {"schema": {"type": "string"}}}},
        "202": {"description": "PDFs too long to render while the ZIP streams are being rendered in the background: "
                "ask again (the same request, also in Location) after Retry-After seconds",
                "headers": {"Retry-After": {"schema": {"type": "integer"}}, "Location": {"schema": {"type": "string"}}},
                "content": {"application/json": {"schema": {"type": "object", "required": ["status", "pending", "retry_after"], "properties": {
                    "status": {"type": "string", "enum": ["queued", "rendering"]}, "format": {"type": "string"},
                    "pending": {"type": "array", "items": ID}, "retry_after": ID, "detail": {"type": "string"}}}}}}},
        params=[{"name": "since", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}},
                {"name": "until", "in": "query", "required": True, "schema": {"type": "string", "format": "date"}},
                _q("format", {"type": "string", "enum": ["html", "pdf", "md", "csv", "json", "claimreview", "w3c"]})])},
    "/claims/{claim_id}": {
        "get": _op("A claim with the reviews the caller may see", CLAIM),
        "patch": _op("Edit span, speaker or statement", CLAIM, _body(
            {"start": ID, "end": ID, "speaker": NULLABLE_STR, "statement": NULLABLE_STR, **VERSION})),
    },
    "/claims/{claim_id}/split": {"post": _op("Split at a body offset", _ok(
        {"type": "object", "properties": {"claims": {"type": "array", "items": _ref("Claim")}}}), _body({"at": ID, **VERSION}, ["at"]))},
    "/claims/{claim_id}/merge": {"post": _op("Merge with the adjacent claim", CLAIM, _body({"with": ID, **VERSION}, ["with"]))},
    "/claims/{claim_id}/exclude": {"post": _op("Exclude with a reason", CLAIM, _body({"reason": {"type": "string"}, **VERSION}, ["reason"]))},
    "/claims/{claim_id}/reviews/me": {"put": _op("Create or revise my review", {**_ok(_ref("Review")), **_ok(_ref("Review"), "201", "Created")},
        _body({"verdict": VERDICT, "note": {"type": "string", "maxLength": 20000},
               "links": {"type": "array", "maxItems": 50, "items": _ref("EvidenceLink")}, **VERSION}, ["verdict"]))},
    "/claims/{claim_id}/approve": {"post": _op("Approve a final verdict", CLAIM, _body(
        {"verdict": VERDICT, "note": {"type": "string"}, **VERSION}, ["verdict"]))},
    "/claims/{claim_id}/return": {"post": _op("Return to reviewers", CLAIM, _body({"comment": {"type": "string"}, **VERSION}, ["comment"]))},
    "/claims/{claim_id}/reopen": {"post": _op("Reopen an approved claim", CLAIM, _body({"reason": {"type": "string"}, **VERSION}, ["reason"]))},
    "/claims/{claim_id}/history": {"get": _op("The claim's audit events, oldest first", _ok(
        {"type": "object", "properties": {"items": {"type": "array", "items": _ref("AuditEvent")}, "total": ID}}))},
    "/claims/{claim_id}/similar": {"get": _op("Previously approved claims that resemble this one", _ok(
        {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object", "properties": {
            "claim_id": ID, "article_id": ID, "article_title": {"type": "string"}, "statement": {"type": "string"},
            "final_verdict": {"type": ["string", "null"]}, "approved_at": TIME, "score": {"type": "number"},
            "url": {"type": "string"}}}}, "total": ID}}))},
    "/audit": {"get": _op(
        "Audit events (leads and admins), newest first. Page by ?page= or, at any depth for the "
        "same cost, by the keyset cursors the response gives: ?before_seq= (older) and "
        "?after_seq= (newer)",
        _ok(_audit_page()), params=[
        *PAGING, _q("before_seq", ID), _q("after_seq", ID), _q("article_id", ID), _q("actor_id", ID),
        _q("action", {"type": "string", "enum": [a.value for a in AuditAction]}), _q("since"), _q("until")])},
    "/audit/verify": {"get": _op("Verify the hash chain (admins)", _ok({"type": "object", "properties": {
        "ok": {"type": "boolean"}, "events": ID, "first_bad_id": {"type": ["integer", "null"]}}}), params=[_q("head")])},
    "/users": {
        "get": _op("Accounts (admins)", _ok(_page("User"))),
        "post": _op("Create an account (admins)", _ok(_ref("User"), "201", "Created"), _body({
            "email": {"type": "string"}, "display_name": {"type": "string"},
            "role": {"type": "string", "enum": ["reviewer", "lead", "admin"]}, "password": {"type": "string"}},
            ["email", "password"])),
    },
    "/users/{user_id}": {
        "get": _op("An account (admins)", _ok(_ref("User"))),
        "patch": _op("Change role, name or active (admins)", _ok(_ref("User")), _body({
            "display_name": {"type": "string"}, "role": {"type": "string", "enum": ["reviewer", "lead", "admin"]},
            "active": {"type": "boolean"}})),
    },
    "/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3.1"}}}},
    "/schemas/report-v1.json": {"get": {"summary": "JSON Schema of the JSON report export", "security": [],
                                        "responses": {"200": {"description": "JSON Schema (draft 2020-12)"}}}},
}  # fmt: skip


def _with_path_params(paths: dict) -> dict:
    for path, ops in paths.items():
        names = [seg[1:-1] for seg in path.split("/") if seg.startswith("{")]
        for op in ops.values():
            op.setdefault("parameters", [])
            op["parameters"] += [
                {"name": n, "in": "path", "required": True, "schema": ID} for n in names
            ]
    return paths


DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Factcheck API",
        "version": "1",
        "description": "The fact-checking desk's JSON API.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    },
    "paths": _with_path_params(PATHS),
}
DOCUMENT["paths"]["/tokens"]["post"]["security"] = []


@bp.get("/openapi.json")
def openapi():
    return jsonify(DOCUMENT)


REPORT_SCHEMA = (
    Path(__file__).resolve().parent.parent / "reports" / "schema" / "report-v1.schema.json"
)


@bp.get("/schemas/report-v1.json")
def report_schema():
    """The JSON Schema of the JSON report export (factcheck.report/v1)."""
    return Response(REPORT_SCHEMA.read_bytes(), mimetype="application/schema+json")
