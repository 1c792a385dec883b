"""The standalone HTML report: content, print rules, contrast and hostile input."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest

from factcheck.reports.formats import html as html_format
from factcheck.reports.render import render

# Elements and attributes that would run code or fetch something from a saved report.
ACTIVE_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "img",
    "link",
    "base",
    "form",
    "frame",
    "audio",
    "video",
    "source",
    "input",
    "meta-refresh",
}
FETCHING_ATTRS = {"src", "srcset", "background", "poster", "data", "formaction", "action"}


class Page(HTMLParser):
    """Collects tags, attributes and text of a page (stdlib parser, like a browser)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.outside_bdi: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        self.text.append(data)
        if "bdi" not in self.stack and "title" not in self.stack:
            self.outside_bdi.append(data)

    def find(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def page(report) -> tuple[str, Page]:
    text = render(report, "html").content.decode("utf-8")
    return text, Page(text)


def test_standalone_without_script_or_external_requests(final_report):
    text, doc = page(final_report)
    assert text.startswith("<!DOCTYPE html>")
    for tag, attrs in doc.tags:
        assert tag not in ACTIVE_TAGS, tag
        assert not FETCHING_ATTRS & set(attrs), (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    assert "@import" not in text and "url(" not in text
    csp = [a for a in doc.find("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]


def test_metadata_summary_and_claims(draft_report):
    text, doc = page(draft_report)
    body = " ".join(" ".join(doc.text).split())
    for expected in [
        "Daily Courier",
        "Metro Wire",
        "Zoë Müller",
        "2024-05-01 06:00 UTC",
        "https://courier.example/news/city-hall-2024",
        "Lena Lead",
        "Statement checked: Crime in the city fell by 12% in 2023",
        "Ana Ruiz",
        "Excluded because",
        "Opinion, not a checkable fact",
        "No reviews yet.",
        "Annual crime statistics 2023",
        "(supports)",
        "Recorded crime fell by 12.1% compared with 2022.",
        "Archived copy:",
        "Ministry data",
        "(contradicts)",
        "Alice Reviewer",
        "Bob Reviewer",
    ]:
        assert expected in body, expected
    rows = re.findall(
        r'<th scope="row">(?:<span[^>]*>)?(\w+)(?:</span>)?</th>'
        r'<td class="num">(\d+)</td>',
        text,
    )
    assert dict(rows) == {
        "Confirmed": "1",
        "Unconfirmed": "0",
        "Disputed": "0",
        "Pending": "2",
        "Excluded": "1",
        "Total": "4",
    }
    assert [a["id"] for a in doc.find("article")] == [
        "claim-101",
        "claim-102",
        "claim-103",
        "claim-104",
    ]
    assert len(doc.find("blockquote")) >= 4
    assert "<strong>-12.1%</strong>" in text  # lead's note rendered as sanitized HTML


def test_verdict_has_a_visible_label_not_only_colour(final_report):
    text, _ = page(final_report)
    for verdict, label in [
        ("confirmed", "Confirmed"),
        ("disputed", "Disputed"),
        ("unconfirmed", "Unconfirmed"),
    ]:
        assert f'<span class="badge badge-{verdict}">{label}</span>' in text
        assert f"<dt>Final verdict</dt><dd><strong>{label}</strong></dd>" in text


def test_audit_digest_and_verify_instructions(final_report):
    text, doc = page(final_report)
    assert 'id="audit-heading">Audit digest<' in text
    assert "a" * 64 in text and "seq 4711" in text
    assert f"flask --app factcheck audit verify --head {'b' * 64}" in text


def test_audit_digest_without_events(final_report):
    report = dataclasses.replace(
        final_report, last_event_hash=None, chain_head_seq=None, chain_head_hash=None
    )
    text, _ = page(report)
    assert "none recorded" in text and "audit verify" not in text


def test_print_stylesheet():
    css = (html_format.TEMPLATES / "report.css").read_text()
    printing = css[css.index("@media print") :]
    assert "break-before: page" not in printing  # claims flow on the page
    assert 'a[href^="http"]::after { content: " <" attr(href) ">"' in printing


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rule(css: str, selector: str) -> dict[str, str]:
    """The declarations of the first rule whose selector list is exactly ``selector``."""
    for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if sel.strip() == selector:
            return dict(
                (k.strip(), v.strip())
                for k, v in (d.split(":", 1) for d in body.split(";") if ":" in d)
            )
    raise AssertionError(f"no rule {selector!r} in report.css")


PAGE = ("html", "background")


@pytest.mark.parametrize(
    "fg, bg",
    [
        (("html", "color"), PAGE),
        ((".eyebrow, .muted, footer", "color"), PAGE),
        (("a", "color"), PAGE),
        ((".draft-banner", "color"), (".draft-banner", "background")),
        ((".badge-confirmed", "color"), (".badge-confirmed", "background")),
        ((".badge-unconfirmed", "color"), (".badge-unconfirmed", "background")),
        ((".badge-disputed", "color"), (".badge-disputed", "background")),
        ((".badge", "color"), (".badge", "background")),
        ((".eyebrow, .muted, footer", "color"), (".badge", "background")),
    ],
)
def test_wcag_aa_contrast(fg, bg):
    """Every text colour of the report against the background it sits on: at least 4.5:1."""
    css = (html_format.TEMPLATES / "report.css").read_text()
    fg_colour, bg_colour = _rule(css, fg[0])[fg[1]], _rule(css, bg[0])[bg[1]]
    assert _contrast(fg_colour, bg_colour) >= 4.5, (fg, fg_colour, bg, bg_colour)


def test_hostile_input_is_inert(hostile_report):
    text, doc = page(hostile_report)
    for tag, attrs in doc.tags:
        assert tag not in ACTIVE_TAGS, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src", "action"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value or value.startswith(("http://", "https://", "mailto:")), attrs
    assert "<script" not in text.lower()
    assert "javascript:" not in " ".join(str(a) for _, a in doc.tags).lower()
    # The payloads are still there, as visible text.
    visible = "".join(doc.text)
    assert '</script><script>alert("title")</script>' in visible
    assert "<img src=x onerror=alert(1)>" in visible
    assert "javascript:alert(6)" in visible  # shown, not linked


def test_user_text_is_isolated_in_bdi(make_report, make_claim):
    rlo, pdf = "\u202e", "\u202c"
    body = f"Gate {rlo}evil.exe{pdf} said the minister {rlo}txt.exe plus more text."
    claim = make_claim(body, f"said the minister {rlo}txt.exe", 1, speaker=f"{pdf}Ahmed")
    report = make_report((claim,), body=body, title=f"Title {rlo}gnp.exe")
    text, doc = page(report)
    assert f"<h1><bdi>Title {rlo}gnp.exe{pdf}</bdi></h1>" in text  # override closed inside
    assert f"<bdi>said the minister {rlo}txt.exe{pdf}</bdi>" in text
    assert "<bdi>Ahmed</bdi>" in text  # unmatched terminator dropped
    assert f"Fact-check report: Title {rlo}gnp.exe{pdf}</title>" in text
    assert rlo not in "".join(doc.outside_bdi)
