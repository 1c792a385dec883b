"""A linear-time scan of HTML: how deep it nests (roughly as a browser builds the tree) and its visible text.

Python's ``html.parser`` cannot be used for this: on 3.11 it is quadratic on unclosed start
tags (40 KB of ``"<a "`` takes over 30 s), so this is a small tokenizer that only moves forward.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape

from factcheck.errors import InvalidInput


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


VOID = _names(
    "area base basefont bgsound br col embed frame hr img input keygen link meta param source track wbr"
)
# Raw-text elements: their content is not markup, up to the matching end tag.
RAWTEXT = _names("script style xmp iframe noembed noframes noscript textarea title")
# Never shown as text in a browser.
INVISIBLE = _names(
    "script style noscript template head title iframe noembed noframes object canvas audio video datalist"
)
# Shown, but not the article: navigation, sidebars, icons, form controls. Kept only when the page
# has nothing else (a page whose whole body sits in <nav> or <aside> is still text, not "empty").
BOILERPLATE = _names("nav aside svg button select textarea dialog")
PAGE_CHROME = _names("header footer")  # boilerplate unless inside <article> or <main>
BLOCK = _names(
    """address article aside blockquote body br caption center dd details dialog dir div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li listing main menu nav
    ol option p pre section summary table tbody tfoot thead tr ul"""
)
HEAD_CONTENT = _names("base link meta title style script noscript template")
# Implied end tags (HTML5 tree construction, simplified): a start tag closes the most recent open
# element of these names, unless an element of the boundary set is open above it.
_SCOPE = _names("applet caption html table td th marquee object template button")
_P_CLOSERS = _names(
    """address article aside blockquote center details dialog dir div dl dd dt fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 header hgroup hr li listing main menu nav ol p pre section summary table
    ul"""
)
_TABLE = _names("table html template")
_IMPLIED = {
    "li": (_names("li"), _SCOPE | {"ol", "ul"}),
    "dt": (_names("dt dd"), _SCOPE),
    "dd": (_names("dt dd"), _SCOPE),
    "option": (_names("option"), _SCOPE | {"select", "datalist", "optgroup"}),
    "optgroup": (_names("option optgroup"), _SCOPE | {"select"}),
    "tr": (_names("tr td th"), _TABLE),
    "td": (_names("td th"), _TABLE | {"tr"}),
    "th": (_names("td th"), _TABLE | {"tr"}),
    "a": (_names("a"), _SCOPE),
}
# Raw text a browser never shows but lxml parses as content (it would reach the extracted text).
_UNSHOWN_RAWTEXT = _names("iframe noembed noframes noscript")
_TAG_OPEN = re.compile(r"<(/?)([A-Za-z][^\t\n\f\r />]*)")
_TAG_STOP = re.compile(r"[>=]")
_SPACE = re.compile(r"[\t\n\f\r ]*")
_RAW_END = {name: re.compile(rf"</{name}[\t\n\f\r />]", re.IGNORECASE) for name in RAWTEXT}


@dataclass
class Scan:
    """What the scan found: maximum nesting depth, element count and paragraphs of visible text."""

    depth: int = 0
    elements: int = 0
    paragraphs: list[tuple[str, bool]] = field(default_factory=list)  # (text, is_boilerplate)
    # Where lxml would read the page differently from a browser: (start, end) spans to delete.
    edits: list[tuple[int, int]] = field(default_factory=list)

    def text(self) -> str:
        """The visible text without boilerplate (or with it, when there is nothing else)."""
        main = [p for p, boiler in self.paragraphs if not boiler]
        return "\n\n".join(main or [p for p, _ in self.paragraphs])

    def for_lxml(self, html: str) -> str:
        """The page with the edits applied, so lxml sees what a browser would show."""
        pieces, pos = [], 0
        for start, end in self.edits:
            pieces.append(html[pos:start])
            pos = end
        return "".join(pieces) + html[pos:]


def scan_html(html: str, *, max_depth: int) -> Scan:
    """Tokenize ``html`` once; raise InvalidInput as soon as it nests deeper than ``max_depth``."""
    builder = _Builder(max_depth)
    pos, n = 0, len(html)
    while pos < n:
        lt = html.find("<", pos)
        if lt < 0:
            builder.text(html[pos:])
            break
        if lt > pos:
            builder.text(html[pos:lt])
        tag = _TAG_OPEN.match(html, lt)
        if tag:
            end = _tag_end(html, tag.end())
            if end < 0:
                break  # end of file inside a tag: a browser drops the tag
            name = tag.group(2).lower()
            pos = end + 1
            if tag.group(1):
                builder.end(name)
                continue
            builder.start(name, self_closing=html[end - 1] == "/")
            if name == "plaintext":
                builder.text(html[pos:])
                break
            if name in RAWTEXT:  # a browser ignores "/>" here: <script/>x</script> is a script
                if html[end - 1] == "/":
                    builder.scan.edits.append((end - 1, end))  # lxml would close it and show x
                close = _RAW_END[name].search(html, pos)
                stop = close.start() if close else n
                if name in _UNSHOWN_RAWTEXT:
                    builder.scan.edits.append((pos, stop))
                builder.text(html[pos:stop], raw=name != "title" and name != "textarea")
                if not close:
                    break
                builder.end(name)
                pos = _tag_end(html, close.start() + 2 + len(name)) + 1
                if pos == 0:
                    break
        elif html.startswith("<!--", lt):
            close = html.find("-->", lt + 4)
            if close < 0:
                break  # an unclosed comment runs to the end of the file
            pos = close + 3
        elif html.startswith(("<!", "<?", "</"), lt):
            close = html.find(">", lt + 2)  # doctype, CDATA, processing instruction, bogus comment
            if close < 0:
                break
            pos = close + 1
        else:
            builder.text("<")
            pos = lt + 1
    builder.flush()
    return builder.scan


def _tag_end(html: str, pos: int) -> int:
    """Index of the '>' that ends the tag whose attributes start at ``pos`` (-1 at end of file)."""
    while True:
        stop = _TAG_STOP.search(html, pos)
        if not stop:
            return -1
        if html[stop.start()] == ">":
            return stop.start()
        value = _SPACE.match(html, stop.end()).end()
        if value < len(html) and html[value] in "\"'":
            close = html.find(html[value], value + 1)  # a quoted value may contain '>'
            if close < 0:
                return -1
            pos = close + 1
        else:
            pos = value


class _Builder:
    """Keeps the stack of open elements (names, with positions per name so every step is O(1))."""

    def __init__(self, max_depth: int):
        self.max_depth = max_depth
        self.scan = Scan()
        self.stack: list[tuple[str, str]] = []  # (name, category: "" | "hidden" | "boiler")
        self.open: dict[str, list[int]] = {}
        self.hidden = self.boiler = 0
        self.buffer: list[str] = []

    def _is_open(self, name: str) -> bool:
        return bool(self.open.get(name))

    def _last(self, names) -> int:
        return max((self.open[n][-1] for n in names if self.open.get(n)), default=-1)

    def _push(self, name: str) -> None:
        category = ""
        if name in INVISIBLE:
            category = "hidden"
        elif name in BOILERPLATE or (
            name in PAGE_CHROME and not (self._is_open("article") or self._is_open("main"))
        ):
            category = "boiler"
        if category:
            self.flush()
            self.hidden += category == "hidden"
            self.boiler += category == "boiler"
        self.open.setdefault(name, []).append(len(self.stack))
        self.stack.append((name, category))
        self._measure(len(self.stack))

    def _pop_to(self, index: int) -> None:
        while len(self.stack) > index:
            name, category = self.stack.pop()
            self.open[name].pop()
            if category:
                self.flush()
                self.hidden -= category == "hidden"
                self.boiler -= category == "boiler"
            if name in BLOCK:
                self.flush()

    def _measure(self, depth: int) -> None:
        if depth > self.scan.depth:
            self.scan.depth = depth
            if depth > self.max_depth:
                message = f"HTML nested too deeply (more than {self.max_depth} levels)"
                raise InvalidInput(message, errors={"text": message})

    def start(self, name: str, *, self_closing: bool) -> None:
        self.scan.elements += 1
        if name in ("html", "body") and self._is_open(name):
            return
        if self._is_open("head") and (name == "body" or name not in HEAD_CONTENT):
            self._pop_to(
                self.open["head"][-1]
            )  # content after a missing </head> belongs to the body
        if name in _P_CLOSERS and self._is_open("p") and self.open["p"][-1] > self._last(_SCOPE):
            self._pop_to(self.open["p"][-1])
        if name in _IMPLIED:
            names, boundary = _IMPLIED[name]
            last = self._last(names)
            if last > self._last(boundary):
                self._pop_to(last)
        if name in BLOCK:
            self.flush()
        elif name in ("td", "th"):
            self.buffer.append(" ")
        if name in VOID or (self_closing and name not in RAWTEXT):  # lxml honours "<div/>" too
            self._measure(len(self.stack) + 1)
            return
        self._push(name)

    def end(self, name: str) -> None:
        if name == "br":
            self.flush()
        elif name not in ("html", "body") and self._is_open(name):
            self._pop_to(self.open[name][-1])
        elif name in BLOCK:
            self.flush()

    def text(self, data: str, *, raw: bool = False) -> None:
        if self.hidden or not data:
            return
        data = data if raw else unescape(data)
        if self._is_open("pre") or self._is_open("listing"):
            lines = data.split("\n")  # preformatted lines stay lines
            for line in lines[:-1]:
                self.buffer.append(line)
                self.flush()
            data = lines[-1]
        self.buffer.append(data)

    def flush(self) -> None:
        if self.buffer:
            paragraph = " ".join("".join(self.buffer).split())
            self.buffer = []
            if paragraph:
                self.scan.paragraphs.append((paragraph, self.boiler > 0))
