"""A big desk's data (issue #21 item 5): fill an empty, migrated database in bulk.

    .venv/bin/python tests/benchmarks/bigdesk_generate.py --database sqlite:////tmp/bigdesk.db
    .venv/bin/python tests/benchmarks/bigdesk_generate.py \
        --database postgresql://postgres@127.0.0.1:5432/fc_bigdesk --scale 1

Scale 1.0 is 10,000 articles, 1,000,000 claims (100 per article), 3,000,000 reviews and
5,000,000 audit events; the default is 0.1 (the SQLite size). Users: 50 reviewers, 10
leads, 1 admin (password ``bigdesk-password-1``). The schema is the app's own (``flask db
upgrade`` through Flask-Migrate, run here when the database is empty); the rows are written
in bulk, 100 articles at a time (PostgreSQL: COPY; SQLite: Core executemany), never through
the services. Every row keeps the services' invariants: ``claim.text == body[start:end]``,
numbers 1..n, one review per reviewer per claim, an approved claim has a review by someone
other than its approving lead, an approved article has only approved or excluded claims.

The audit events form one sealed chain built with ``factcheck.services.audit``'s own
``event_payload`` / ``compute_hash`` / ``compute_digest`` (nothing re-implemented), so
``flask audit verify`` accepts it. Claim texts are the sentences the app's splitter finds in
/work/shared/bench/splitting/articles/*.txt (or the demo article), with varied numbers.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, inspect, select, text  # noqa: E402

from factcheck.canonical import canonical_json  # noqa: E402
from factcheck.models import (  # noqa: E402
    Article,
    ArticleVersion,
    Assignment,
    AuditEvent,
    Claim,
    EvidenceLink,
    Review,
    User,
)
from factcheck.services.audit import (  # noqa: E402
    GENESIS,
    HASHED_COLUMNS,
    compute_digest,
    compute_hash,
    event_payload,
)

PASSWORD = "bigdesk-password-1"
FULL = {"articles": 10_000, "claims": 1_000_000, "reviews": 3_000_000, "audit": 5_000_000}
CLAIMS_PER_ARTICLE = 100
REVIEWERS, LEADS = 50, 10
BATCH_ARTICLES = 100  # ~10k claims, 30k reviews, 50k events per flush
SENTENCES = Path("/work/shared/bench/splitting/articles")
T0 = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"
VERDICTS = ("confirmed", "disputed", "unconfirmed")
NOTES = (
    "Checked against the ministry's figures for {y}; matches table {n}.",
    "The agency's {y} report gives {n} per cent, not what the article says.",
    "Spoke to the press office: the number is from a {y} survey of {n} households.",
    "No primary source found; the statistic circulates on social media since {y}.",
    "Court records from {y} confirm the case; {n} defendants, as stated.",
    "The quote is accurate (video at minute {n}), but the context is from {y}.",
)
CITIES = ("Lisbon", "Dakar", "Quito", "Hanoi", "Tbilisi", "Accra", "Lima", "Oslo", "Manila")


@dataclass
class Counts:
    articles: int
    claims: int
    reviews: int
    audit: int

    @classmethod
    def at(cls, scale: float) -> Counts:
        articles = max(1, round(FULL["articles"] * scale))
        claims = articles * CLAIMS_PER_ARTICLE
        return cls(articles, claims, claims * 3, claims * 5)


# --------------------------------------------------------------------------- text


def load_sentences() -> list[tuple[str, str | None, str | None]]:
    """(text, speaker, speaker_type) of every claim the splitter finds in the sample articles."""
    from factcheck.text import splitting

    files = sorted(p for p in SENTENCES.glob("*.txt") if not p.name.endswith(".source.txt"))
    if not files:
        files = [ROOT / "factcheck" / "demo" / "seed-rfa-passports.txt"]
    out = []
    for path in files:
        body = path.read_text(encoding="utf-8")
        for c in splitting.analyze(body).claims:
            t = " ".join(c.text.split())
            if 20 <= len(t) <= 400:
                out.append((t, getattr(c, "speaker", None), getattr(c, "speaker_type", None)))
    return out


_NUMBER = re.compile(r"\d+")


def vary(sentence: str, rng: random.Random) -> str:
    """The sentence with its numbers changed, sometimes a place added: texts differ."""
    t = _NUMBER.sub(lambda m: str(max(1, int(m.group()) + rng.randint(-9, 9))), sentence)
    if rng.random() < 0.3:
        t = t.rstrip(".") + f" in {rng.choice(CITIES)}."
    return t


# --------------------------------------------------------------------------- writing


class Writer:
    """Bulk rows into one table at a time: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, engine):
        self.engine = engine
        self.pg = engine.dialect.name == "postgresql"
        self.raw = engine.raw_connection() if self.pg else None
        self.conn = None if self.pg else engine.connect()
        if not self.pg:  # a bulk load: durability comes with the last commit
            self.conn.connection.driver_connection.execute("PRAGMA synchronous=OFF")
        self.rows = dict.fromkeys(TABLES, 0)

    def write(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        table = model.__table__
        self.rows[table.name] += len(rows)
        if not self.pg:
            self.conn.execute(insert(table), rows)
            return
        cols = list(rows[0])
        json_cols = {c for c in cols if table.c[c].type.__class__.__name__ == "JSON"}
        with self.raw.driver_connection.cursor() as cur:
            names = ", ".join(f'"{table.c[c].name}"' for c in cols)
            with cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(
                        [
                            canonical_json(row[c])
                            if c in json_cols and row[c] is not None
                            else row[c]
                            for c in cols
                        ]
                    )

    def commit(self) -> None:
        if self.pg:
            self.raw.driver_connection.commit()
        else:
            self.conn.commit()

    def close(self) -> None:
        if self.pg:
            self.raw.driver_connection.commit()
            self.raw.close()
        else:
            self.conn.commit()
            # the pooled connection goes back to the app as the app tunes it (engine.py)
            self.conn.connection.driver_connection.execute("PRAGMA synchronous=FULL")
            self.conn.close()


TABLES = (
    "users",
    "articles",
    "article_versions",
    "claims",
    "reviews",
    "evidence_links",
    "assignments",
    "audit_events",
)


# --------------------------------------------------------------------------- the desk


class Chain:
    """Audit events in seq order, hashed by the app's own functions."""

    def __init__(self):
        self.seq, self.prev, self.rows = 0, GENESIS, []

    def add(self, at: datetime, actor: dict | None, action: str, target_type: str,
            target_id: int | None, article_id: int | None, before=None, after=None) -> None:  # fmt: skip
        self.seq += 1
        values = (self.seq, at, actor["id"] if actor else None,
                  actor["email"] if actor else "system:bigdesk", action, target_type, target_id,
                  article_id, before, after, f"req-{self.seq:012x}",
                  f"203.0.113.{self.seq % 250 + 1}" if actor else None,
                  AGENT if actor else "cli", self.prev)  # fmt: skip
        payload = event_payload(values)
        row = dict(zip(HASHED_COLUMNS, values, strict=True))
        row["hash"] = compute_hash(payload)
        row["digest"] = compute_digest(payload)
        row["entered_at"] = row["sealed_at"] = at
        self.rows.append(row)
        self.prev = row["hash"]


def make_users(writer: Writer, hashed: str) -> tuple[list[dict], list[dict], dict]:
    rows = []
    for i in range(1, REVIEWERS + LEADS + 2):
        role = "reviewer" if i <= REVIEWERS else ("lead" if i <= REVIEWERS + LEADS else "admin")
        n = i if role == "reviewer" else (i - REVIEWERS if role == "lead" else 1)
        email = f"{role}{n}@bigdesk.example.org"
        rows.append({"id": i, "email": email, "display_name": f"{role.title()} {n}", "role": role,
                     "password_hash": hashed, "active": True, "session_generation": 1,
                     "created_at": T0 - timedelta(days=30)})  # fmt: skip
    writer.write(User, rows)
    users = [{"id": r["id"], "email": r["email"], "role": r["role"]} for r in rows]
    return users[:REVIEWERS], users[REVIEWERS : REVIEWERS + LEADS], users[-1]


def article_kind(i: int, n: int) -> str:
    """Deterministic by index: 15% approved, 10% draft, the rest in review (the last article
    is never a draft: it takes up the reviews still owed)."""
    k = i % 20
    if i == n - 1 and k in (3, 4):
        return "in_review"
    return "approved" if k < 3 else ("draft" if k < 5 else "in_review")


def claim_status(kind: str, rng: random.Random) -> str:
    if kind == "draft":
        return "open"
    if kind == "approved":
        return "excluded" if rng.random() < 0.08 else "approved"
    r = rng.random()
    for status, p in (("open", 0.25), ("reviewed", 0.60), ("approved", 0.85), ("returned", 0.90)):
        if r < p:
            return status
    return "excluded"


class Desk:
    def __init__(self, counts: Counts, writer: Writer, seed: int = 21):
        self.counts, self.w, self.rng = counts, writer, random.Random(seed)
        self.sentences = load_sentences()
        self.chain = Chain()
        self.claim_id = self.review_id = self.link_id = self.assign_id = self.version_id = 0
        self.review_debt = 0  # reviews still owed to reach the exact total
        self.audit_debt = 0
        n = counts.articles
        reviewable = sum(1 for i in range(n) if article_kind(i, n) != "draft")
        self.reviews_per_article = counts.reviews / max(1, reviewable)
        self.audit_per_article = counts.audit / counts.articles

    def run(self, users, leads, admin) -> None:
        self.reviewers, self.leads, self.admin = users, leads, admin
        buf = {m: [] for m in (Article, ArticleVersion, Claim, Review, EvidenceLink, Assignment)}
        done_reviews = done_audit = 0
        reviewable_seen = 0
        for i in range(self.counts.articles):
            kind = article_kind(i, self.counts.articles)
            if kind != "draft":
                reviewable_seen += 1
                target_r = round(self.reviews_per_article * reviewable_seen) - done_reviews
            else:
                target_r = 0
            if i == self.counts.articles - 1:
                target_r = self.counts.reviews - done_reviews
            target_a = round(self.audit_per_article * (i + 1)) - done_audit
            if i == self.counts.articles - 1:
                target_a = self.counts.audit - done_audit
            before = self.chain.seq
            done_reviews += self.article(i + 1, kind, target_r, target_a, buf)
            done_audit += self.chain.seq - before
            if (i + 1) % BATCH_ARTICLES == 0 or i == self.counts.articles - 1:
                self.flush(buf)
                print(f"  {i + 1} articles, {self.claim_id} claims, {self.review_id} reviews, "
                      f"{self.chain.seq} events", file=sys.stderr, flush=True)  # fmt: skip

    def flush(self, buf) -> None:
        for model, rows in buf.items():
            self.w.write(model, rows)
            rows.clear()
        self.w.write(AuditEvent, self.chain.rows)
        self.chain.rows = []
        self.w.commit()

    def article(self, article_id: int, kind: str, target_r: int, target_a: int, buf) -> int:
        rng, first_seq = self.rng, self.chain.seq
        at = T0 + timedelta(minutes=60 * article_id)  # one article an hour, events inside it
        creator = rng.choice(self.reviewers)
        picks = [rng.choice(self.sentences) for _ in range(CLAIMS_PER_ARTICLE)]
        texts = [vary(p[0], rng) for p in picks]
        body, spans, pos = [], [], 0
        for n, t in enumerate(texts):
            sep = "" if n == 0 else ("\n\n" if n % 5 == 0 else " ")
            pos += len(sep)
            spans.append((pos, pos + len(t)))
            body.append(sep + t)
            pos += len(t)
        body = "".join(body)
        title = f"{texts[0][:80].rstrip('.')} — desk file {article_id}"
        statuses = [claim_status(kind, rng) for _ in texts]
        counts = self.review_counts(statuses, target_r)
        lead = rng.choice(self.leads)
        approved_at = at + timedelta(minutes=55)
        buf[Article].append({
            "id": article_id, "title": title, "raw_input": body, "input_kind": "text",
            "filename": None, "body": body, "publisher": rng.choice(("AP", "VOA", "RFA", "AFP")),
            "original_publisher": None, "byline": f"By Reporter {article_id % 97}",
            "published_at": (date(2025, 1, 1) + timedelta(days=article_id % 700)).isoformat(),
            "source_url": f"https://news.example.org/{article_id}", "language": "en",
            "meta_sources": {"title": "text"}, "boilerplate": [],
            "published_url": f"https://checks.example.org/{article_id}" if kind == "approved" else None,
            "status": kind, "created_by_id": creator["id"], "created_at": at,
            "approved_by_id": lead["id"] if kind == "approved" else None,
            "approved_at": approved_at if kind == "approved" else None,
            "version": 1, "current_version": 1,
        })  # fmt: skip
        self.version_id += 1
        buf[ArticleVersion].append({
            "id": self.version_id, "article_id": article_id, "number": 1, "raw_input": body,
            "input_kind": "text", "filename": None, "body": body, "boilerplate": [],
            "summary": None, "created_by_id": creator["id"], "created_at": at,
        })  # fmt: skip
        chain = self.chain
        chain.add(at, creator, "article.imported", "article", article_id, article_id,
                  after={"title": title, "input_kind": "text", "filename": None, "chars": len(body),
                         "claims": len(texts), "language": "en"})  # fmt: skip
        if kind == "in_review":
            for r in rng.sample(self.reviewers, 3):
                self.assign_id += 1
                buf[Assignment].append({"id": self.assign_id, "user_id": r["id"],
                                        "article_id": article_id, "claim_id": None,
                                        "assigned_by_id": lead["id"],
                                        "due_on": (at + timedelta(days=3)).date(), "created_at": at})  # fmt: skip
                chain.add(at, lead, "assignment.created", "article", article_id, article_id,
                          after={"user_id": r["id"], "user": r["email"], "claim_ids": None,
                                 "due_on": (at + timedelta(days=3)).date().isoformat()})  # fmt: skip
        started = False
        reviews_made, revisable = 0, []
        for n, (t, (start, end), status, k, pick) in enumerate(
            zip(texts, spans, statuses, counts, picks, strict=True), start=1
        ):
            self.claim_id += 1
            cid = self.claim_id
            t_claim = at + timedelta(seconds=n)
            reviewers = rng.sample(self.reviewers, k)
            truth = rng.choice(VERDICTS)  # reviewers mostly agree: about 1 claim in 5 splits them
            verdicts = [truth if rng.random() < 0.93 else rng.choice(VERDICTS) for _ in reviewers]
            final = max(set(verdicts), key=verdicts.count) if status == "approved" else None
            t_rev = at + timedelta(minutes=5, seconds=n * 2)
            for j, (r, v) in enumerate(zip(reviewers, verdicts, strict=True)):
                self.review_id += 1
                when = t_rev + timedelta(milliseconds=j * 300)
                note = rng.choice(NOTES).format(y=2000 + rng.randrange(25), n=rng.randrange(1, 99))
                buf[Review].append({"id": self.review_id, "claim_id": cid, "reviewer_id": r["id"],
                                    "verdict": v, "note": note, "created_at": when,
                                    "updated_at": when, "version": 1, "first_verdict": v,
                                    "first_submitted_at": when, "revised_after_seen": False})  # fmt: skip
                links = []
                if self.review_id % 4 == 0:
                    self.link_id += 1
                    link = {"url": f"https://sources.example.org/{self.review_id}",
                            "title": "Official statistics", "stance": "supports" if v != "disputed" else "contradicts",
                            "excerpt": None, "archived_url": None}  # fmt: skip
                    buf[EvidenceLink].append(
                        dict(link, id=self.link_id, review_id=self.review_id, position=0)
                    )
                    links = [link]
                chain.add(when, r, "review.created", "review", self.review_id, article_id,
                          after={"verdict": v, "note": note, "links": links, "claim_id": cid})  # fmt: skip
                revisable.append((when, r, self.review_id, cid, v, note, links))
                reviews_made += 1
                if not started:
                    started = True
                    chain.add(when, r, "article.review_started", "article", article_id, article_id,
                              before={"status": "draft"},
                              after={"status": "in_review", "first_review_id": self.review_id})  # fmt: skip
            t_lead = at + timedelta(minutes=40, seconds=n)
            speaker, speaker_type = pick[1], pick[2]
            row = {
                "id": cid, "article_id": article_id, "start_offset": start, "end_offset": end, "number": n,
                "text": t, "statement": None, "speaker": speaker, "speaker_type": speaker_type,
                "speaker_confidence": 0.8 if speaker else None, "is_quote": bool(speaker),
                "checkworthiness": round(rng.random(), 3), "reasons": [], "status": status,
                "final_verdict": final, "verdicts_disagree": len(set(verdicts)) > 1,
                "approved_by_id": lead["id"] if final else None,
                "approved_at": t_lead if final else None,
                "approval_note": "Agreed with the reviewers." if final else None,
                "return_comment": "Find the primary source." if status == "returned" else None,
                "excluded_reason": "Not check-worthy." if status == "excluded" else None,
                "created_at": t_claim, "updated_at": t_lead if status != "open" else t_claim,
                "version": 1 + k + (status not in ("open", "reviewed")), "body_version": 1,
                "anchor": None,
            }  # fmt: skip
            buf[Claim].append(row)
            action = {"approved": "claim.approved", "returned": "claim.returned",
                      "excluded": "claim.excluded"}.get(status)  # fmt: skip
            if action:
                before = {"status": "reviewed" if k else "open", "final_verdict": None}
                after = {"status": status, "final_verdict": final,
                         "approval_note": row["approval_note"], "return_comment": row["return_comment"],
                         "excluded_reason": row["excluded_reason"]}  # fmt: skip
                chain.add(
                    t_lead, lead, action, "claim", cid, article_id, before=before, after=after
                )
        if kind == "approved":
            chain.add(approved_at, lead, "article.approved", "article", article_id, article_id,
                      before={"status": "in_review"}, after={"status": "approved"})  # fmt: skip
        self.fill(at, article_id, target_a - (chain.seq - first_seq), revisable)
        return reviews_made

    def review_counts(self, statuses: list[str], target: int) -> list[int]:
        """Reviews per claim: none for open and most excluded claims, at least one for the
        rest, summing to ``target`` (plus any debt) within 1..REVIEWERS."""
        counts = [0 if s in ("open", "excluded") else 1 for s in statuses]
        slots = [i for i, s in enumerate(statuses) if s not in ("open", "excluded")]
        want = target + self.review_debt
        rng = self.rng
        while sum(counts) < want and slots:
            room = [i for i in slots if counts[i] < REVIEWERS]
            if not room:
                break
            counts[rng.choice(room)] += 1
        self.review_debt = want - sum(counts)
        return counts

    def fill(self, at: datetime, article_id: int, missing: int, revisable: list) -> None:
        """Events that change little and make up the trail's bulk: revisions, sign-ins, exports."""
        missing += self.audit_debt
        self.audit_debt = 0
        rng, chain = self.rng, self.chain
        if missing < 0:
            self.audit_debt = missing  # taken off the next article's budget
            return
        for j in range(missing):
            when = at + timedelta(minutes=50, milliseconds=j * 250)
            r = rng.random()
            if revisable and r < 0.55:
                _t, user, rid, cid, v, note, links = rng.choice(revisable)
                chain.add(when, user, "review.revised", "review", rid, article_id,
                          before={"verdict": v, "note": note, "links": links, "claim_id": cid},
                          after={"verdict": v, "note": note + " Source re-checked.", "links": links,
                                 "claim_id": cid})  # fmt: skip
            elif r < 0.9:
                user = rng.choice(self.reviewers + self.leads)
                chain.add(when, user, "auth.signed_in", "user", user["id"], None,
                          after={"method": "password"})  # fmt: skip
            else:
                user = rng.choice(self.leads)
                chain.add(when, user, "report.exported", "article", article_id, article_id,
                          after={"format": rng.choice(("json", "csv", "md", "claimreview"))})  # fmt: skip


# --------------------------------------------------------------------------- main


def prepare_schema(app) -> None:
    """Migrate an empty database; refuse one that holds data."""
    from flask_migrate import upgrade

    from factcheck.extensions import db

    names = set(inspect(db.engine).get_table_names())
    if "audit_events" not in names:
        upgrade(directory=str(ROOT / "migrations"))
        return
    with db.engine.connect() as conn:
        for name in ("users", "articles", "audit_events"):
            if conn.execute(select(func.count()).select_from(text(name))).scalar():
                raise SystemExit(f"{name} is not empty: the generator fills an empty database")


def reset_sequences(engine) -> None:
    """PostgreSQL: ids were given explicitly, so move each table's sequence past them."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for name in TABLES:
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {name}), 0) + 1, false)"
            ))  # fmt: skip
        conn.execute(text("ANALYZE"))


def generate(app, scale: float, seed: int = 21) -> dict:
    """Fill the app's (empty, migrated) database at ``scale``; returns rows per table and seconds."""
    from factcheck.extensions import db
    from factcheck.services.passwords import hash_password

    counts = Counts.at(scale)
    t = time.perf_counter()
    with app.app_context():
        prepare_schema(app)
        engine = db.engine
        writer = Writer(engine)
        try:
            reviewers, leads, admin = make_users(writer, hash_password(PASSWORD))
            desk = Desk(counts, writer, seed)
            desk.run(reviewers, leads, admin)
        finally:
            writer.close()
        reset_sequences(engine)
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
    return {**writer.rows, "seconds": time.perf_counter() - t, "counts": counts}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database", default=os.environ.get("FACTCHECK_DATABASE_URL"),
                    help="the database URL (an empty or freshly migrated database)")  # fmt: skip
    ap.add_argument("--scale", type=float, default=None,
                    help="1.0 = 10k articles, 1M claims, 3M reviews, 5M events [0.1]")  # fmt: skip
    ap.add_argument("--seed", type=int, default=21)
    args = ap.parse_args()
    if not args.database:
        ap.error("--database (or FACTCHECK_DATABASE_URL) is required")
    from factcheck import create_app
    from factcheck.settings import normalise_database_url

    os.environ.setdefault("FACTCHECK_INSTANCE_PATH", "/tmp/bigdesk-instance")
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(args.database),
                      "SECRET_KEY": "bigdesk"})  # fmt: skip
    scale = args.scale if args.scale is not None else 0.1
    out = generate(app, scale, args.seed)
    print(f"scale {scale}: {out['counts']}")
    for name in TABLES:
        print(f"  {name}: {out[name]:,}")
    print(f"generated in {out['seconds']:.1f} s")


if __name__ == "__main__":
    main()
