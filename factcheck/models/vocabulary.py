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
