"""The vocabulary's labels (status, verdict, …) are built once and still shown in each
request's language."""

from __future__ import annotations

from flask_babel import force_locale

from factcheck.web import i18n


def test_labels_follow_the_language_after_the_vocabulary_is_built(app):
    shown = {}
    with app.test_request_context("/"):
        for locale in ("es", "fr", "en", "es"):
            with force_locale(locale):
                shown.setdefault(locale, set()).add(
                    (i18n.label("status", "approved"), i18n.label("verdict", "disputed"))
                )
    assert {len(v) for v in shown.values()} == {1}  # the same words each time
    words = {locale: next(iter(v)) for locale, v in shown.items()}
    assert words["en"] == ("approved", "Disputed")
    assert words["es"] != words["en"] and words["fr"] != words["en"] != words["es"]
    assert i18n.label("status", None) == "" and i18n._vocabulary() is i18n._vocabulary()
