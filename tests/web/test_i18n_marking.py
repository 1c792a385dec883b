"""Every text a page shows is marked for translation, and every marked text is in the
four catalogs, translated (issue #20 item 4). Reads the templates and the views' code;
no app, no database."""

from __future__ import annotations

import ast
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
TRANSLATIONS = ROOT / "factcheck" / "translations"
LANGS = ("es", "fr", "de", "pt")
# Templates whose texts are not marked yet (named in the report; each one leaves this list
# when it is marked, and the test fails if a listed one has nothing left to mark).
NOT_YET: set[str] = set()
# Texts that are the same in every language: the brand, codes, symbols, units.
ALLOWED = {
    "Factcheck",
    "Krippendorff",
    "Cohen",
    "URL",
    "JSON",
    "CSV",
    "ZIP",
    "TOTP",
    "UTC",
    "API",
    "PDF",
    "HTML",
}
VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
GETTEXT_NAMES = {"_", "gettext", "ngettext", "pgettext", "npgettext"}
MARK = "\x00"  # where a template expression was


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code", "kbd"):
            self._skip += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "kbd") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.found.append(data)


def _has_words(text: str) -> bool:
    words = re.findall(r"[^\W\d_]{2,}", text.replace(MARK, " "))
    return any(word not in ALLOWED for word in words)


def _env() -> Environment:
    return Environment(extensions=["jinja2.ext.i18n"])


def unmarked(source: str) -> list[str]:
    """The texts of a template outside _()/ngettext()/{% trans %}: HTML text nodes and
    visible attributes, and string literals a {{ … }} prints as they are."""
    tree = _env().parse(source)
    marked = set()
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in GETTEXT_NAMES:
            marked.update(id(c) for c in call.find_all(nodes.Const))
    markup, bad = [], []
    for output in tree.find_all(nodes.Output):  # document order; both branches of an if
        for child in output.nodes:
            if isinstance(child, nodes.TemplateData):
                markup.append(child.data)
                continue
            so_far = "".join(markup)
            in_tag = so_far.rfind("<") > so_far.rfind(">")
            attribute = re.search(r'([\w-]+)="[^"]*$', so_far) if in_tag else None
            visible = not in_tag or (attribute and attribute.group(1) in VISIBLE_ATTRIBUTES)
            markup.append(MARK)
            if visible:  # literals printed as they are: {{ 'active' if x else 'off' }}
                bad += [c.value for c in _printed_literals(child) if id(c) not in marked]
    parser = _Texts()
    # A tag whose name is computed (<h{{ level }}>) is still a tag, not text.
    parser.feed(re.sub(r"(</?[A-Za-z]+)\x00", r"\g<1>0", "".join(markup)))
    parser.close()
    bad = [t.strip() for t in parser.found if _has_words(t)] + [b for b in bad if _has_words(b)]
    return bad


def _printed_literals(expr):
    """String constants an expression prints as they are (itself, or a branch of an if)."""
    if isinstance(expr, nodes.Const) and isinstance(expr.value, str):
        yield expr
    elif isinstance(expr, nodes.CondExpr):
        yield from _printed_literals(expr.expr1)
        if expr.expr2 is not None:
            yield from _printed_literals(expr.expr2)


def _templates() -> list[str]:
    return sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("name", [t for t in _templates() if t not in NOT_YET])
def test_template_texts_are_marked(name):
    bad = unmarked((TEMPLATES / name).read_text("utf-8"))
    assert not bad, f"{name}: texts not marked for translation: {bad}"


@pytest.mark.parametrize("name", sorted(NOT_YET))
def test_the_not_yet_list_is_true(name):
    assert unmarked((TEMPLATES / name).read_text("utf-8")), (
        f"{name} is marked: drop it from NOT_YET"
    )


def test_the_checker_sees_unmarked_text():
    """Guard the guard: plain text, a visible attribute and a printed literal are caught;
    _(), {% trans %}, code and the brand are not."""
    source = (
        '<h1>Hello</h1><a title="Open it">{{ _("Fine") }}</a>{{ "off" if x else _("on") }}'
        "{% trans %}All {{ n }} here{% endtrans %}<code>flask db upgrade</code> Factcheck · {{ n }}"
        '<h{{ n }} id="x-h">Heading</h{{ n }}><h{{ n }}>{{ _("Marked") }}</h{{ n }}>'
    )
    assert unmarked(source) == ["Hello", "Open it", "Heading", "off"]


def _python_messages(path: Path):
    """flash(), form errors and error texts in a view given as plain string literals."""
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in ("flash", "append") and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant | ast.JoinedStr | ast.BinOp) and (
                name == "flash" or "error" in ast.unparse(node.func)
            ):
                yield node.lineno, ast.unparse(arg)
    for node in ast.walk(tree):
        listed = isinstance(node, ast.Assign) and isinstance(node.value, ast.List)
        to_errors = listed and any("errors" in ast.unparse(t) for t in node.targets)
        if to_errors and any(isinstance(e, ast.Constant | ast.JoinedStr) for e in node.value.elts):
            yield node.lineno, ast.unparse(node.value)


