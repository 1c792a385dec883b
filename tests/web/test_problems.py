"""HTTP details (issue #18 item 6): every 401 names its scheme; problem types come from
one registry that the OpenAPI document lists; about:blank only with the status phrase."""

from __future__ import annotations

import pytest
from werkzeug.http import HTTP_STATUS_CODES

from factcheck.errors import PROBLEM_TYPES, FactcheckError, problem_type


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_domain_error_has_a_registered_type():
    for cls in (FactcheckError, *_subclasses(FactcheckError)):
        assert cls.slug in PROBLEM_TYPES, cls


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic eDp5"}],
    ids=["none", "bad-token", "wrong-scheme"],
)
def test_every_401_says_www_authenticate_bearer(client, headers):
    # Before: no WWW-Authenticate at all (RFC 9110 §15.5.2 MUST).
    resp = client.get("/api/v1/articles", headers=headers)
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"] == 'Bearer realm="factcheck"'
    body = resp.get_json()
    assert (
        body["type"] == problem_type("not-authenticated") and body["title"] == "Not authenticated"
    )


def test_a_wrong_password_for_a_token_is_a_401_with_the_header(client, make_user):
    user = make_user("reviewer")
    resp = client.post("/api/v1/tokens", json={"email": user.email, "password": "wrong-one-x"})
    assert resp.status_code == 401 and resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_http_errors_keep_about_blank_with_the_status_phrase(client, make_user, token_for):
    token = token_for(make_user("reviewer"))
    resp = client.get("/api/v1/no-such-thing", headers={"Authorization": f"Bearer {token}"})
    body = resp.get_json()
    assert resp.status_code == 404
    assert body["type"] == "about:blank" and body["title"] == HTTP_STATUS_CODES[404]


def test_the_openapi_document_lists_the_registry(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    listed = {entry["type"]: entry["description"] for entry in doc["x-problem-types"]}
    assert listed == {problem_type(slug): text for slug, text in PROBLEM_TYPES.items()}
