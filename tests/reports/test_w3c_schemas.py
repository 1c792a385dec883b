"""W3C Web Annotation export (issue #18 item 3), checked by the annotation-model JSON
Schemas of web-platform-tests (vendored in data/annotation-model with their licence):
creator, created/modified, partOf and last, draft as the desk's own term, and a
target.source the offsets are true for (the desk's text, the publisher's page as via)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from settings_helpers import override_settings

from factcheck.reports.formats.annotation import ANNO, text_source
from factcheck.reports.render import render

DEFINITIONS = Path(__file__).parent / "data" / "annotation-model"
SHORT = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"


def _registry() -> Registry:
    resources = []
    for path in DEFINITIONS.glob("*.json"):
        schema = json.loads(path.read_text("utf-8"))
        resources.append((path.name, Resource.from_contents(schema, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


REGISTRY = _registry()
# The WPT definitions each test says MUST (or SHOULD, for what we claim to give) hold.
COLLECTION = ["collections.json#/definitions/annotationCollectionTypeValueFound",
              "collections.json#/definitions/labelFound", "collections.json#/definitions/totalFound",
              "collections.json#/definitions/firstRequiredIfTotalMoreThanZero",
              "collections.json#/definitions/lastFound", "id.json#/definitions/idValueFound",
              "otherProperties.json#/definitions/creatorValidIfPresent",
              "otherProperties.json#/definitions/generatedValidIfPresent"]  # fmt: skip
PAGE = ["collections.json#/definitions/annotationPageTypeValueFound",
        "collections.json#/definitions/partOfFound", "collections.json#/definitions/startIndexFound",
        "collections.json#/definitions/itemsFound", "id.json#/definitions/idValueFound"]  # fmt: skip
ANNOTATION = ["annotations.json#/definitions/annotationTypeValueFound",
              "annotations.json#/definitions/singleMotivationPropertyFound",
              "id.json#/definitions/idValueFound",
              "otherProperties.json#/definitions/creatorValidIfPresent",
              "otherProperties.json#/definitions/createdValidIfPresent",
              "otherProperties.json#/definitions/modifiedValidIfPresent"]  # fmt: skip
SELECTORS = {"TextPositionSelector": "specificResource.json#/definitions/textPositionSelectorDetected",
             "TextQuoteSelector": "specificResource.json#/definitions/textQuoteSelectorDetected"}  # fmt: skip


def failures(instance, refs: list[str]) -> list[str]:
    out = []
    for ref in refs:
        validator = Draft4Validator(
            {"$ref": ref}, registry=REGISTRY, format_checker=FormatChecker()
        )
        out += [f"{ref}: {e.message}" for e in validator.iter_errors(instance)]
    return out


def check(doc: dict) -> list[str]:
    found = failures(doc, COLLECTION)
    context = doc["@context"]
    assert ANNO in context and context.index(ANNO) == 0  # the W3C context first
    page = doc["first"]
    found += failures(page, PAGE)
    assert page["partOf"] == doc["id"] and doc["last"] == page["id"]
    for item in page["items"]:
        found += failures(item, ANNOTATION)
        for selector in item["target"]["selector"]:
            found += failures(selector, [SELECTORS[selector["type"]]])
        found += failures(item["target"]["source"], ["id.json#/definitions/idValueFound"])
    return found


def test_the_schemas_catch_what_was_wrong_before(final_report):
    # Before: no creator/created on annotations, no last/partOf, draft outside the context.
    doc = json.loads(render(final_report, "w3c").content)
    del doc["last"], doc["first"]["partOf"], doc["first"]["items"][0]["creator"]
    doc["first"]["items"][0]["created"] = "yesterday"
    found = " ".join(check_lenient(doc))
    assert "lastFound" in found and "partOfFound" in found and "createdValidIfPresent" in found


def check_lenient(doc: dict) -> list[str]:
    return (failures(doc, COLLECTION) + failures(doc["first"], PAGE)
            + failures(doc["first"]["items"][0], ANNOTATION))  # fmt: skip


@pytest.mark.parametrize("which", ["final_report", "draft_report"])
def test_w3c_export_passes_the_wpt_schemas(request, which):
    report = request.getfixturevalue(which)
    doc = json.loads(render(report, "w3c").content)
    assert check(doc) == []
    assert doc["draft"] is (which == "draft_report")
    terms = doc["@context"][1]
    assert terms["draft"]["@id"].startswith("urn:factcheck:")  # the desk's own term
    for item in doc["first"]["items"]:
        assert item["creator"] == {"type": "Organization", "name": "Factcheck desk"}
        assert "created" in item


def test_target_source_is_the_text_the_offsets_count_into(final_report):
    doc = json.loads(render(final_report, "w3c").content)
    source = text_source(final_report)
    assert source["via"] == final_report.source_url  # the publisher's page
    for item, claim in zip(doc["first"]["items"], final_report.claims, strict=True):
        assert item["target"]["source"] == source
        position = item["target"]["selector"][0]
        assert final_report.body[position["start"] : position["end"]] == claim.text
    # another text (a correction) is another source
    other = text_source(type(final_report)(**{**final_report.__dict__, "body": "x"}))
    assert other["id"] != source["id"]


def test_database_exports_pass_too(app, make_article, make_user, review_all, api_as, runner,
                                   tmp_path):  # fmt: skip
    override_settings(app, PUBLISHED_BASE_URL="https://news.example/checks")
    reviewer, lead = make_user("reviewer"), make_user("lead")
    draft = make_article(text=SHORT, source_url="https://paper.example/1")
    final = make_article(text=SHORT)
    review_all(final.id, reviewer, lead)
    for article in (draft, final):
        resp = api_as(lead).get(f"/articles/{article.id}/export?format=w3c")
        assert resp.status_code == 200
        assert check(json.loads(resp.data)) == []
        out = tmp_path / f"{article.id}.jsonld"
        cli = runner.invoke(args=["export", str(article.id), "--format", "w3c", "-o", str(out)])
        assert cli.exit_code == 0 and check(json.loads(out.read_bytes())) == []
    doc = json.loads(out.read_bytes())
    assert doc["id"] == f"https://news.example/checks/{final.id}"
