"""The OpenAPI document and the app cannot disagree about which operations exist, the
document is valid OpenAPI, and it states the rules the routes apply."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from factcheck.api.contract import OPERATIONS

VERSIONED = {  # changes to an existing object: version / If-Match, 409, 428
    ("patch", "/claims/{claim_id}"), ("post", "/claims/{claim_id}/split"),
    ("post", "/claims/{claim_id}/merge"), ("post", "/claims/{claim_id}/exclude"),
    ("put", "/claims/{claim_id}/reviews/me"), ("post", "/claims/{claim_id}/approve"),
    ("post", "/claims/{claim_id}/return"), ("post", "/claims/{claim_id}/reopen"),
    ("post", "/articles/{article_id}/approve"), ("post", "/articles/{article_id}/versions"),
    ("put", "/articles/{article_id}/language"),
}  # fmt: skip


def _routes(app) -> set[tuple[str, str]]:
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        out |= {(m.lower(), path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return out


@pytest.fixture
def doc(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    return resp.get_json()


def test_every_route_is_documented_and_every_documented_path_exists(app, doc):
    assert doc["openapi"].startswith("3.1")
    documented = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert _routes(app) == documented
    assert {(op.method.lower(), op.path) for op in OPERATIONS} == documented


def test_the_document_is_valid_openapi(doc):
    validate(doc)  # openapi-spec-validator: raises on any error


def test_openapi_is_public_and_refs_resolve(client, doc):
    text = client.get("/api/v1/openapi.json").get_data(as_text=True)
    for kind, ref in set(re.findall(r'"#/components/(schemas|responses)/(\w+)"', text)):
        assert ref in doc["components"][kind], ref


def test_versioned_changes_declare_version_if_match_409_and_428(doc):
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            headers = {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}
            declared = "If-Match" in headers and {"409", "428"} <= set(op["responses"])
            assert declared == ((method, path) in VERSIONED), (method, path)
            if declared:
                body = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                schema = doc["components"]["schemas"][body.rsplit("/", 1)[1]]
                assert "version" in schema["properties"], (method, path)
                assert "version" not in schema.get("required", []), "If-Match is the other way"


def test_json_bodies_refuse_unknown_fields_and_problems_are_declared(doc):
    problem = doc["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["required"])
    assert {"errors", "current_version"} <= set(problem["properties"])
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for status, answer in op["responses"].items():
                if status.startswith(("4", "5")):
                    ref = answer.get("$ref")
                    answer = (
                        doc["components"]["responses"][ref.rsplit("/", 1)[1]] if ref else answer
                    )
                    assert "application/problem+json" in answer["content"], (method, path, status)
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                name = body["schema"]["$ref"].rsplit("/", 1)[1]
                assert doc["components"]["schemas"][name]["additionalProperties"] is False, name


def test_limits_in_the_document_are_the_configured_ones(app, doc):
    from factcheck.settings import app_settings

    LIMITS = app_settings(app)

    review = doc["components"]["schemas"]["ReviewSubmission"]["properties"]
    links, note = (
        next(s for s in review[k]["anyOf"] if s["type"] != "null") for k in ("links", "note")
    )
    assert links["maxItems"] == LIMITS.MAX_LINKS_PER_REVIEW
    assert note["maxLength"] == LIMITS.MAX_NOTE_CHARS
