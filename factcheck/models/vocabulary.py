"""Verdicts: the words a review and a final verdict use (a claim's and an article's status
live with their transitions, in transitions.py)."""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"
    DISPUTED = "disputed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# Google's guidance for ClaimReview's claimReviewed: under 75 characters, so a phone shows it
# unwrapped. The statement is what goes out; the lead shortens it in the claim's edit form.
CLAIM_REVIEWED_GUIDE = 75

# A link that argues against its own review's verdict: flagged in the panel and the report.
_AGAINST = {"confirmed": "contradicts", "disputed": "supports"}


def stance_contradicts(verdict: str | None, stance: str | None) -> bool:
    """True when an evidence link's stance contradicts the verdict of the review citing it
    (a "contradicts" link on a confirmed review, a "supports" one on a disputed review)."""
    return verdict is not None and stance is not None and _AGAINST.get(str(verdict)) == str(stance)
