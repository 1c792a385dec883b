"""Re-anchoring claims to a corrected version of an article's body. Pure: no database.

Each old claim is looked for in the new body by its quote and the text around it, not
only by offset: the exact quote (nearest the place its context points to), else the
most similar sentence of the new split nearby, else it is orphaned. New sentences that
no old claim maps onto become new claims.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

CONTEXT = 40  # characters of context on each side used to place a quote
EDIT_THRESHOLD = 70.0  # rapidfuzz ratio for "the same sentence, edited"
WINDOW = 12  # new sentences considered on each side of the expected place


@dataclass(frozen=True)
class OldClaim:
    id: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Anchor:
    claim_id: int
    kind: str  # unchanged | moved | edited | orphaned
    start: int | None = None  # the new span (None for orphans)
    end: int | None = None
    score: float = 100.0


def _expected(old_body: str, new_body: str, c: OldClaim) -> int:
    """Where the claim should be in the new body, from its left context (else by proportion)."""
    prefix = old_body[max(0, c.start - CONTEXT) : c.start]
    if prefix.strip():
        hits = _occurrences(new_body, prefix)
        if hits:
            guess = round(c.start * len(new_body) / max(len(old_body), 1))
            best = min(hits, key=lambda h: abs(h - guess))
            return best + len(prefix)
    return round(c.start * len(new_body) / max(len(old_body), 1))


def _occurrences(text: str, needle: str, limit: int = 50) -> list[int]:
    out, i = [], text.find(needle)
    while i != -1 and len(out) < limit:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def reanchor(
    old_body: str, new_body: str, claims: list[OldClaim], sentences: list[tuple[int, int]]
) -> tuple[list[Anchor], list[tuple[int, int]]]:
    """Anchor each old claim in the new body; return the anchors and the new spans left over.

    `sentences` is the new body's split ([start, end) spans, ordered), used for edited
    claims and for the claims to add.
    """
    taken: list[tuple[int, int]] = []
    anchors: list[Anchor] = []
    pending: list[tuple[OldClaim, int]] = []
    for c in claims:  # exact quotes first: they are certain
        expected = _expected(old_body, new_body, c)
        hits = [
            h for h in _occurrences(new_body, c.text) if not _overlaps(taken, h, h + len(c.text))
        ]
        if hits:
            start = min(hits, key=lambda h: abs(h - expected))
            kind = "unchanged" if start == c.start else "moved"  # same text; same place or not
            anchors.append(Anchor(c.id, kind, start, start + len(c.text)))
            taken.append((start, start + len(c.text)))
        else:
            pending.append((c, expected))
    starts = [s for s, _ in sentences]
    for c, expected in pending:  # then edited ones: the most similar free sentence nearby
        i = bisect_left(starts, expected)
        best, best_score = None, 0.0
        for s, e in sentences[max(0, i - WINDOW) : i + WINDOW]:
            if _overlaps(taken, s, e):
                continue
            score = _ratio(c.text, new_body[s:e])
            if score > best_score or (
                score == best_score and best and abs(s - expected) < abs(best[0] - expected)
            ):
                best, best_score = (s, e), score
        if best and best_score >= EDIT_THRESHOLD:
            anchors.append(Anchor(c.id, "edited", best[0], best[1], round(best_score, 1)))
            taken.append(best)
        else:
            anchors.append(Anchor(c.id, "orphaned", score=round(best_score, 1)))
    leftovers = [(s, e) for s, e in sentences if not _overlaps(taken, s, e)]
    order = {c.id: n for n, c in enumerate(claims)}
    anchors.sort(key=lambda a: order[a.claim_id])
    return anchors, leftovers


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _ratio(a: str, b: str) -> float:
    """rapidfuzz's ratio, imported on first use: a web worker that never re-anchors a
    corrected article does not carry it (about 4 MiB)."""
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b)
