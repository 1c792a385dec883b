"""render(): every format, media types, filenames, DRAFT marking, unknown formats."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from factcheck.reports.render import FORMATS, Rendered, render

MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "claimreview": "application/ld+json",
    "w3c": "application/ld+json",
}
TEXT_FORMATS = tuple(f for f in FORMATS if f != "pdf")  # PDF has its own tests (test_report_pdf)
# RFC 6266 token characters minus anything a header or a file system could trip on.
SAFE_FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@pytest.mark.parametrize("which", ["draft_report", "final_report", "hostile_report"])
def test_every_format_renders(request, fmt, which):
    report = request.getfixturevalue(which)
    out = render(report, fmt)
    assert isinstance(out, Rendered)
    assert out.media_type == MEDIA_TYPES[fmt]
    assert out.content.decode("utf-8")
    assert SAFE_FILENAME.match(out.filename), out.filename


def test_formats_constant_matches_contract():
    assert FORMATS == ("html", "pdf", "md", "csv", "json", "claimreview", "w3c")


@pytest.mark.parametrize("fmt", ["docx", "HTML", "", "html ", "../html", None, 3])
def test_unknown_format_is_a_value_error(draft_report, fmt):
    with pytest.raises(ValueError):
        render(draft_report, fmt)


def test_filenames(draft_report, final_report):
    assert render(draft_report, "md").filename == "factcheck-report-12-draft.md"
    assert render(final_report, "html").filename == "factcheck-report-12-final.html"
    names = {render(final_report, fmt).filename for fmt in FORMATS}
    assert len(names) == len(FORMATS)
    assert all(name.isascii() and '"' not in name for name in names)


def _draft_markers(report, fmt) -> list[bool]:
    """Where each format says whether the report is a draft."""
    text = render(report, fmt).content.decode()
    if fmt == "html":
        return [
            "<title>DRAFT" in text,
            'class="draft-banner"' in text,
            "@top-center" in text,
        ]
    if fmt == "md":
        return [text.startswith("> **DRAFT**"), "# DRAFT" in text]
    if fmt == "csv":
        return [",DRAFT," in text]
    data = json.loads(text)
    if fmt == "json":
        return [data["draft"] is True]
    if fmt == "claimreview":  # a draft has no ClaimReview at all (and the services refuse it)
        return [data == []]
    return [data["draft"] is True, data["label"].startswith("DRAFT")]


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_draft_is_marked_everywhere(draft_report, fmt):
    assert all(_draft_markers(draft_report, fmt))


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_final_report_is_not_marked_draft(final_report, fmt):
    assert not any(_draft_markers(final_report, fmt))
    text = render(final_report, fmt).content.decode()
    assert "DRAFT" not in text
    assert '"Draft"' not in text


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_final_flag_decides_not_status(final_report, fmt):
    """A report is final only when is_final says so, whatever else it carries."""
    not_final = dataclasses.replace(final_report, is_final=False)
    assert all(_draft_markers(not_final, fmt))


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_rendering_is_deterministic(final_report, fmt):
    assert render(final_report, fmt) == render(final_report, fmt)


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_article_without_claims(make_report, fmt):
    out = render(make_report((), is_final=True, status="approved"), fmt)
    assert out.content
