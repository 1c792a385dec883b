"""Markdown export: content, escaping of user text, inert notes."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from factcheck.reports.formats.markdown import md_note, md_text
from factcheck.reports.render import render

# How a careless viewer would show the file: raw HTML on, any link scheme allowed.
viewer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
viewer.validateLink = lambda url: True


def walk(tokens):
    for token in tokens:
        yield token
        yield from walk(token.children or [])


def active(tokens) -> list[str]:
    """Raw HTML and non-http(s) links a viewer would produce."""
    found = []
    for t in walk(tokens):
        if t.type in {"html_block", "html_inline"}:
            found.append(t.content)
        url = t.attrGet("href") or t.attrGet("src")
        if url and not str(url).startswith(("http://", "https://", "mailto:")):
            found.append(str(url))
    return found


def document(report) -> str:
    return render(report, "md").content.decode("utf-8")


def test_content(draft_report):
    text = document(draft_report)
    assert text.startswith("> **DRAFT**")
    assert "# DRAFT — Fact-check report: City hall: crime, burglaries and the new tram" in text
    for expected in [
        "- **Publisher:** Daily Courier",
        "- **Original publisher:** Metro Wire",
        "- **Byline:** Zoë Müller",
        "- **Published:** 2024-05-01 06:00 UTC",
        "- **Source:** [https://courier.example/news/city-hall-2024]"
        "(<https://courier.example/news/city-hall-2024>)",
        "| Pending | 2 |",
        "| Excluded | 1 |",
        "### Claim 1 — Confirmed",
        "> crime fell by 12% last year",
        "- **Statement checked:** Crime in the city fell by 12% in 2023",
        "- **Excluded because:** Opinion, not a checkable fact",
        "#### Lead’s note",
        "Police annual report, table 2: **-12.1%**. See [the report](https://police.example/r).",
        "[Annual crime statistics 2023](<https://police.example/annual-2023.pdf>) (supports)",
        "  > Recorded crime fell by 12.1% compared with 2022.",
        "No reviews yet.",
        "## Audit digest",
        f"`flask --app factcheck audit verify --head {'b' * 64}`",
    ]:
        assert expected in text, expected


def test_final_has_no_draft_marker(final_report):
    text = document(final_report)
    assert text.startswith("# Fact-check report:") and "DRAFT" not in text


def test_title_markup_is_escaped(final_report):
    report = dataclasses.replace(final_report, title="# *Big* [win](javascript:x) <b>_now_</b>")
    heading = document(report).split("\n", 1)[0]
    assert heading == (
        "# Fact-check report: \\# \\*Big\\* \\[win\\](javascript:x) \\<b\\>\\_now\\_\\</b\\>"
    )
    tokens = viewer.parse(heading)
    assert [t.type for t in tokens] == ["heading_open", "inline", "heading_close"]
    assert [t.type for t in tokens[1].children] == ["text"] * len(tokens[1].children)


def test_hostile_report_renders_nothing_active(hostile_report):
    text = document(hostile_report)
    assert active(viewer.parse(text)) == []
    assert "<script>alert('note')</script>" in text  # visible, inside a code fence


def test_safe_notes_are_kept_as_typed():
    note = "See **table 2** and [the data](https://x.example/a_b).\n\n- one\n- two"
    assert md_note(note) == note


@pytest.mark.parametrize(
    "note",
    [
        "<script>alert(1)</script>",
        "hi <img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](jAvAsCrIpT:alert(1))",
        "[x](javascript&#58;alert(1))",
        "![i](data:image/svg+xml,x)",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: vbscript:msgbox",
        "```\nunclosed fence",
        "> quote\n<div>",
        "text with ``` inside\n````\nfour",
    ],
)
def test_dangerous_or_unclosed_notes_are_fenced(note):
    out = md_note(note)
    assert out != note
    doc = f"{out}\n\nAFTER\n"
    tokens = viewer.parse(doc)
    assert active(tokens) == []
    assert tokens[-2].content == "AFTER" and tokens[-3].level == 0  # nothing swallowed
    fence = next(t for t in tokens if t.type == "fence")
    assert fence.content == note + "\n"  # shown verbatim


@given(
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc"))
        | st.sampled_from("\n\t*_`#<>[]()!&|-+=1."),
        max_size=60,
    )
)
def test_escaped_text_renders_literally(value):
    out = md_text(value, single_line=True)
    tokens = viewer.parse(out)
    assert active(tokens) == []
    if not out.strip():
        return
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    inline = tokens[1].children
    assert {t.type for t in inline} <= {"text", "softbreak"}
    # Unbalanced bidi isolates/embeddings are closed on purpose (they must not reorder the
    # text after the field), so compare without bidi controls.
    bidi = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
    rendered = "".join(t.content for t in inline).translate(bidi)
    expected = " ".join(line.strip() for line in value.translate(bidi).splitlines() if line.strip())
    assert " ".join(rendered.split()) == " ".join(expected.split())