@pytest.mark.parametrize(
    "path", sorted((ROOT / "factcheck" / "views").glob("*.py")), ids=lambda p: p.name
)
def test_flash_messages_are_marked(path):
    bad = list(_python_messages(path))
    assert not bad, f"{path.name}: messages not marked for translation: {bad}"


def _extracted() -> set:
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "lazy_gettext": None,
                "_l": None, "N_": None}  # fmt: skip
    out = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        out.add(message)
    return out


@pytest.fixture(scope="module")
def extracted():
    return _extracted()


@pytest.mark.parametrize("lang", LANGS)
def test_every_marked_text_is_translated(extracted, lang):
    po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    have = {m.id: m.string for m in catalog if m.id}
    missing = [m for m in extracted if m not in have]
    assert not missing, f"{lang}: not in the catalog (run `make messages`): {missing[:20]}"
    empty = [m for m in extracted if not (all(have[m]) if isinstance(have[m], tuple) else have[m])]
    assert not empty, f"{lang}: untranslated: {empty[:20]}"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"{lang}: fuzzy entries are not shown: {fuzzy[:20]}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalog_matches_the_po(lang, tmp_path):
    """The .mo the app reads is the .po compiled (`make messages` after editing a .po)."""
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    fresh = tmp_path / "fresh.mo"
    with fresh.open("wb") as fh:
        write_mo(fh, catalog)
    with fresh.open("rb") as a, (folder / "messages.mo").open("rb") as b:
        expected, actual = gettext.GNUTranslations(a), gettext.GNUTranslations(b)
    assert actual._catalog == expected._catalog


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_survive_translation(lang):
    po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    named = re.compile(r"%\(\w+\)[sd]")
    bad = []
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        want = set(named.findall(ids[-1])) - {"%(num)d", "%(num)s"}
        want |= {"%%"} if "%%" in ids[-1] else set()
        for s in strings:
            if want - set(named.findall(s)) - ({"%%"} if "%%" in s else set()):
                bad.append((ids[0], s))
    assert not bad, bad


# A literal a script shows: assigned to textContent, given to status()/message(), or handed
# on as an error's detail; each quote kind on its own, so "claim's" is a text too, and a
# template literal counts by its words outside ${…}.
SHOWN_BY_SCRIPTS = re.compile(
    r"""(?:textContent\s*=|status\(|message\(|detail:)\s*(?:"([^"]*)"|'([^']*)'|`([^`]*)`)"""
)


def _shown_by_script(source: str) -> list[str]:
    found = []
    for m in SHOWN_BY_SCRIPTS.finditer(source):
        text = next(g for g in m.groups() if g is not None)
        if re.search(r"[A-Za-z]{3}", re.sub(r"\$\{[^}]*\}", " ", text)):
            found.append(text)
    return found


@pytest.mark.parametrize(
    "path", sorted((ROOT / "static" / "js").glob("*.js")), ids=lambda p: p.name
)
def test_script_texts_go_through_t(path):
    """A text a script shows is t("…")-ed (static/js/i18n.js) and listed in web/i18n.JS_TEXTS."""
    from factcheck.web.i18n import JS_TEXTS

    source = path.read_text("utf-8")
    bad = _shown_by_script(source)
    assert not bad, f"{path.name}: texts shown without t(): {bad}"
    known = {text._args[0] for text in JS_TEXTS}
    unknown = [m for m in re.findall(r'\bt\("((?:[^"\\]|\\.)*)"', source) if m not in known]
    assert not unknown, f"{path.name}: t() texts missing from JS_TEXTS: {unknown}"


def test_the_history_has_words_for_every_action_and_field():
    """The History lines are made at display time (web/timeline.py): every action an
    article's or a claim's trail can hold has its sentence, every field the services
    record in a claim's, an article's, a review's or a comment's event has its name, and
    every edit the undo button offers has its label; else the page would show English codes."""
    from factcheck.models import Article, AuditAction, Claim
    from factcheck.services import undo
    from factcheck.services.common import article_snapshot, claim_snapshot
    from factcheck.web import timeline

    page_actions = {a.value for a in AuditAction if a.value.startswith(timeline.PAGE_FAMILIES)}
    assert page_actions - set(timeline.ACTIONS) == set()
    assert set(timeline.ACTIONS) <= {a.value for a in AuditAction}
    recorded = set(claim_snapshot(Claim())) | set(article_snapshot(Article()))
    recorded |= {"verdict", "note", "links", "body", "edited_at", "deleted_at", "author_id"}
    assert recorded - set(timeline.FIELDS) - timeline.CONTEXT_KEYS == set()
    assert set(undo.UNDOABLE) == set(timeline.UNDOABLE)
    for sentence in timeline.ACTIONS.values():
        assert "%(actor)s" in sentence._args[0]
