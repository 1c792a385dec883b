"""The standalone HTML report: one page, inline CSS, no script, no external requests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from factcheck.reports.formats import common
from factcheck.reports.model import VERDICTS, Report
from factcheck.reports.words import Words, words

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _sanitized(html: str | None) -> Markup:
    # The builder already sanitized notes; cleaning again at the sink costs little and
    # keeps this page safe even if a caller hands us raw HTML.
    return Markup(common.clean_html(html))


def _bdi(text: str | None) -> Markup:
    # <bdi> isolates the field; balancing stops stray overrides inside it from escaping.
    return Markup("<bdi>%s</bdi>") % common.balance_bidi(text)


def _isolate(text: str | None) -> str:
    # Print: FSI ... PDI around the field. Pango isolates it; WeasyPrint ignores <bdi>.
    return f"\u2068{common.balance_bidi(text)}\u2069" if text else ""


def _time(w: Words, value) -> Markup:
    if value is None:
        return Markup("")
    # HTML's valid global date-and-time string allows at most 3 fractional digits (the
    # Nu checker refused the 6 of iso_utc): milliseconds when there are any.
    utc = common.to_utc(value)
    stamp = utc.isoformat(timespec="milliseconds" if utc.microsecond else "seconds")
    return Markup('<time datetime="%s">%s</time>') % (stamp.replace("+00:00", "Z"), w.time(value))


def _link(url: str | None, text: str | None = None) -> Markup:
    safe = common.safe_url(url)
    label = _bdi(text or url or "")
    if safe is None:
        # Not http(s): show the address as inert text so the reader still sees it.
        return label if not text else label + Markup(" <code>%s</code>") % _bdi(url or "")
    # A link whose text is its URL gets class "bare" so print does not repeat the URL.
    css = Markup("" if text else ' class="bare"')
    return Markup('<a href="%s"%s rel="noopener noreferrer nofollow">%s</a>') % (safe, css, label)


def _print_link(url: str | None, text: str | None = None) -> Markup:
    # Print: the address follows the link's text (a screen page shows it on hover).
    safe = common.safe_url(url)
    if safe is None or not text:
        return _link(url, text)
    address = Markup(" &lt;%s&gt;") % _isolate(url)
    return Markup('<a href="%s" class="bare">%s</a>') % (safe, _isolate(text)) + address


@cache
def _environment(language: str) -> Environment:
    """The report template's environment in one language (gettext from the catalogs)."""
    w = words(language)
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(w.catalog, newstyle=True)

    def source(report: Report, field: str, plain: bool = False) -> Markup:
        label = w.source((report.meta_sources or {}).get(field))
        if not label:
            return Markup("")
        return Markup(" (%s)" if plain else ' <span class="muted">(%s)</span>') % label

    env.filters.update(
        bdi=_bdi,
        plain=common.balance_bidi,
        sanitized=_sanitized,
        time=lambda value: _time(w, value),
        link=_link,
        isolate=_isolate,
        print_time=lambda value: w.time(value) if value is not None else "",
        print_link=_print_link,
        verdict_label=w.verdict,
        status_label=w.status,
        state_word=w.state,
        stance_label=w.stance,
        outcome_label=w.outcome,
    )
    env.globals.update(source=source, html_lang=language)
    return env


def render_html(report: Report) -> bytes:
    """The report as a standalone, printable HTML page (UTF-8), in its report language."""
    return _render(report, "report.html")


def render_print_html(report: Report) -> bytes:
    """The report's HTML for WeasyPrint (print.html: the same facts in fewer boxes)."""
    return _render(report, "print.html")


def _render(report: Report, name: str) -> bytes:
    template = _environment(report.report_language).get_template(name)
    w = words(report.report_language)
    counts = [(w.verdict(v), v, getattr(report.summary, v)) for v in VERDICTS]
    head = report.chain_head_hash
    html = template.render(
        report=report,
        counts=counts,
        verify_command=common.VERIFY_COMMAND.format(head=head) if head else None,
    )
    return html.encode("utf-8")
