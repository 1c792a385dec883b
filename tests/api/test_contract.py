"""The request models at work: field-by-field 422s in plain words, JSON Schema's integers,
unknown fields, and the version / If-Match rules every change to an existing object has."""

from __future__ import annotations

import io

import pytest

from factcheck.api.contract import OPERATIONS, validate
from factcheck.api.requests import NewAssignment, ReviewSubmission
from factcheck.errors import InvalidInput

THREE = "Prices rose 5% in 2021. Unemployment fell to 3.9% in March. Exports doubled since 2019.\n"
LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}


def _errors(model, data) -> tuple[str, dict]:
    with pytest.raises(InvalidInput) as exc:
        validate(model, data)
    return exc.value.detail, exc.value.errors


def test_each_bad_field_is_named_with_a_plain_message():
    detail, errors = _errors(ReviewSubmission, {"verdict": "maybe", "note": 7, "links": [{"title": "x", "colour": 1}]})  # fmt: skip
    assert errors == {
        "verdict": "must be confirmed, unconfirmed or disputed",
        "note": "must be text",
        "links[0].url": "required",
        "links[0].stance": "required",
        "links[0].colour": "unknown field",
    }
    assert detail.startswith(
        "verdict: must be confirmed, unconfirmed or disputed; note: must be text"
    )


def test_unknown_fields_alone_say_so():
    detail, errors = _errors(NewAssignment, {"user_id": 2, "article_id": 1, "admin": True})
    assert detail == "unknown field(s): admin" and errors == {"admin": "unknown field"}


@pytest.mark.parametrize(("value", "message"), [(True, "must be an integer"), (1.5, "must be an integer"),
                                                ("3", "must be an integer"), (0, "at least 1")])  # fmt: skip
def test_ids_are_json_schema_integers(value, message):
    assert _errors(NewAssignment, {"user_id": value, "article_id": 1})[1] == {"user_id": message}


def test_an_integral_number_is_an_integer(make_user, api_as):
    """JSON Schema's integer includes 2.0, and JSON cannot tell 2.0 from 2."""
    user = make_user("reviewer")
    api = api_as(user)
    claim = api.post("/articles", json={"text": THREE}).get_json()["claims"][0]
    resp = api.patch(f"/claims/{claim['id']}", json={"speaker": "x", "version": float(claim["version"])})  # fmt: skip
    assert resp.status_code == 200, resp.get_json()


def test_a_stale_version_is_409_with_current_version_and_none_is_428(make_user, api_as, problem):
    api = api_as(make_user("reviewer"))
    claim = api.post("/articles", json={"text": THREE}).get_json()["claims"][0]
    url = f"/claims/{claim['id']}/exclude"
    stale = problem(api.post(url, json={"reason": "opinion", "version": 99}), 409)
    assert stale["current_version"] == claim["version"]
    missing = problem(api.post(url, json={"reason": "opinion"}), 428)
    assert missing["current_version"] == claim["version"]
    ok = api.post(url, json={"reason": "opinion"}, headers={"If-Match": f'"{claim["version"]}"'})
    assert ok.status_code == 200, ok.get_json()


def test_null_means_not_given_where_the_document_says_so(make_user, api_as):
    api = api_as(make_user("reviewer"))
    resp = api.post("/articles", json={"text": THREE, "html": None, "title": None})
    assert resp.status_code == 201, resp.get_json()


def test_exactly_one_source(make_user, api_as, problem):
    api = api_as(make_user("reviewer"))
    for body in ({}, {"text": THREE, "html": "<p>x</p>"}, {"text": None}):
        errors = problem(api.post("/articles", json=body), 422, "text")["errors"]
        assert errors == {"text": "one of text, html, url"}


def test_multipart_uploads_ignore_other_form_fields(make_user, api_as):
    """As before: a form's other fields are not the import's business (JSON refuses them)."""
    api = api_as(make_user("reviewer"))
    data = {"file": (io.BytesIO(THREE.encode()), "a.txt"), "colour": "red", "title": "T"}
    resp = api.post("/articles", data=data, content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["title"] == "T"


def test_every_operation_declares_what_it_answers():
    for op in OPERATIONS:
        statuses = op.statuses()
        assert {500, 503} <= set(statuses), op.rule
        assert op.public or {401, 403} <= set(statuses), op.rule
        if op.body or op.upload:
            assert {413, 415, 422} <= set(statuses), op.rule
        assert all(r.status in statuses for r in op.refusals), op.rule


def test_a_new_version_by_upload_reads_if_match_when_the_form_leaves_version_empty(
    make_user, api_as
):
    api = api_as(make_user("reviewer"))
    art = api.post("/articles", json={"text": THREE}).get_json()
    corrected = THREE.replace("doubled", "tripled").encode()
    resp = api.post(f"/articles/{art['id']}/versions", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(corrected), "a.txt"), "version": ""},
                    headers={"If-Match": f'"{art["version"]}"'})  # fmt: skip
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["reanchored"]["edited"] == 1
