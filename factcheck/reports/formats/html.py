"""The standalone HTML report: one page, inline CSS, no script, no external requests."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from factcheck.reports.formats import common
from factcheck.reports.model import VERDICTS, Report

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _sanitized(html: str | None) -> Markup:
    # The builder already sanitized notes; cleaning again at the sink costs little and
    # keeps this page safe even if a caller hands us raw HTML.
    return Markup(common.clean_html(html))


def _bdi(text: str | None) -> Markup:
    # <bdi> isolates the field; balancing stops stray overrides inside it from escaping.
    return Markup("<bdi>%s</bdi>") % common.balance_bidi(text)


def _time(value) -> Markup:
    if value is None:
        return Markup("")
    # HTML's valid global date-and-time string allows at most 3 fractional digits (the
    # Nu checker refused the 6 of iso_utc): milliseconds when there are any.
    utc = common.to_utc(value)
    stamp = utc.isoformat(timespec="milliseconds" if utc.microsecond else "seconds")
    return Markup('<time datetime="%s">%s</time>') % (
        stamp.replace("+00:00", "Z"),
        common.display_time(value),
    )


def _link(url: str | None, text: str | None = None) -> Markup:
    safe = common.safe_url(url)
    label = _bdi(text or url or "")
    if safe is None:
        # Not http(s): show the address as inert text so the reader still sees it.
        return label if not text else label + Markup(" <code>%s</code>") % _bdi(url or "")
    # A link whose text is its URL gets class "bare" so print does not repeat the URL.
    css = Markup("" if text else ' class="bare"')
    return Markup('<a href="%s"%s rel="noopener noreferrer nofollow">%s</a>') % (safe, css, label)


def _source(report: Report, field: str) -> Markup:
    label = common.source_label(report, field)
    return Markup(' <span class="muted">(%s)</span>') % label if label else Markup("")


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        bdi=_bdi,
        plain=common.balance_bidi,
        sanitized=_sanitized,
        time=_time,
        link=_link,
        verdict_label=common.verdict_label,
        status_label=common.status_label,
        outcome_label=common.outcome_label,
    )
    env.globals.update(source=_source, date_unknown=common.DATE_UNKNOWN)
    return env


_ENV = _environment()


def render_html(report: Report) -> bytes:
    """The report as a standalone, printable HTML page (UTF-8)."""
    template = _ENV.get_template("report.html")
    counts = [(common.verdict_label(v), v, getattr(report.summary, v)) for v in VERDICTS]
    head = report.chain_head_hash
    html = template.render(
        report=report,
        counts=counts,
        verify_command=common.VERIFY_COMMAND.format(head=head) if head else None,
    )
    return html.encode("utf-8")
