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
    """The report as a Markdown document (UTF-8)."""
    parts: list[str] = []
    if not report.is_final:
        parts.append(
            "> **DRAFT** — this article has not been approved: verdicts may still change. "
            "Do not publish."
        )
    draft = "DRAFT — " if not report.is_final else ""
    parts.append(f"# {draft}Fact-check report: {md_text(report.title, single_line=True)}")
    parts.append(_metadata(report))
    parts.append(_summary(report))
    parts.append("## Claims")
    parts.extend(_claim(claim) for claim in report.claims)
    if not report.claims:
        parts.append("This article has no claims.")
    parts.append(_audit(report))
    return ("\n\n".join(p for p in parts if p) + "\n").encode("utf-8")


def _bullets(rows: list[tuple[str, str | None]]) -> str:
    return "\n".join(f"- **{label}:** {value}" for label, value in rows if value)


def _metadata(report: Report) -> str:
    approved = common.display_time(report.approved_at)
    if approved and report.approved_by:
        approved += f" by {md_text(report.approved_by, single_line=True)}"
    return _bullets(
        [
            ("Article", f"#{report.article_id} ({report.status.replace('_', ' ')})"),
            ("Publisher", md_text(report.publisher, single_line=True)),
            ("Original publisher", md_text(report.original_publisher, single_line=True)),
            ("Byline", md_text(report.byline, single_line=True)),
            (
                "Published",
                _with_source(report, "published_at", common.display_time(report.published_at))
                or common.DATE_UNKNOWN,
            ),
            ("Source", md_link(report.source_url) if report.source_url else None),
            ("Approved", approved),
            ("Report generated", common.display_time(report.generated_at)),
            ("Desk", md_text(report.organisation, single_line=True)),
        ]
    )


def _with_source(report: Report, field: str, value: str | None) -> str | None:
    label = common.source_label(report, field)
    return f"{value} ({label})" if value and label else value


def _summary(report: Report) -> str:
    s = report.summary
    rows = [(common.verdict_label(v), getattr(s, v)) for v in VERDICTS]
    rows += [("Pending", s.pending), ("Excluded", s.excluded), ("Total", s.total)]
    table = "\n".join(f"| {label} | {count} |" for label, count in rows)
    return f"## Summary\n\n| Outcome | Claims |\n|---|---:|\n{table}"


def _claim(claim: ClaimItem) -> str:
    approved = common.display_time(claim.approved_at)
    if claim.approved_by:
        approved = f"{approved} by {md_text(claim.approved_by, single_line=True)}".strip()
    statement = claim.statement if claim.statement and claim.statement != claim.text else None
    speaker = md_text(claim.speaker, single_line=True) if claim.speaker else "Not attributed"
    if claim.is_quote:
        speaker += " (quoted)"
    parts = [
        f"### Claim {claim.seq} — {common.outcome_label(claim)}",
        md_quote(claim.text),
        _bullets(
            [
                ("Statement checked", md_text(statement, single_line=True)),
                ("Speaker", speaker),
                ("Status", common.status_label(claim.status)),
                ("Final verdict", common.verdict_label(claim.final_verdict)),
                ("Approved", approved),
                ("Excluded because", md_text(claim.excluded_reason, single_line=True)),
            ]
        ),
    ]
    if claim.approval_note:
        parts += ["#### Lead’s note", md_note(claim.approval_note)]
    parts.append(f"#### Reviews ({len(claim.reviews)})")
    parts.extend(_review(review) for review in claim.reviews)
    if not claim.reviews:
        parts.append("No reviews yet.")
    return "\n\n".join(p for p in parts if p)


def _revision(review: ReviewItem) -> str:
    first = (
        f" · first submitted as {common.verdict_label(review.first_verdict)}"
        if review.first_verdict
        else ""
    )
    return first + (
        " · revised after seeing the other reviews" if review.revised_after_seen else ""
    )


def _review(review: ReviewItem) -> str:
    who = md_text(review.reviewer, single_line=True)
    parts = [
        f"**{who}**: {common.verdict_label(review.verdict)} · "
        f"{common.display_time(review.updated_at)}" + _revision(review),
        md_note(review.note),
    ]
    if review.links:
        parts.append("Evidence:\n\n" + "\n".join(_evidence(link, review) for link in review.links))
    return "\n\n".join(p for p in parts if p)


def _evidence(link: EvidenceItem, review: ReviewItem) -> str:
    line = f"- {md_link(link.url, link.title)} ({md_text(link.stance, single_line=True)})"
    if review.contradicts(link):
        line += f" **⚠ {link.stance} a {review.verdict} verdict**"
    if link.archived_url:
        line += f" · archived copy: {md_link(link.archived_url)}"
    if link.excerpt:
        line += "\n" + md_quote(link.excerpt, indent="  ")
    return line


def _audit(report: Report) -> str:
    last = f"`{report.last_event_hash}`" if report.last_event_hash else "none recorded"
    head = (
        f"seq {report.chain_head_seq}, `{report.chain_head_hash}`"
        if report.chain_head_hash
        else "empty trail"
    )
    text = f"## Audit digest\n\n- **Article’s last event:** {last}\n- **Chain head:** {head}"
    if report.chain_head_hash:
        command = common.VERIFY_COMMAND.format(head=report.chain_head_hash)
        text += (
            f"\n\nTo check this report against the audit trail, run `{command}` on the "
            "desk’s server. It recomputes every hash and fails if an event was altered "
            "or if the trail no longer reaches this head."
        )
    return text
