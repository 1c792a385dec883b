"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json.

Built from the routes' contracts (contract.OPERATIONS) and their pydantic models, so
every route is documented exactly as it validates, and nothing else is. Limits read from
the configuration (settings) appear as configured.
"""

from __future__ import annotations

from pathlib import Path

from flask import Response, jsonify
from pydantic.json_schema import models_json_schema

from factcheck.api import responses as out
from factcheck.api.contract import OPERATIONS, Answer, Operation, Refusal, route
from factcheck.errors import PROBLEM_TYPES, problem_type

REF = "#/components/schemas/{model}"
HEADERS = {
    "ETag": {"description": 'the version of the object, quoted ("3"): send it as If-Match',
             "schema": {"type": "string"}},
    "Location": {"description": "where the object is, or where to ask again", "schema": {"type": "string"}},
    "Retry-After": {"description": "seconds to wait before asking again", "schema": {"type": "integer"}},
    "Content-Disposition": {"description": "attachment; the file name", "schema": {"type": "string"}},
    "Preference-Applied": {"description": "respond-async: the request was queued (RFC 7240)",
                           "schema": {"type": "string"}},
}  # fmt: skip
PROBLEMS = {
    400: "malformed JSON, a CSRF token missing or invalid (cookie-authenticated changes), or "
    "another malformed request",
    401: "not authenticated: no, an invalid or a revoked token, or a deactivated account",
    403: "your role does not allow this, or your role must set up two-step sign-in first",
    404: "no such object (also for objects you may not see)",
    409: "a state conflict (the object's state does not allow this, e.g. ClaimReview of an "
    "article not approved or without its public address), or a stale version: "
    "current_version names the version now (also in ETag)",
    413: "the request body (or the article) is too large",
    415: "unsupported media type: send application/json (or multipart/form-data with a file)",
    422: "invalid input: errors names each bad field",
    428: "a change to an existing object without a version: send the version it is based on "
    '("version" in the body, or If-Match); current_version names the version now',
    429: "too many requests (Retry-After says how long to wait)",
    500: "server error (quote request_id); nothing was saved",
    502: "the source URL could not be reached or read",
    503: "the database is unavailable for a moment; try again",
    504: "the source URL did not answer in time",
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": 'the version the change is based on ("3"), when the body has no version',
    "schema": {"type": "string", "pattern": r'^(?:W/)?"?[0-9]+"?$'},
}
PREFER = {
    "name": "Prefer",
    "in": "header",
    "required": False,
    "description": "respond-async (RFC 7240): a url import is queued and answered 202 at once, "
    "with Location: the import to poll (GET /imports/{job_id}); text, html and files are "
    "imported within the request whatever this says",
    "schema": {"type": "string"},
}
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def document() -> dict:
    """The whole document, built from the routes' contracts and the configured limits."""
    return _build()


def _build() -> dict:
    models = _models()
    refs, defs = models_json_schema([(m, mode) for m, mode in models], ref_template=REF)
    schemas = {name: _tidy(schema) for name, schema in defs.get("$defs", {}).items()}
    paths: dict = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Factcheck API", "version": "1",
                 "description": "The fact-checking desk's JSON API (API.md)."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {"schemas": schemas,
                       "responses": {f"problem{n}": _problem(n, None) for n in PROBLEMS},
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
        "x-problem-types": [{"type": problem_type(slug), "description": text}
                            for slug, text in PROBLEM_TYPES.items()],
    }  # fmt: skip


def _models() -> list[tuple[type, str]]:
    seen: dict[type, str] = {out.Problem: "serialization"}
    for op in OPERATIONS:
        for model in (op.body, op.upload):
            if model is not None:
                seen.setdefault(model, "validation")
        for ans in op.answers:
            for body in ans.content.values():
                if isinstance(body, type):
                    seen.setdefault(body, "serialization")
    return list(seen.items())


def _ref(model) -> dict:
    return model if isinstance(model, dict) else {"$ref": REF.format(model=model.__name__)}


