"""The Markdown report: the HTML page's content as a portable text document.

User text (titles, claim text, names, excerpts) is escaped so it cannot become markup.
Notes are Markdown already and are kept as typed, unless they carry raw HTML, a link
that is not http(s)/mailto, or an unclosed block that would swallow the rest of the
document: such a note is shown verbatim in a code block, where nothing is executable.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from factcheck.reports.formats import common
from factcheck.reports.model import VERDICTS, ClaimItem, EvidenceItem, Report, ReviewItem
from factcheck.reports.words import Words, words
from factcheck.text.markup import is_plain

_INLINE = re.compile(r"([\\`*_{}\[\]<>#|~&$!])")
_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")
_SCHEME = re.compile(r"^([^:/?#]*):")
_NOTE_SCHEMES = {"http", "https", "mailto"}
_SENTINEL = "FACTCHECK-END-OF-NOTE"
_checker = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_checker.validateLink = lambda url: True  # see every link, then judge it ourselves


def md_text(text: str | None, *, single_line: bool = False) -> str:
    """Escape user text so Markdown renders it literally."""
    escaped = _INLINE.sub(r"\\\1", common.balance_bidi(text))
    lines = [_LINE_START.sub(_escape_start, line.strip()) for line in escaped.splitlines()]
    return " ".join(filter(None, lines)) if single_line else "\n".join(lines)


def _escape_start(match: re.Match[str]) -> str:
    # "- x" and "+ x" start lists, "===" makes a heading; "1. x" needs its dot escaped.
    token = match[1]
    return f"{token}\\" if token[0].isdigit() else f"\\{token}"


def md_quote(text: str | None, indent: str = "") -> str:
    """User text as an escaped Markdown blockquote."""
    return "\n".join(f"{indent}> {line}".rstrip() for line in md_text(text).split("\n"))


def md_link(url: str | None, title: str | None = None) -> str:
    """A link for an http(s) URL; anything else is shown as escaped text."""
    safe = common.safe_url(url)
    label = md_text(title or url, single_line=True)
    if safe is not None:
        return f"[{label}](<{safe}>)"
    return label if not title or not url else f"{label} ({md_text(url, single_line=True)})"


def md_note(note: str | None) -> str:
    """The note as typed when it is inert, otherwise verbatim inside a code fence."""
    note = (note or "").strip()
    if not note or _is_inert(note):
        return note
    longest = max((len(run) for run in re.findall(r"`+", note)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{note}\n{fence}"


def _is_inert(note: str) -> bool:
    if is_plain(note):
        return True
    tokens = _checker.parse(f"{note}\n\n{_SENTINEL}\n")
    tail = tokens[-3:]
    closed = (
        [t.type for t in tail] == ["paragraph_open", "inline", "paragraph_close"]
        and tail[0].level == 0
        and tail[1].content == _SENTINEL
    )
    return closed and all(_token_is_safe(t) for t in _walk(tokens))


def _walk(tokens):
    for token in tokens:
        yield token
        yield from _walk(token.children or [])


def _token_is_safe(token) -> bool:
    if token.type in {"html_block", "html_inline"}:
        return False
    url = token.attrGet("href") if token.type == "link_open" else token.attrGet("src")
    if url is None:
        return True
    match = _SCHEME.match(str(url).strip())
    return match is None or match[1].lower() in _NOTE_SCHEMES


def render_markdown_report(report: Report) -> bytes:
    """The report as a Markdown document (UTF-8), in its report language."""
    _ = words(report.report_language)
    parts: list[str] = []
    if not report.is_final:
        warning = _(
            "This article has not been approved: verdicts may still change. Do not publish."
        )
        parts.append("> **" + _("DRAFT") + f"** — {warning}")
    draft = _("DRAFT") + " — " if not report.is_final else ""
    title = _("Fact-check report: %(title)s", title=md_text(report.title, single_line=True))
    parts.append(f"# {draft}{title}")
    parts.append(_metadata(_, report))
    parts.append(_summary(_, report))
    parts.append("## " + _("Claims"))
    parts.extend(_claim(_, claim) for claim in report.claims)
    if not report.claims:
        parts.append(_("This article has no claims."))
    parts.append(_audit(_, report))
    return ("\n\n".join(p for p in parts if p) + "\n").encode("utf-8")


def _bullets(rows: list[tuple[str, str | None]]) -> str:
    return "\n".join(f"- **{label}:** {value}" for label, value in rows if value)


def _by(_: Words, when: str, who: str | None) -> str:
    if not who:
        return when
    who = md_text(who, single_line=True)
    return _("%(when)s by %(who)s", when=when, who=who).strip() if when else who


def _metadata(_: Words, report: Report) -> str:
    approved = _.time(report.approved_at)
    approved = _by(_, approved, report.approved_by) if approved else approved
    return _bullets(
        [
            (_("Article"), f"#{report.article_id} ({_.state(report.status)})"),
            (_("Publisher"), md_text(report.publisher, single_line=True)),
            (_("Original publisher"), md_text(report.original_publisher, single_line=True)),
            (_("Byline"), md_text(report.byline, single_line=True)),
            (
                _("Published"),
                _with_source(_, report, "published_at", _.time(report.published_at))
                or _("Date unknown"),
            ),
            (_("Source"), md_link(report.source_url) if report.source_url else None),
            (_("Approved"), approved),
            (_("Report generated"), _.time(report.generated_at)),
            (_("Desk"), md_text(report.organisation, single_line=True)),
        ]
    )


def _with_source(_: Words, report: Report, field: str, value: str | None) -> str | None:
    label = _.source((report.meta_sources or {}).get(field))
    return f"{value} ({label})" if value and label else value


def _summary(_: Words, report: Report) -> str:
    s = report.summary
    rows = [(_.verdict(v), getattr(s, v)) for v in VERDICTS]
    rows += [(_("Pending"), s.pending), (_("Excluded"), s.excluded), (_("Total"), s.total)]
    table = "\n".join(f"| {label} | {count} |" for label, count in rows)
    summary, outcome, claims = _("Summary"), _("Outcome"), _("Claims")
    return f"## {summary}\n\n| {outcome} | {claims} |\n|---|---:|\n{table}"


def _claim(_: Words, claim: ClaimItem) -> str:
    approved = _by(_, _.time(claim.approved_at), claim.approved_by)
    statement = claim.statement if claim.statement and claim.statement != claim.text else None
    speaker = md_text(claim.speaker, single_line=True) if claim.speaker else _("Not attributed")
    if claim.is_quote:
        speaker += " (" + _("quoted") + ")"
    parts = [
        "### " + _("Claim %(num)s", num=claim.seq) + " — " + _.outcome(claim),
        md_quote(claim.text),
        _bullets(
            [
                (_("Statement checked"), md_text(statement, single_line=True)),
                (_("Speaker"), speaker),
                (_("Status"), _.status(claim.status)),
                (_("Final verdict"), _.verdict(claim.final_verdict)),
                (_("Approved"), approved),
                (_("Excluded because"), md_text(claim.excluded_reason, single_line=True)),
            ]
        ),
    ]
    if claim.approval_note:
        parts += ["#### " + _("Lead’s note"), md_note(claim.approval_note)]
    parts.append("#### " + _("Reviews (%(num)s)", num=len(claim.reviews)))
    parts.extend(_review(_, review) for review in claim.reviews)
    if not claim.reviews:
        parts.append(_("No reviews yet."))
    return "\n\n".join(p for p in parts if p)


def _revision(_: Words, review: ReviewItem) -> str:
    first = (
        " · " + _("first submitted as %(verdict)s", verdict=_.verdict(review.first_verdict))
        if review.first_verdict
        else ""
    )
    return first + (
        " · " + _("revised after seeing the other reviews") if review.revised_after_seen else ""
    )


def _review(_: Words, review: ReviewItem) -> str:
    who = md_text(review.reviewer, single_line=True)
    parts = [
        f"**{who}**: {_.verdict(review.verdict)} · {_.time(review.updated_at)}"
        + _revision(_, review),
        md_note(review.note),
    ]
    if review.links:
        parts.append(
            _("Evidence:") + "\n\n" + "\n".join(_evidence(_, link, review) for link in review.links)
        )
    return "\n\n".join(p for p in parts if p)


def _evidence(_: Words, link: EvidenceItem, review: ReviewItem) -> str:
    line = f"- {md_link(link.url, link.title)} ({_.stance(link.stance)})"
    if review.contradicts(link):
        flag = _("%(stance)s a %(verdict)s verdict", stance=_.stance(link.stance).capitalize(),
                 verdict=(_.verdict(review.verdict) or "").lower())  # fmt: skip
        line += f" **⚠ {flag}**"
    if link.archived_url:
        line += " · " + _("Archived copy:") + " " + md_link(link.archived_url)
    if link.excerpt:
        line += "\n" + md_quote(link.excerpt, indent="  ")
    return line


def _audit(_: Words, report: Report) -> str:
    last = f"`{report.last_event_hash}`" if report.last_event_hash else _("none recorded")
    head = (
        _("seq %(num)s", num=report.chain_head_seq) + f", `{report.chain_head_hash}`"
        if report.chain_head_hash
        else _("empty trail")
    )
    digest, last_event, chain_head = _("Audit digest"), _("Article’s last event"), _("Chain head")
    text = f"## {digest}\n\n- **{last_event}:** {last}\n- **{chain_head}:** {head}"
    if report.chain_head_hash:
        command = common.VERIFY_COMMAND.format(head=report.chain_head_hash)
        text += "\n\n" + _(
            "To check this report against the audit trail, run %(command)s on the desk’s "
            "server. It recomputes every hash and fails if an event was altered or if the "
            "trail no longer reaches this head.",
            command="`" + command + "`",
        )
    return text
