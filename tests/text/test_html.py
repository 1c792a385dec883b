"""extract_html: IMP-01 (empty), IMP-08 (depth, never silent loss), IMP-09 (no markup), hostile shapes."""

from __future__ import annotations

import contextlib
import time

import pytest

from factcheck.errors import InvalidInput
from factcheck.text.html import HtmlDocument, extract_html

ARTICLE = """<!doctype html><html><head><title>Dam opens early | The Valley Times</title>
<meta property="og:title" content="Dam opens early">
<meta property="og:site_name" content="The Valley Times">
<meta name="author" content="Ana Ruiz">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="https://valley.example/news/dam"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<main><article><h1>Dam opens early</h1>
<p>The new dam on the river opened three weeks ahead of schedule, officials said on Monday.</p>
<p>It cost 2.4 billion dollars, about 10% more than the original estimate from 2019.</p>
{extra}</article></main><footer>Copyright 2024 The Valley Times</footer></body></html>"""


def _deep(depth: int, marker: str = "DEEPMARKER") -> str:
    return ARTICLE.format(
        extra="<div>" * depth + f"<p>{marker} lies at the bottom.</p>" + "</div>" * depth
    )


def test_article_text_and_metadata():
    doc = extract_html(ARTICLE.format(extra=""))
    assert doc == HtmlDocument(
        text="Dam opens early\n\n"
        "The new dam on the river opened three weeks ahead of schedule, officials said on Monday.\n\n"
        "It cost 2.4 billion dollars, about 10% more than the original estimate from 2019.",
        title="Dam opens early",
        author="Ana Ruiz",
        published_at="2024-03-05",
        site_name="The Valley Times",
        canonical_url="https://valley.example/news/dam",
    )


@pytest.mark.parametrize("depth", [10, 150, 197, 198, 240, 252, 253, 254, 255, 256, 300, 400, 505])
def test_imp08_marker_at_the_deepest_point_is_kept(depth):
    doc = extract_html(_deep(depth))
    assert "DEEPMARKER lies at the bottom." in doc.text
    assert (
        "opened three weeks ahead of schedule" in doc.text
    )  # text after the deep part survives too
    assert doc.title == "Dam opens early" and doc.published_at == "2024-03-05"


@pytest.mark.parametrize("depth", [513, 10_000, 200_000])
def test_imp08_too_deep_refused(depth):
    with pytest.raises(InvalidInput) as exc:
        extract_html(_deep(depth))
    assert exc.value.detail == "HTML nested too deeply (more than 512 levels)"
    assert exc.value.status == 422


def test_max_depth_is_a_parameter():
    with pytest.raises(InvalidInput, match=r"more than 50 levels"):
        extract_html(_deep(60), max_depth=50)


@pytest.mark.parametrize("tag", ["b", "font", "span", "dd", "blockquote"])
def test_imp08_unclosed_nesting_elements_keep_the_marker(tag):
    html = "<html><body>" + f"<{tag}>word " * 300 + "DEEPMARKER</body></html>"
    assert "DEEPMARKER" in extract_html(html).text


def test_imp08_fifty_thousand_sibling_paragraphs_fast():
    html = (
        "<html><body>"
        + "".join(f"<p>Paragraph {i} says something.</p>" for i in range(50_000))
        + "</body></html>"
    )
    start = time.monotonic()
    doc = extract_html(html)
    assert time.monotonic() - start < 3
    paragraphs = doc.text.split("\n\n")
    assert len(paragraphs) == 50_000 and paragraphs[-1] == "Paragraph 49999 says something."


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>One<p>Two<ul><li>Three<li>Four</ul><div>Five", ["One", "Two", "Three", "Four", "Five"]),
        ("<table><tr><td>a<td>b<tr><td>c</table><p>after", ["a b", "c", "after"]),
        ("<head><meta charset=utf-8><title>T</title><p>Body without tags</p>", ["Body without tags"]),
        ("<p>Kept</p><!-- an unclosed comment <p>hidden", ["Kept"]),
        ("<p>Kept</p><a href='x", ["Kept"]),
        ("<p>x &lt;b&gt; &amp; y</p>", ["x <b> & y"]),
        ("<pre>line 1\nline 2</pre>", ["line 1", "line 2"]),
        ("<form><div><p>Everything sits in a form, as on ASP.NET pages.</p></div></form>",
         ["Everything sits in a form, as on ASP.NET pages."]),
        ("<nav><p>Only navigation here.</p></nav>", ["Only navigation here."]),
    ],
)  # fmt: skip
def test_unclosed_and_odd_markup_through_the_fallback(html, expected):
    deep = "<div>" * 260 + html  # deeper than trafilatura is used for: the scan's own text
    assert extract_html(deep).text.split("\n\n") == expected