def _tidy(schema):
    """Drop pydantic's generated titles and null defaults (noise for the reader)."""
    if isinstance(schema, list):
        return [_tidy(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    tidy = {}
    for key, value in schema.items():
        if (key == "title" and isinstance(value, str)) or (key == "default" and value is None):
            continue
        if key in ("properties", "$defs"):
            tidy[key] = {name: _tidy(s) for name, s in value.items()}
        else:
            tidy[key] = _tidy(value)
    return tidy


def _operation(op: Operation) -> dict:
    doc: dict = {"summary": op.summary, "operationId": op.endpoint.removeprefix("api."),
                 "parameters": _parameters(op), "responses": {}}  # fmt: skip
    if op.public:
        doc["security"] = []
    body = {m: {"schema": _ref(model)} for m, model in
            (("application/json", op.body), ("multipart/form-data", op.upload)) if model}  # fmt: skip
    if body:
        doc["requestBody"] = {"required": True, "content": body}
    for ans in op.answers:
        doc["responses"][str(ans.status)] = _answer(ans)
    for status in op.statuses():
        doc["responses"][str(status)] = _problem(status, op.refusals)
    if op.refusals:
        doc["x-refusals"] = [vars(r) for r in op.refusals]
    if not doc["parameters"]:
        del doc["parameters"]
    return doc


def _parameters(op: Operation) -> list[dict]:
    params = [{"name": n, "in": "path", "required": True, "schema": ID} for n in op.path_params]
    if op.query:
        schema = _tidy(op.query.model_json_schema())
        for name, prop in schema["properties"].items():
            param = {"name": name, "in": "query", "required": name in schema.get("required", ())}
            if "description" in prop:
                param["description"] = prop.pop("description")
            params.append(param | {"schema": _present(prop)})
    if op.versioned:
        params.append(IF_MATCH)
    if op.prefer:
        params.append(PREFER)
    return params


def _present(schema: dict) -> dict:
    """A query parameter's schema without pydantic's null branch: absent is how it is not given."""
    branches = [b for b in schema.get("anyOf", ()) if b != {"type": "null"}]
    if len(branches) == 1 and len(schema["anyOf"]) == 2:
        rest = {k: v for k, v in schema.items() if k != "anyOf"}
        return rest | branches[0]
    return schema


def _answer(ans: Answer) -> dict:
    doc = {"description": ans.description}
    if ans.headers:
        doc["headers"] = {h: HEADERS[h] for h in ans.headers}
    if ans.content:
        doc["content"] = {media: {"schema": _ref(m)} for media, m in ans.content.items()}
    return doc


def _problem(status: int, refusals: tuple[Refusal, ...] | None = ()) -> dict:
    """A problem answer: shared (components/responses) unless this operation adds rules."""
    text = PROBLEMS[status]
    rules = [f"{r.field}: {r.rule}" for r in refusals or () if r.status == status]
    if not rules and refusals is not None:
        return {"$ref": f"#/components/responses/problem{status}"}
    if rules:
        text += ". Also refused, by rules the schema cannot state: " + "; ".join(rules)
    doc = {"description": text,
           "content": {"application/problem+json": {"schema": _ref(out.Problem)}}}  # fmt: skip
    if status in (409, 428):
        doc["headers"] = {"ETag": HEADERS["ETag"]}
    elif status == 429:
        doc["headers"] = {"Retry-After": HEADERS["Retry-After"]}
    return doc


DOCUMENT_ANSWER = Answer(200, {"application/json": {"type": "object"}}, "This document")


@route(
    "GET", "/openapi.json", summary="This document (OpenAPI 3.1)", ok=DOCUMENT_ANSWER, public=True
)
def openapi():
    return jsonify(document())


REPORT_SCHEMA = (
    Path(__file__).resolve().parent.parent / "reports" / "schema" / "report-v1.schema.json"
)


@route("GET", "/schemas/report-v1.json", summary="JSON Schema of the JSON report export",
       ok=Answer(200, {"application/schema+json": {"type": "object"}}, "JSON Schema (draft 2020-12)"),
       public=True)  # fmt: skip
def report_schema():
    """The JSON Schema of the JSON report export (factcheck.report/v1)."""
    return Response(REPORT_SCHEMA.read_bytes(), mimetype="application/schema+json")
