"""Previously-checked lookup among N approved claims (PRODUCT.md §8: p95 < 50 ms at 100,000).

    .venv/bin/python tests/benchmarks/bench_similar.py [--claims 100000] [--lookups 200]
    FACTCHECK_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_similar .venv/bin/python tests/benchmarks/bench_similar.py

Builds a scratch database (a temporary SQLite file, or the PostgreSQL database given,
which it wipes), fills it with synthetic approved claims in bulk, then times lookups
for claims phrased like some of them. Prints a table.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.models import Article, Claim, User, utcnow  # noqa: E402
from factcheck.services.similar import similar_claims  # noqa: E402
from factcheck.settings import normalise_database_url  # noqa: E402

SUBJECTS = [
    "The ministry",
    "The mayor",
    "Police",
    "The central bank",
    "The company",
    "Officials",
    "The council",
    "Researchers",
    "The agency",
    "The governor",
    "Prosecutors",
    "The union",
    "Doctors",
    "The army",
]
VERBS = [
    "spent",
    "reported",
    "estimated",
    "confirmed",
    "denied",
    "announced",
    "recorded",
    "seized",
    "closed",
    "opened",
]
OBJECTS = [
    "new buses",
    "hospital beds",
    "school meals",
    "fishing licences",
    "bridge repairs",
    "vaccine doses",
    "tax refunds",
    "border crossings",
    "power plants",
    "housing permits",
    "passports",
    "factory jobs",
]
PLACES = [
    "in Lagos",
    "in Ohio",
    "in Pyongyang",
    "in Vladivostok",
    "in Lyon",
    "in Manila",
    "in Quito",
    "in Perth",
]


SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ran",
    "tes",
    "vo",
    "bur",
    "gen",
    "shi",
    "tal",
    "dor",
    "ne",
    "qu",
    "zan",
    "pel",
    "rio",
]


def _names(rng: random.Random, n: int) -> list[str]:
    """Made-up proper names, so the vocabulary is as varied as a real archive's."""
    return [
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        for _ in range(n)
    ]


def vocabulary(rng: random.Random) -> dict[str, list[str]]:
    return {"place": [f"in {p}" for p in _names(rng, 3000)] + PLACES,
            "org": [f"The {o} {k}" for o in _names(rng, 600) for k in ("ministry", "council", "company")] + SUBJECTS,
            "thing": OBJECTS + [f"{t} permits" for t in _names(rng, 400)]}  # fmt: skip


def sentence(rng: random.Random, vocab: dict[str, list[str]]) -> str:
    return (f"{rng.choice(vocab['org'])} {rng.choice(VERBS)} {rng.randint(2, 950)} {rng.choice(vocab['thing'])} "
            f"{rng.choice(vocab['place'])} in {rng.randint(1995, 2026)}, "
            f"{rng.choice(['officials said', 'a report found', 'records show'])}.")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--lookups", type=int, default=200)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-similar-")
    url = os.environ.get("FACTCHECK_DATABASE_URL")
    if url:
        from sqlalchemy import create_engine

        engine = create_engine(normalise_database_url(url))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp}/bench.db"
    os.environ["FACTCHECK_INSTANCE_PATH"] = tmp
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "SECRET_KEY": "bench"}
    )
    rng = random.Random(7)
    vocab = vocabulary(rng)
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parents[2] / "migrations"))
        s = db.session
        lead = User(email="lead@bench", display_name="Lead", role="lead", password_hash="x")
        s.add(lead)
        s.flush()
        t0 = time.perf_counter()
        per_article, now = 500, utcnow()
        texts = []
        for a in range(args.claims // per_article):
            body_parts = [sentence(rng, vocab) for _ in range(per_article)]
            texts.extend(body_parts)
            body = " ".join(body_parts)
            art = Article(title=f"Bench {a}", raw_input=body, input_kind="text", body=body, status="approved",
                          created_by_id=lead.id, boilerplate=[])  # fmt: skip
            s.add(art)
            s.flush()
            rows, pos = [], 0
            for part in body_parts:
                rows.append({"article_id": art.id, "start": pos, "end": pos + len(part), "text": part, "status": "approved",
                             "final_verdict": rng.choice(["confirmed", "unconfirmed", "disputed"]),
                             "approved_by_id": lead.id, "approved_at": now, "reasons": [], "checkworthiness": 0.5})  # fmt: skip
                pos += len(part) + 1
            s.execute(insert(Claim), rows)
        probe = Article(
            title="Probe",
            raw_input="x",
            input_kind="text",
            body="x" * 400,
            created_by_id=lead.id,
            boilerplate=[],
        )
        s.add(probe)
        s.commit()
        build = time.perf_counter() - t0
        if db.engine.dialect.name == "postgresql":
            s.execute(text("ANALYZE"))
            s.commit()
        timings, hits = [], 0
        for _ in range(args.lookups):
            wanted = rng.choice(texts)
            reworded = wanted.replace("officials said", "according to officials").replace(
                " in ", " in the year ", 1
            )
            claim = Claim(
                article_id=probe.id,
                start=0,
                end=len(reworded),
                text=reworded,
                status="open",
                reasons=[],
            )
            s.add(claim)
            s.flush()
            t = time.perf_counter()
            found = similar_claims(s, claim)
            timings.append((time.perf_counter() - t) * 1000)
            hits += bool(found) and found[0]["statement"] == wanted
            s.rollback()
        timings.sort()
        p95 = timings[int(0.95 * (len(timings) - 1))]
        print(
            "| database | approved claims | lookups | p50 ms | p95 ms | max ms | top hit is the rephrased claim | build s |"
        )
        print("|---|---|---|---|---|---|---|---|")
        print(f"| {db.engine.dialect.name} | {args.claims:,} | {len(timings)} | {statistics.median(timings):.1f} | "
              f"{p95:.1f} | {timings[-1]:.1f} | {hits}/{len(timings)} | {build:.0f} |")  # fmt: skip
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
