"""PolNeAR speakers scored per gold sentence, whatever the predicted boundaries.

Each gold sentence takes the speaker of the predicted claim that covers most of its
characters; a speaker is right with the shared scorer's rule (token-overlap F1 >= 0.5).
"Named sources with a reporting cue" is the part of PolNeAR the desk's convention
attributes as PolNeAR does: a named source (a pronoun PolNeAR keeps, the desk resolves)
and a cue of saying, telling, writing, adding, asking, "according to" or a colon/dash
(PolNeAR's other cues, "believes", "wants", "pushes", "polls show", are mostly
thoughts and actions the desk leaves unattributed).
"""

from __future__ import annotations

import re
from collections import defaultdict

import extraction_data as data

S = data.load_scorer()
PRONOUNS = {"he", "she", "they", "we", "i", "you", "it", "him", "her", "them", "us"}
CUE_GROUPS = [
    ("say", r"\bsa(id|ys?|ying)\b"),
    ("tell", r"\bt(old|ells?)\b"),
    ("according to", r"according to"),
    ("write / tweet", r"\b(wr(ote|ites?|itten)|tweet(ed|s)?)\b"),
    ("add", r"\badd(ed|s)?\b"),
    ("ask", r"\bask(ed|s)?\b"),
    ("colon or dash", r"^\W*$"),
]


def covering(claims: list[dict], sentences: list[dict]) -> list[dict | None]:
    """For each gold sentence, the predicted claim that covers most of it (sweep)."""
    out, i = [], 0
    for s in sentences:
        while i < len(claims) and claims[i]["end"] <= s["start"]:
            i += 1
        best, most, j = None, 0, i
        while j < len(claims) and claims[j]["start"] < s["end"]:
            o = data.overlap((s["start"], s["end"]), (claims[j]["start"], claims[j]["end"]))
            if o > most:
                best, most = claims[j], o
            j += 1
        out.append(best)
    return out


def cue_group(cue: str) -> str:
    """A coarse type of an attribution cue."""
    cue = cue.lower().strip()
    return next((name for name, rx in CUE_GROUPS if re.search(rx, cue)), "other")


def speaker_ok(predicted: str | None, c: dict) -> bool:
    """Token-overlap F1 >= 0.5 with the gold source or another overlapping one."""
    cands = [c["speaker"], *c.get("speaker_aliases", [])]
    return bool(predicted) and max(S.overlap_f1(predicted, x) for x in cands) >= 0.5


def sentence_speakers(gold: dict, out: dict) -> dict:
    """[sentences, hits] per kind: attributed (and its subsets by source, cue and share
    of content), null (hits = invented speakers); no-source attributions left out."""
    tally = defaultdict(lambda: [0, 0])
    for name, g in gold.items():
        claims = sorted(
            (it for it in out[name] if not it["boilerplate"] and it["end"] > it["start"]),
            key=lambda it: it["start"],
        )
        for c, p in zip(g["claims"], covering(claims, g["claims"]), strict=True):
            predicted = p["speaker"] if p else None
            if c.get("no_source"):
                continue
            if not c["speaker"]:
                tally["null"][0] += 1
                tally["null"][1] += bool(predicted)
                continue
            ok = speaker_ok(predicted, c)
            named = "pronoun" if c["speaker"].lower() in PRONOUNS else "named"
            group = cue_group(c["cue"])
            keys = ["attributed", f"source {named}", f"cue {group}"]
            if named == "named" and group != "other":
                keys.append("named reporting")  # what the desk's convention attributes
            for key in keys + (["mostly content"] if c["content_share"] >= 0.5 else []):
                tally[key][0] += 1
                tally[key][1] += ok
    return tally


def rate(t: list[int]) -> float | None:
    """hits / n, or None for an empty tally."""
    return t[1] / t[0] if t[0] else None


def polnear_metrics(gold: dict, out: dict) -> dict:
    """Speaker accuracy over attributed sentences; invented speakers on the rest."""
    t = sentence_speakers(gold, out)
    res = {
        "docs": len(gold),
        "gold claims": sum(len(g["claims"]) for g in gold.values()),
        "attributed sentences": t["attributed"][0],
        "boundary F1 vs CoreNLP (automatic)": S.score_articles(gold, out)["boundary"]["f1"],
        "speaker accuracy": rate(t["attributed"]),
        "speaker accuracy, named sources": rate(t["source named"]),
        "speaker accuracy, pronoun sources": rate(t["source pronoun"]),
        "speaker accuracy, named sources with a reporting cue": rate(t["named reporting"]),
        "speaker accuracy, content >= half the sentence": rate(t["mostly content"]),
        "invented-speaker rate": rate(t["null"]),
    }
    cues = {k: v for k, v in t.items() if k.startswith("cue ")}
    res["by cue"] = {k[4:]: {"n": v[0], "accuracy": rate(v)} for k, v in sorted(cues.items())}
    return res
