"""WTForms classes: the shape of web input only. Services decide what is valid."""

from __future__ import annotations

from factcheck.errors import FactcheckError


def apply_errors(form, exc: FactcheckError) -> None:
    """Show a service's field errors next to the form's fields (the rest as form errors)."""
    placed = False
    for key, message in (exc.errors or {}).items():
        name = key.split(".")[0].split("[")[0]
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), f"{message}"]
            placed = True
    if not placed:
        form.form_errors.append(exc.detail)
