"""The text diff between two versions of an article's body. Pure: no Flask, no database.

Coarse to fine, so a 2 MB body stays near linear: `difflib` first matches paragraphs
(lines); only the paragraphs that changed are matched again by sentence, and only the
sentences that changed by word. The word-level work is capped (`WORD_BUDGET` tokens in
all): past it a changed block is shown as whole deleted and inserted paragraphs and the
diff says it is `coarse`. Long runs of unchanged paragraphs are folded (`CONTEXT` kept on
each side of a change).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

CONTEXT = 1  # unchanged paragraphs shown on each side of a change
WORD_BUDGET = 200_000  # tokens matched word by word, in all, before falling back to paragraphs
BLOCK_WORDS = 20_000  # tokens of one changed run of sentences past which it is shown whole
SIMILAR = 0.5  # share of words two sentences keep to be shown word by word
PAIR_WINDOW = 8  # new sentences looked at for the match of an old one
SENTENCE_CHARS = 4_000_000  # a changed run of paragraphs matched sentence by sentence

_PARAGRAPH = re.compile(r"[^\n]*\n+|[^\n]+$")  # a line with the blank lines after it
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+[\"'”’)\]]*|\n+|$)\s*")
_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Piece:
    op: str  # "eq" | "del" | "ins"
    text: str


@dataclass
class Block:
    kind: str  # "equal" | "change" | "fold" (unchanged paragraphs left out)
    pieces: list[Piece] = field(default_factory=list)
    folded: int = 0  # paragraphs left out, for a fold


@dataclass
class TextDiff:
    blocks: list[Block]
    inserted: int = 0  # words
    deleted: int = 0
    changed_paragraphs: int = 0
    coarse: bool = False  # some change too large to match word by word: shown whole

    @property
    def identical(self) -> bool:
        return not self.changed_paragraphs


def paragraphs(text: str) -> list[str]:
    """The body's lines, each with the newlines after it (joined back they are the text)."""
    return [m.group(0) for m in _PARAGRAPH.finditer(text) if m.group(0)]


def sentences(text: str) -> list[str]:
    """Sentences with their trailing space (joined back they are the text)."""
    out = [m.group(0) for m in _SENTENCE.finditer(text) if m.group(0)]
    return out if "".join(out) == text else [text]


def tokens(text: str) -> list[str]:
    """Words, runs of space and single punctuation marks (joined back they are the text)."""
    return _TOKEN.findall(text)


def _words(pieces: list[str]) -> int:
    return sum(1 for p in pieces for t in _TOKEN.findall(p) if not t.isspace())


def _opcodes(a: list[str], b: list[str]):
    return SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


class _Budget:
    def __init__(self, words: int) -> None:
        self.left = words
        self.spent_out = False

    def take(self, n: int) -> bool:
        if n > BLOCK_WORDS or n > self.left:
            self.spent_out = True
            return False
        self.left -= n
        return True


def _merge(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for p in pieces:
        if not p.text:
            continue
        if out and out[-1].op == p.op:
            out[-1] = Piece(p.op, out[-1].text + p.text)
        else:
            out.append(p)
    return out


def _word_diff(old: str, new: str) -> list[Piece]:
    """Word by word when the two are mostly the same words; else the old out, the new in."""
    a, b = tokens(old), tokens(new)
    codes = _opcodes(a, b)
    same = sum(1 for tag, i1, i2, _j1, _j2 in codes if tag == "equal"
               for t in a[i1:i2] if not t.isspace())  # fmt: skip
    words = max(sum(1 for t in a if not t.isspace()), sum(1 for t in b if not t.isspace()), 1)
    if same / words < SIMILAR:
        return [Piece("del", old), Piece("ins", new)]
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal":
            pieces.append(Piece("eq", "".join(a[i1:i2])))
        else:
            pieces.append(Piece("del", "".join(a[i1:i2])))
            pieces.append(Piece("ins", "".join(b[j1:j2])))
    return pieces


def _overlap(a: str, b: str) -> float:
    """Share of words two sentences have in common (a cheap test before matching them)."""
    wa, wb = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return len(wa & wb) / max(len(wa), len(wb), 1)


def _pair(gone: list[str], come: list[str], budget: _Budget) -> list[Piece]:
    """Changed sentences, in order: each old one word by word against the next similar new one
    (within `PAIR_WINDOW`), the others deleted or inserted whole."""
    pieces: list[Piece] = []
    j = 0
    for old in gone:
        k = next((k for k in range(j, min(j + PAIR_WINDOW, len(come)))
                  if _overlap(old, come[k]) >= SIMILAR), None)  # fmt: skip
        if k is None:
            pieces.append(Piece("del", old))
            continue
        pieces.extend(Piece("ins", s) for s in come[j:k])
        if budget.take(len(tokens(old)) + len(tokens(come[k]))):
            pieces.extend(_word_diff(old, come[k]))
        else:
            pieces.extend((Piece("del", old), Piece("ins", come[k])))
        j = k + 1
    pieces.extend(Piece("ins", s) for s in come[j:])
    return pieces


def _sentence_diff(old: str, new: str, budget: _Budget) -> list[Piece]:
    a, b = sentences(old), sentences(new)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            pieces.append(Piece("eq", "".join(a[i1:i2])))
        elif tag == "replace":
            pieces.extend(_pair(a[i1:i2], b[j1:j2], budget))
        else:
            pieces.extend((Piece("del", "".join(a[i1:i2])), Piece("ins", "".join(b[j1:j2]))))
    return pieces


def diff_words(old: str, new: str) -> list[Piece]:
    """Two short texts (a claim before and after) word by word, or whole when unlike."""
    return _merge(_word_diff(old, new))


def diff_texts(old: str, new: str, *, word_budget: int | None = None) -> TextDiff:
    """The diff of two bodies as blocks of pieces; joined, a block's "eq" and "del" pieces
    are its old text and its "eq" and "ins" pieces its new text."""
    a, b = paragraphs(old), paragraphs(new)
    budget = _Budget(WORD_BUDGET if word_budget is None else word_budget)
    diff = TextDiff(blocks=[])
    codes = _opcodes(a, b)
    for n, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag == "equal":
            run = a[i1:i2]
            head = run[:CONTEXT] if n > 0 else []
            tail = run[-CONTEXT:] if n < len(codes) - 1 else []
            if len(run) <= len(head) + len(tail) + 1:
                diff.blocks.append(Block("equal", [Piece("eq", "".join(run))]))
                continue
            if head:
                diff.blocks.append(Block("equal", [Piece("eq", "".join(head))]))
            diff.blocks.append(Block("fold", folded=len(run) - len(head) - len(tail)))
            if tail:
                diff.blocks.append(Block("equal", [Piece("eq", "".join(tail))]))
            continue
        gone, come = a[i1:i2], b[j1:j2]
        diff.changed_paragraphs += max(len(gone), len(come))
        diff.deleted += _words(gone) if tag != "replace" else 0
        diff.inserted += _words(come) if tag != "replace" else 0
        if tag == "replace" and sum(map(len, gone)) + sum(map(len, come)) <= SENTENCE_CHARS:
            pieces = _sentence_diff("".join(gone), "".join(come), budget)
        else:
            pieces = [Piece("del", "".join(gone)), Piece("ins", "".join(come))]
        pieces = _merge(pieces)
        if tag == "replace":
            diff.deleted += _words([p.text for p in pieces if p.op == "del"])
            diff.inserted += _words([p.text for p in pieces if p.op == "ins"])
        diff.blocks.append(Block("change", pieces))
    diff.coarse = budget.spent_out
    return diff