@pytest.mark.parametrize(
    "html",
    ["", "   \n\t ", "<html><script>x</script></html>", "<html><head><title>T</title></head><body> </body></html>",
     "<style>p{}</style><template><p>t</p></template><noscript>n</noscript>", "<!-- only a comment -->", "&nbsp;"],
)  # fmt: skip
def test_imp01_empty_visible_text_refused(html):
    with pytest.raises(InvalidInput) as exc:
        extract_html(html)
    assert exc.value.detail == "article is empty" and exc.value.errors == {
        "text": "article is empty"
    }


def test_nul_refused():
    with pytest.raises(InvalidInput, match="NUL"):
        extract_html("<p>a\x00b</p>")


VECTORS = {
    "script": "<script>alert('XSS1')</script>",
    "self-closed script": "<script src=x.js />alert('XSS2')</script>",
    "iframe srcdoc": "<iframe srcdoc=\"<script>alert('XSS3')</script>\">fallback XSS3</iframe>",
    "img onerror": "<img src=x onerror=\"alert('XSS4')\">",
    "svg onload": "<svg onload=\"alert('XSS5')\"><script>alert('XSS5b')</script></svg>",
    "javascript link": "<a href=\"javascript:alert('XSS6')\">a harmless link label</a>",
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(\'XSS7\')">',
    "base href": '<base href="https://attacker.example/XSS8/">',
    "style import": "<style>@import url('https://attacker.example/XSS9.css');</style>",
    "form action": '<form action="https://attacker.example/XSS10"><input name=q value=XSS10></form>',
}


@pytest.mark.parametrize("path", ["trafilatura", "fallback"])
@pytest.mark.parametrize("vector", VECTORS.values(), ids=VECTORS.keys())
def test_imp09_no_markup_or_code_in_the_text(vector, path):
    extra = f"<p>Paragraph with a vector inside {vector} and more words after it.</p>"
    html = (
        ARTICLE.format(extra=extra)
        if path == "trafilatura"
        else _deep(300).replace("<footer>", extra + "<footer>")
    )
    text = extract_html(html).text
    assert "XSS" not in text and "alert" not in text and "attacker" not in text
    assert "<" not in text and ">" not in text
    assert "and more words after it." in text


@pytest.mark.parametrize(
    "hostile",
    [
        "<a " * 100_000,
        "<!--" * 100_000,
        "<" * 400_000,
        "<a b='" * 100_000,
        "<a\n" * 100_000,
        "</" * 200_000,
    ],
)
def test_linear_time_on_shapes_that_are_quadratic_for_html_parser(hostile):
    start = time.monotonic()
    with contextlib.suppress(InvalidInput):  # refusing is fine; taking seconds is not
        extract_html("<p>Lead paragraph.</p>" + hostile)
    assert time.monotonic() - start < 2


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("javascript:alert(1)", None),
        ("/relative", None),
        ("https://ok.example/a", "https://ok.example/a"),
    ],
)
def test_canonical_url_must_be_http(href, kept):
    html = ARTICLE.format(extra="").replace("https://valley.example/news/dam", href)
    assert extract_html(html).canonical_url == kept


def test_title_with_line_breaks_is_one_line():
    html = ARTICLE.format(extra="").replace(
        'content="Dam opens early"', 'content="Dam\r\nopens\tearly"'
    )
    assert extract_html(html).title == "Dam opens early"
