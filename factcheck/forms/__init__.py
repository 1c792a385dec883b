"""WTForms classes: the shape of web input only. Services decide what is valid."""

from __future__ import annotations


def translated(choices: dict):
    """Choices whose labels are lazy translations, resolved when the form is built (in the
    request's language: WTForms wants plain strings)."""
    return lambda: {value: str(label) for value, label in choices.items()}
