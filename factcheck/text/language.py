"""The language of an article: the desk's five languages, detected with lingua.

lingua (``lingua-language-detector``) ships its n-gram models inside the wheel, so
detection never downloads anything. The detector is restricted to the desk's languages
and built in low-accuracy mode (trigram models only: about 20 MiB resident instead of
hundreds) the first time it is needed, once per process. On the UD test sentences it is
right ≥ 0.93 of the time, on paragraphs ~1.0 (tests/benchmarks/bench_language.py).
"""

from __future__ import annotations

import threading

LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "pt": "Portuguese",
}
DEFAULT = "en"
_SAMPLE = 6000  # characters read: enough for a clear answer, cheap on a 2 MB body
_lock = threading.Lock()
_detector = None


def check_language(code) -> str | None:
    """The normalised code when the desk supports it ("ES" -> "es"), else None."""
    if not isinstance(code, str):
        return None
    code = code.strip().lower().replace("_", "-").split("-", 1)[0]
    return code if code in LANGUAGES else None


def _build():
    global _detector
    with _lock:
        if _detector is None:
            from lingua import Language, LanguageDetectorBuilder

            langs = [Language.ENGLISH, Language.SPANISH, Language.FRENCH, Language.GERMAN,
                     Language.PORTUGUESE]  # fmt: skip
            _detector = (
                LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()
            )
    return _detector


def warm() -> None:
    """Build the detector and load its models now (a preloading server's master, before
    it forks: the models live outside Python's heap and are only read, so every worker
    shares one copy). lingua loads a language's models the first time it scores that
    language: one short text loads all five."""
    _build().detect_language_of("The desk checks what was said. Se dijo que les prix ont steigt.")


def detect_language(text: str, *, default: str = DEFAULT) -> str:
    """The ISO 639-1 code of the text's language among LANGUAGES; `default` when unsure."""
    sample = (text or "")[:_SAMPLE]
    if sum(ch.isalpha() for ch in sample) < 3:
        return default
    found = (_detector or _build()).detect_language_of(sample)
    if found is None:
        return default
    return found.iso_code_639_1.name.lower()
