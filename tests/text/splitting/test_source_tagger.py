"""The learned source tagger (source_tagger.py), its training (train_attribution.py) and
how the engine uses it."""

from __future__ import annotations

import json

from factcheck.text.splitting import SPEAKER_UNCLEAR, analyze
from factcheck.text.splitting import source_tagger as st
from factcheck.text.splitting import train_attribution as tr

OFFICIALS = "Federal and state officials said the two men raised $350 million."


def test_the_shipped_model_loads_from_the_package_and_is_small():
    assert st.MODEL_PATH.exists()
    assert st.MODEL_PATH.stat().st_size < 10 * 1024 * 1024
    tagger = st.load()
    assert tagger is not None and len(tagger.weights) > 1000
    assert {"said", "told", "according"} <= tagger.cues  # the lexicon's and the learned


def test_the_tagger_finds_the_source_of_x_said():
    phrase, score, at = st.load().source(OFFICIALS)
    assert (phrase, at) == ("Federal and state officials", 0) and score > 0
    assert st.load().source("The plan would fail, Smith said.")[0] == "Smith"


def test_a_sentence_without_a_cue_word_is_not_tagged():
    assert st.load().source("The bridge carries 41,000 vehicles a day.") is None


def test_the_engine_takes_the_tagger_where_the_rules_find_nobody():
    rules = analyze(OFFICIALS, learned=False).claims[0]
    [claim] = analyze(OFFICIALS).claims
    assert rules.speaker is None  # the rules miss a subject joined by "and"
    assert claim.speaker == "Federal and state officials"
    assert claim.speaker_type == "unnamed"
    assert 0.5 <= claim.speaker_confidence <= 0.8  # less sure than a quotation's speaker


def test_a_low_score_shows_as_speaker_unclear():
    from factcheck.text.splitting import speakers

    assert speakers._TAGGED_LOW < SPEAKER_UNCLEAR < speakers._TAGGED_HIGH


def test_narration_gets_no_speaker_though_polnear_would_give_one():
    text = "The City Council voted 7-2 on Tuesday to replace the bridge."
    assert st.load().source(text)[0] == "The City Council"  # PolNeAR's reading of "voted"
    assert analyze(text).claims[0].speaker is None  # the desk's: narration


def test_the_rules_keep_their_rejections():
    for text in (
        "The mayor said nothing about the bridge.",
        "The ballots were sorted according to the rules.",
        "Walter Reed ended its contract and told us that he was not a patient.",
        "Has the Food and Drug Administration announced that vaccines cause autism?",
    ):
        assert analyze(text).claims[0].speaker is None, text


def test_a_pronoun_the_tagger_finds_resolves_as_the_rules_do(monkeypatch):
    class Stub:
        def source(self, text):
            return ("she", 50.0, text.index("she")) if "she" in text else None

    monkeypatch.setattr(st, "load", lambda: Stub())
    body = "Ann Lee runs the county board. Both she and federal officials said the vote would wait."
    assert analyze(body, learned=False).claims[1].speaker is None
    assert [c.speaker for c in analyze(body).claims] == [None, "Ann Lee"]


def test_the_fast_path_scores_as_the_training_features_do():
    tagger = st.load()
    for text in (OFFICIALS, "“We will win,” said Ann Lee, the mayor, according to aides."):
        words = [t[0] for t in st.tokenize(text)]
        fast = tagger.fast_emissions(words)
        slow = [tagger.emissions(f) for f in st.sentence_features(words, tagger.cues)]
        assert all(
            abs(a - b) < 1e-9
            for x, y in zip(fast, slow, strict=True)
            for a, b in zip(x, y, strict=True)
        )


# ---------------------------------------------------------------- training
def _corpus(root):
    """A tiny PolNeAR-shaped train split: text, CoreNLP sentences, brat attributions."""
    split = root / "polnear" / "train"
    for sub in ("text", "sentences", "attributions"):
        (split / sub).mkdir(parents=True)
    names = ["Ann Lee", "Tom Reyes", "Officials", "The mayor", "Police"]
    for n, name in enumerate(names):
        sents, anns, text = [], [], ""
        for k, verb in enumerate(("said", "told reporters", "added")):
            s = f"{name} {verb} the bridge would close in {2020 + k}. "
            start = len(text)
            text += s
            sents.append([start, start + len(s) - 1])
            src = (start, start + len(name))
            cue = (src[1] + 1, src[1] + 1 + len(verb))
            content = (cue[1] + 1, start + len(s) - 2)
            t = 4 * k
            anns += [
                f"T{t + 1}\tSource {src[0]} {src[1]}\t{text[src[0] : src[1]]}",
                f"T{t + 2}\tCue {cue[0]} {cue[1]}\t{text[cue[0] : cue[1]]}",
                f"T{t + 3}\tContent {content[0]} {content[1]}\t{text[content[0] : content[1]]}",
                f"E{k + 1}\tAttribution:T{t + 2} Content:T{t + 3} Cue:T{t + 2} Source:T{t + 1}",
            ]
        text += "The bridge was built in 1938."
        sents.append([len(text) - 29, len(text)])
        (split / "text" / f"a{n}.txt").write_text(text, encoding="utf-8")
        (split / "sentences" / f"a{n}.json").write_text(json.dumps(sents), encoding="utf-8")
        (split / "attributions" / f"a{n}_abcd.ann").write_text("\n".join(anns), encoding="utf-8")


def test_training_is_deterministic_and_learns_a_tiny_corpus(tmp_path):
    _corpus(tmp_path)
    first = tr.build(tmp_path, epochs=3)
    assert tr.build(tmp_path, epochs=3) == first
    tr.save(first, tmp_path / "a.json.gz")
    tr.save(tr.build(tmp_path, epochs=3), tmp_path / "b.json.gz")
    assert (tmp_path / "a.json.gz").read_bytes() == (tmp_path / "b.json.gz").read_bytes()
    tagger = st.load.__wrapped__(tmp_path / "a.json.gz")
    assert tagger.source("Ann Lee said the road would open in 2030.")[0] == "Ann Lee"
    assert first["trained_on"] == "PolNeAR train"


def test_a_sentence_is_labelled_with_the_source_of_its_main_attribution():
    text = "Officials said the bridge would close."
    atts = [{"source": [(0, 9)], "cue": [(10, 14)], "content": [(15, 37)]}]
    words, tags = tr.labelled(text, (0, len(text)), atts)
    assert list(zip(words, tags, strict=True))[:3] == [
        ("Officials", "B"),
        ("said", "O"),
        ("the", "O"),
    ]
    # a source outside the sentence (a continued account) labels nothing
    words, tags = tr.labelled(
        "It would close.", (0, 15), [{"source": [(40, 49)], "cue": [], "content": [(0, 14)]}]
    )
    assert set(tags) == {"O"}
