"""Every script in a PDF is drawn with real glyphs from a font the report's CSS names (issue
#18 item 6): emoji, Chinese, Japanese, Korean, Devanagari, Arabic, Hebrew and Thai, in the
body (serif), in bold and in the headings (sans).

The fonts embedded in the PDF are read with fontTools: a character is covered when one of
them maps it to a glyph (a missing glyph, the box, is mapped by none). Fontconfig would
find some font for most scripts even if print.css named none, but a different one on each
machine; so the covering font must also be one print.css names. The fonts are Debian
packages (.ci/run installs them; README.md lists them)."""

from __future__ import annotations

import io
import re

from fontTools.ttLib import TTFont
from pypdf import PdfReader

from factcheck.reports.formats.html import TEMPLATES
from factcheck.reports.render import render

SCRIPTS = {
    "emoji": "🙂 ✅ 🚓",
    "Chinese": "中文报告",
    "Japanese": "日本語のひらがなとカタカナ",
    "Korean": "한국어",
    "Devanagari": "हिन्दी",
    "Arabic": "العربية",
    "Hebrew": "עברית",
    "Thai": "ภาษาไทย",
}
PACKAGES = "fonts-symbola fonts-droid-fallback fonts-noto-core fonts-nanum (see .ci/run)"


def css_families() -> set[str]:
    """The family names in print.css's font stacks, lower-case (generic families left out)."""
    css = (TEMPLATES / "print.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    names = set()
    for stack in re.findall(r"font(?:-family)?:\s*([^;}]+)", css):
        for item in stack.split(","):
            item = item.strip()
            quoted = re.search(r'"([^"]+)"', item)
            names.add((quoted.group(1) if quoted else item.split()[-1]).lower())
    return names - {"serif", "sans-serif", "monospace"}


def embedded_fonts(content: bytes) -> list[tuple[str, set[int]]]:
    """(family, the characters it draws) of each font embedded in the PDF.

    Shaped scripts (Arabic, Devanagari) draw forms the character map does not name, so the
    characters come from the font's ToUnicode map (glyph -> text), keeping only glyphs the
    embedded font has: a missing glyph is drawn as glyph 0 or a number past the font's last
    glyph (WeasyPrint subsets keeping the glyph numbers)."""
    fonts, seen = [], set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            if font["/BaseFont"] in seen:
                continue
            seen.add(font["/BaseFont"])
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            stream = descriptor.get("/FontFile2") or descriptor["/FontFile3"]
            ttf = TTFont(io.BytesIO(stream.get_object().get_data()))
            family = ttf["name"].getDebugName(16) or ttf["name"].getDebugName(1)
            count = ttf["maxp"].numGlyphs
            drawn = set()
            for glyph, text in _to_unicode(font["/ToUnicode"].get_object().get_data()):
                if 0 < glyph < count:
                    drawn.update(map(ord, text))
            fonts.append((family, drawn))
    return fonts


def _to_unicode(cmap: bytes) -> list[tuple[int, str]]:
    """(glyph, text) pairs of a ToUnicode CMap's bfchar and bfrange entries."""

    def text(hexa: bytes) -> str:
        return bytes.fromhex(hexa.decode()).decode("utf-16-be")

    pairs = []
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for glyph, utf16 in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            pairs.append((int(glyph, 16), text(utf16)))
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for first, last, start in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
        ):
            base = ord(text(start)[-1])
            for n, glyph in enumerate(range(int(first, 16), int(last, 16) + 1)):
                pairs.append((glyph, text(start)[:-1] + chr(base + n)))
    return pairs


def test_print_css_names_a_font_for_each_script():
    families = css_families()
    for name in ("symbola", "droid sans fallback", "nanummyeongjo", "nanumgothic",
                 "noto sans devanagari", "noto naskh arabic", "noto sans thai"):  # fmt: skip
        assert name in families, (name, sorted(families))


def test_every_character_has_a_glyph_from_a_font_the_css_names(report_helpers):
    """A draft whose title (sans), claim texts, speakers, reviewers (bold), notes and
    excerpts are in each script."""
    h = report_helpers
    body = " ".join(f"{name}: {text}." for name, text in SCRIPTS.items())
    claims = []
    for seq, (name, text) in enumerate(SCRIPTS.items(), 1):
        link = h.evidence("https://example.org/" + name, text, excerpt=text)
        review = h.review(text, "confirmed", f"**{text}** {text}", link)
        claims.append(h.claim(body, f"{name}: {text}.", seq, speaker=text, reviews=(review,)))
    report = h.report_of(tuple(claims), body=body, title=" ".join(SCRIPTS.values()))
    fonts = embedded_fonts(render(report, "pdf").content)
    named = css_families()
    missing, unnamed = [], []
    for script, text in SCRIPTS.items():
        for char in text.replace(" ", ""):
            covering = {family for family, glyphs in fonts if ord(char) in glyphs}
            if not covering:
                missing.append(f"{script} {char} U+{ord(char):04X}")
            elif not {f.lower() for f in covering} & named:
                unnamed.append(f"{script} {char} U+{ord(char):04X} drawn with {sorted(covering)}")
    assert not missing, f"no glyph in the PDF for {missing}: install {PACKAGES}"
    assert not unnamed, f"drawn with fonts print.css does not name: {unnamed}"
