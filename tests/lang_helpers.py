"""Shared helpers of the per-language engine tests."""

from __future__ import annotations

from factcheck.text.splitting import analyze, score_checkworthiness


def sentences(text: str, language: str) -> list[str]:
    return [c.text for c in analyze(text, language).claims]


def speakers(text: str, language: str) -> list[str | None]:
    return [c.speaker for c in analyze(text, language).claims]


def furniture(text: str, language: str) -> list[tuple[str, str]]:
    result = analyze(text, language)
    return [(b.kind, text[b.start : b.end]) for b in result.boilerplate]


def reasons(text: str, language: str) -> tuple[str, ...]:
    return score_checkworthiness(text, language)[1]
