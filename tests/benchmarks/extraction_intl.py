"""Loaders of bench_extraction.py for Spanish, French, German and Portuguese treebanks.

UD_Spanish-GSD, UD_French-GSD and UD_German-GSD carry neither ``# newdoc`` nor
``# newpar`` (their sentences come from many web pages, one or a few each), so their
documents are rebuilt from consecutive sentences in file order: a paragraph every
PARAGRAPH sentences, a document every DOCUMENT paragraphs, sentences joined by a space
(none after SpaceAfter=No), paragraphs by a blank line. UD_Portuguese-Bosque has
``# newdoc_id`` (news articles of CETENFolha and CETEMPúblico) but no ``# newpar``: each
document is one paragraph, as the English loader does for a document without newpar.
In both, a sentence without terminal punctuation (a headline, an intertitle, a review's
title, a byline) ends its line: it is followed by a line break, not a space, as it stood
on its page (GUM marks such lines with newpar). Gold claims are the UD sentences. extraction_prepare.py copies the files into
FACTCHECK_BENCH_DATA/ud/LANG/.
"""

from __future__ import annotations

import pathlib

from extraction_data import bench_data_dir, conllu_sentences, ud_gold

TREEBANKS = {
    "es": ("UniversalDependencies/UD_Spanish-GSD", "es_gsd-ud"),
    "fr": ("UniversalDependencies/UD_French-GSD", "fr_gsd-ud"),
    "de": ("UniversalDependencies/UD_German-GSD", "de_gsd-ud"),
    "pt": ("UniversalDependencies/UD_Portuguese-Bosque", "pt_bosque-ud"),
}
PARAGRAPH, DOCUMENT = 5, 4
TERMINAL = tuple(".!?…:;")
CLOSERS = "\"'”’»)]"


def joiner(prev: str, new_par: bool, no_space: bool) -> str:
    """What goes between two sentences: a paragraph break, a line break after an
    unpunctuated line, nothing after SpaceAfter=No, else a space."""
    if new_par:
        return "\n\n"
    if not prev.rstrip(CLOSERS).endswith(TERMINAL):
        return "\n"
    return "" if no_space else " "


def documents(path: pathlib.Path) -> dict:
    """Documents by newdoc (one paragraph each unless newpar says otherwise)."""
    docs, parts, spans, name, no_space, at, prev = {}, [], [], None, False, 0, ""
    for doc, par, text, space_after_no in conllu_sentences(path):
        if doc is not None:
            if name:
                docs[name] = ud_gold("".join(parts), spans)
            name, parts, spans, at = doc, [], [], 0
        elif parts:
            parts.append(joiner(prev, par, no_space))
            at += len(parts[-1])
        parts.append(text)
        spans.append((at, at + len(text)))
        at, no_space, prev = at + len(text), space_after_no, text
    if name:
        docs[name] = ud_gold("".join(parts), spans)
    return docs


def chunked_documents(path: pathlib.Path) -> dict:
    """Documents of DOCUMENT paragraphs of PARAGRAPH consecutive sentences each."""
    docs, parts, spans, at, no_space, prev = {}, [], [], 0, False, ""
    per_doc = PARAGRAPH * DOCUMENT
    for n, (_doc, _par, text, space_after_no) in enumerate(conllu_sentences(path)):
        if n % per_doc == 0 and parts:
            docs[f"{path.stem}-{n // per_doc:04d}"] = ud_gold("".join(parts), spans)
            parts, spans, at = [], [], 0
        if parts:
            parts.append(joiner(prev, n % PARAGRAPH == 0, no_space))
            at += len(parts[-1])
        parts.append(text)
        spans.append((at, at + len(text)))
        at, no_space, prev = at + len(text), space_after_no, text
    if parts:
        docs[f"{path.stem}-{len(docs) + 1:04d}"] = ud_gold("".join(parts), spans)
    return docs


def load_intl(lang: str, splits: tuple[str, ...]) -> dict | None:
    """Documents of the splits present (the mirrors hold no train file: dev alone then)."""
    folder = bench_data_dir() / "ud" / lang
    prefix = TREEBANKS[lang][1]
    paths = [folder / f"{prefix}-{s}.conllu" for s in splits]
    paths = [p for p in paths if p.exists()]
    if not paths:
        return None
    docs = {}
    for p in paths:
        has_docs = any(doc is not None for doc, *_ in conllu_sentences(p))
        docs.update(documents(p) if has_docs else chunked_documents(p))
    return docs
