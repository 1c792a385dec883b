"""Result types of the splitting engine: frozen dataclasses with character offsets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClaimSpan:
    """One claim: body[start:end] == text, always."""

    start: int
    end: int
    text: str
    speaker: str | None
    is_quote: bool
    checkworthiness: float
    reasons: tuple[str, ...]
    # person | organization | document | unnamed, or None with no speaker
    speaker_type: str | None = None
    # how sure the engine is of the speaker, 0..1 (None with no speaker): below
    # SPEAKER_UNCLEAR the desk is asked to confirm it
    speaker_confidence: float | None = None


SPEAKER_UNCLEAR = 0.7  # below this a speaker is shown as "speaker unclear"


@dataclass(frozen=True)
class Boilerplate:
    """A span of page furniture that is not a claim."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class ArticleMeta:
    """Metadata found in the article's furniture."""

    title: str | None = None
    publisher: str | None = None
    original_publisher: str | None = None
    byline: str | None = None
    published_at: str | None = None
    dateline: str | None = None
    captions: tuple[str, ...] = ()


@dataclass(frozen=True)
class SplitResult:
    """Claims, boilerplate and metadata of one article body."""

    claims: tuple[ClaimSpan, ...]
    boilerplate: tuple[Boilerplate, ...]
    meta: ArticleMeta
