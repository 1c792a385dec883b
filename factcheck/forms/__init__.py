"""WTForms classes: the shape of web input only. Services decide what is valid."""

from __future__ import annotations

from factcheck.errors import FactcheckError


def translated(choices: dict):
    """Choices whose labels are lazy translations, resolved when the form is built (in the
    request's language: WTForms wants plain strings)."""
    return lambda: {value: str(label) for value, label in choices.items()}


def apply_errors(form, exc: FactcheckError) -> None:
    """Show a service's field errors next to the form's fields (the rest as form errors)."""
    from factcheck.web.i18n import say

    placed = False
    for key, message in (exc.errors or {}).items():
        name = key.split(".")[0].split("[")[0]
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), say(message)]
            placed = True
    if not placed:
        form.form_errors.append(say(exc.detail))
