"""JSON export: validates against the published JSON Schema."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest

import factcheck.reports.formats.jsondoc as jsondoc
from factcheck.reports.render import render

SCHEMA_PATH = Path(jsondoc.__file__).resolve().parent.parent / "schema" / "report-v1.schema.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@pytest.mark.parametrize("which", ["draft_report", "final_report", "hostile_report"])
def test_output_validates(request, validator, which):
    data = json.loads(render(request.getfixturevalue(which), "json").content)
    validator.validate(data)


def test_content(final_report):
    data = json.loads(render(final_report, "json").content)
    assert data["schema"] == "factcheck.report/v1"
    assert data["draft"] is False
    assert data["generated_at"] == "2024-05-02T16:45:00Z"
    assert data["article"]["published_at"] == "2024-05-01T06:00:00Z"
    assert data["summary"] == {
        "total": 4,
        "confirmed": 1,
        "unconfirmed": 1,
        "disputed": 1,
        "pending": 0,
        "excluded": 1,
    }
    assert data["audit"] == {
        "last_event_hash": "a" * 64,
        "chain_head": {"seq": 4711, "hash": "b" * 64},
    }
    first = data["claims"][0]
    assert first["final_verdict"] == "confirmed" and first["approved_by"] == "Lena Lead"
    assert first["reviews"][0]["links"][0]["stance"] == "supports"
    body = data["article"]["body"]
    assert all(body[c["start"] : c["end"]] == c["text"] for c in data["claims"])


def test_times_are_converted_to_utc(final_report):
    from datetime import datetime, timedelta, timezone

    paris = timezone(timedelta(hours=2))
    report = dataclasses.replace(
        final_report,
        generated_at=datetime(2024, 5, 2, 18, 45, 0, 250000, tzinfo=paris),
        published_at=datetime(2024, 5, 1, 6, 0),  # naive: taken as UTC
    )
    data = json.loads(render(report, "json").content)
    assert data["generated_at"] == "2024-05-02T16:45:00.250000Z"
    assert data["article"]["published_at"] == "2024-05-01T06:00:00Z"


def test_schema_rejects_wrong_shapes(validator, final_report):
    data = json.loads(render(final_report, "json").content)
    for broken in (
        {**data, "draft": "no"},
        {**data, "generated_at": "2024-05-02T16:45:00+02:00"},
        {**data, "surprise": 1},
        {**data, "claims": [{**data["claims"][0], "final_verdict": "true"}]},
    ):
        assert not validator.is_valid(broken)


def test_no_markup_characters_in_raw_output(hostile_report):
    raw = render(hostile_report, "json").content.decode()
    assert "<" not in raw and ">" not in raw
    assert json.loads(raw)["article"]["title"].startswith("</script>")
