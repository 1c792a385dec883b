"""Shared helpers of the benchmark scripts (not a benchmark itself).

A scratch database (a temporary SQLite file, or the PostgreSQL database named by
FACTCHECK_DATABASE_URL, which is wiped), accounts and tokens created in-process,
synthetic articles with an exact number of claims, a live gunicorn server in its own
process group, a keep-alive HTTP client, percentiles and worker memory.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from factcheck import create_app  # noqa: E402
from factcheck.extensions import db  # noqa: E402
from factcheck.models import SystemActor  # noqa: E402
from factcheck.settings import normalise_database_url  # noqa: E402

PASSWORD = "bench-password-123"
SYSTEM = SystemActor("bench")


# --------------------------------------------------------------------------- database


def scratch_database(prefix: str) -> tuple[str, str]:
    """(database URL, instance dir): a temporary SQLite file, or the given PostgreSQL DB wiped."""
    tmp = tempfile.mkdtemp(prefix=f"bench-{prefix}-")
    url = os.environ.get("FACTCHECK_DATABASE_URL")
    if url:
        engine = create_engine(normalise_database_url(url))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp}/bench.db"
    os.environ["FACTCHECK_INSTANCE_PATH"] = tmp
    return normalise_database_url(url), tmp


def make_app(url: str):
    """An in-process app on the scratch database (cheap password hashing for setup only)."""
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                       "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024})  # fmt: skip


def migrate() -> None:
    upgrade(directory=str(ROOT / "migrations"))


def dialect() -> str:
    return db.engine.dialect.name


def create_accounts(roles: list[tuple[str, str]], with_tokens: bool = True) -> list[dict]:
    """[(email, role)] -> [{id, email, role, token}] (in the app context)."""
    from factcheck.database import transaction
    from factcheck.services import users

    out = []
    with transaction() as s:
        for email, role in roles:
            u = users.create_user(s, actor=SYSTEM, email=email, display_name=email.split("@")[0],
                                  role=role, password=PASSWORD)  # fmt: skip
            tok = None
            if with_tokens:
                _t, tok = users.create_token(s, actor=SYSTEM, user_id=u.id, name="bench")
            out.append({"id": u.id, "email": u.email, "role": role, "token": tok})
    return out


# --------------------------------------------------------------------------- articles


def synthetic_text(n_claims: int, seed: int = 11) -> str:
    """News-like text the splitter cuts into exactly n_claims claims (checked)."""
    from bench_similar import sentence, vocabulary

    from factcheck.services.sources import normalise_body
    from factcheck.text import splitting

    rng = random.Random(seed)
    vocab = vocabulary(rng)
    sents = [sentence(rng, vocab) for _ in range(n_claims + 40)]
    k = n_claims
    for _ in range(40):
        chosen = sents[:k]
        body = "\n\n".join(" ".join(chosen[i : i + 5]) for i in range(0, len(chosen), 5))
        got = len(splitting.analyze(normalise_body(body)).claims)
        if got == n_claims:
            return body
        k += n_claims - got
    raise RuntimeError(f"could not build an article of exactly {n_claims} claims")


def news_text(words: int) -> str:
    """Real news prose (the demo article, repeated with varied numbers) of about `words` words."""
    base = (ROOT / "factcheck" / "demo" / "seed-rfa-passports.txt").read_text(encoding="utf-8")
    paras = [p for p in base.split("\n\n") if p.strip()]
    out, n, i = [], 0, 0
    while n < words:
        p = paras[i % len(paras)].replace("2024", str(1990 + i % 35))
        out.append(p)
        n += len(p.split())
        i += 1
    return "\n\n".join(out)


def review_and_approve(article_id: int, reviewers: list[dict], lead: dict | None,
                       approve_article: bool = False) -> None:  # fmt: skip
    """Every claim reviewed by each reviewer (one evidence link), then approved by the lead."""
    from factcheck.database import transaction
    from factcheck.models import Article, Claim, User
    from factcheck.services import approvals, reviews

    with transaction() as s:
        claim_ids = [c.id for c in s.get(Article, article_id).claims]
        actors = [s.get(User, r["id"]) for r in reviewers]
        for n, cid in enumerate(claim_ids):
            for k, actor in enumerate(actors):
                reviews.submit_review(
                    s, actor=actor, claim_id=cid, verdict=("confirmed", "disputed", "unconfirmed")[(n + k) % 3],
                    note=f"Checked against the ministry's figures, table {n}. Matches the 2024 report.",
                    links=[{"url": f"https://example.org/source/{n}", "title": f"Source {n}",
                            "stance": "supports", "excerpt": "the figures for that year"}],
                )  # fmt: skip
    if lead is None:
        return
    with transaction() as s:
        actor = s.get(User, lead["id"])
        for n, cid in enumerate(claim_ids):
            claim = s.get(Claim, cid)
            approvals.approve_claim(s, actor=actor, claim_id=cid, verdict=("confirmed", "disputed", "unconfirmed")[n % 3],
                                    note="Approved.", version=claim.version)  # fmt: skip
    if approve_article:
        with transaction() as s:
            art = s.get(Article, article_id)
            from factcheck.services import articles as articles_service

            articles_service.approve_article(s, actor=s.get(User, lead["id"]), article_id=article_id,
                                             version=art.version)  # fmt: skip


def reviewed_desk(prefix: str, n_claims: int, title: str, *, approve_article: bool,
                  with_tokens: bool = True):  # fmt: skip
    """A scratch database with a lead, two reviewers and one article of ``n_claims`` claims,
    each reviewed by both (a note and an evidence link) and approved by the lead; the
    article approved too if ``approve_article`` (its report is then final).

    Returns (url, instance, app, dialect, (lead, r1, r2), article id, claims stored)."""
    from factcheck.database import transaction
    from factcheck.models import User
    from factcheck.services import articles

    url, instance = scratch_database(prefix)
    app = make_app(url)
    with app.app_context():
        migrate()
        name = dialect()
        people = create_accounts([("lead@example.org", "lead"), ("r1@example.org", "reviewer"),
                                  ("r2@example.org", "reviewer")], with_tokens=with_tokens)  # fmt: skip
        lead = people[0]
        with transaction() as s:
            art = articles.import_article(s, actor=s.get(User, lead["id"]), text=synthetic_text(n_claims),
                                          title=title)  # fmt: skip
            article_id, stored = art.id, len(art.claims)
        review_and_approve(article_id, people[1:], lead, approve_article=approve_article)
        db.session.remove()
    return url, instance, app, name, people, article_id, stored


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    log: Path
    workers: int

    def worker_pids(self) -> list[int]:
        """The master's children but the audit sealer (gunicorn.conf.py, PostgreSQL)."""
        return [pid for pid in self.children() if not self._is_sealer(pid)]

    def children(self) -> list[int]:
        pids = []
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                with contextlib.suppress(OSError):
                    stat = (d / "stat").read_text()
                    ppid = int(stat.rsplit(")", 1)[1].split()[1])
                    if ppid == self.proc.pid:
                        pids.append(int(d.name))
        return sorted(pids)

    @staticmethod
    def _is_sealer(pid: int) -> bool:
        with contextlib.suppress(OSError):
            return b"audit\0seal" in Path(f"/proc/{pid}/cmdline").read_bytes()
        return False

    def rss_mib(self) -> dict[int, float]:
        return {pid: mem["Rss"] for pid, mem in self.memory_mib().items()}

    def memory_mib(self) -> dict[int, dict[str, float]]:
        """Per process (master and workers): Rss (every page it maps, shared ones counted
        whole in each process), Pss (shared pages divided among the processes sharing
        them: what the process costs the machine) and Private (its own pages only), MiB,
        from /proc/PID/smaps_rollup."""
        out = {}
        for pid in [self.proc.pid, *self.worker_pids()]:
            with contextlib.suppress(OSError):
                fields = {}
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
                    name, _, rest = line.partition(":")
                    if rest.strip().endswith("kB"):
                        fields[name] = int(rest.split()[0]) / 1024
                out[pid] = {"Rss": fields["Rss"], "Pss": fields["Pss"],
                            "Private": fields["Private_Clean"] + fields["Private_Dirty"]}  # fmt: skip
        return out

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the master and its children (the workers
        and, on PostgreSQL, the audit sealer)."""
        total = 0
        for pid in [self.proc.pid, *self.children()]:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


def preload_setting() -> bool:
    """gunicorn.conf.py's preload_app as a server started now would have it."""
    import runpy

    return bool(runpy.run_path(str(ROOT / "gunicorn.conf.py"))["preload_app"])


def start_server(url: str, instance: str, workers: int | None = None, threads: int = 1,
                 wsgi: str = "wsgi:app", preload: bool | None = None) -> Server:  # fmt: skip
    """gunicorn with the repository's gunicorn.conf.py on a free loopback port.

    ``wsgi``: the application, "wsgi:app" (the product) or a module of this folder such as
    "floor_app:app" (found through gunicorn's --pythonpath). ``preload``: True or False
    sets FACTCHECK_PRELOAD (gunicorn.conf.py), None keeps its default."""
    port = free_port()
    env = dict(os.environ, FACTCHECK_DATABASE_URL=url, FACTCHECK_INSTANCE_PATH=instance,
               FACTCHECK_SECRET_KEY="bench-secret", FACTCHECK_BIND=f"127.0.0.1:{port}",
               FACTCHECK_THREADS=str(threads), FACTCHECK_LOG_LEVEL="warning")  # fmt: skip
    if workers:
        env["FACTCHECK_WORKERS"] = str(workers)
    if preload is not None:
        env["FACTCHECK_PRELOAD"] = "1" if preload else "0"
    extra = [] if wsgi == "wsgi:app" else ["--pythonpath", str(Path(__file__).resolve().parent)]
    log = Path(instance) / f"gunicorn-{wsgi.split(':')[0]}.log"
    fh = open(log, "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), *extra, wsgi],
        cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    server = Server(proc, port, log, workers or 0)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            c = Client(port)
            if c.request("GET", "/healthz").status == 200:
                c.close()
                want = workers or int(env.get("FACTCHECK_WORKERS", 2))
                while len(server.worker_pids()) < want and time.monotonic() < deadline:
                    time.sleep(0.1)
                server.workers = len(server.worker_pids())
                # let every worker import the app and open its connection before measuring
                for _ in range(4 * server.workers):
                    Client(port).request("GET", "/healthz")
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer: {log.read_text()[-2000:]}")


# --------------------------------------------------------------------------- HTTP


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    ms: float

    def json(self):
        return json.loads(self.body)


@dataclass
class Client:
    """One keep-alive connection (reopened when the server closes it) with optional auth."""

    port: int
    token: str | None = None
    cookie: str | None = None
    conn: http.client.HTTPConnection = field(init=False)

    def __post_init__(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def request(self, method: str, path: str, body=None, headers: dict | None = None) -> Response:
        h = {"Accept": "application/json", **(headers or {})}
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        if self.cookie:
            h["Cookie"] = self.cookie
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            h["Content-Type"] = "application/json"
        for attempt in (0, 1):
            t = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # a keep-alive connection the server had closed: reconnect once
                self.conn.close()
                if attempt:
                    raise
                continue
            ms = (time.perf_counter() - t) * 1000
            if r.will_close:
                self.conn.close()
            return Response(r.status, dict(r.getheaders()), data, ms)
        raise AssertionError("unreachable")

    def close(self):
        self.conn.close()


def login_cookie(port: int, email: str, password: str = PASSWORD) -> str:
    """Sign in through /login (with its CSRF token) and return the session Cookie header."""
    import re
    from urllib.parse import urlencode

    c = Client(port)
    r = c.request("GET", "/login", headers={"Accept": "text/html"})
    csrf = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', r.body).group(1).decode()
    cookie = r.headers.get("Set-Cookie", "").split(";", 1)[0]
    r = c.request("POST", "/login", body=urlencode({"csrf_token": csrf, "email": email, "password": password}),
                  headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
                           "Accept": "text/html"})  # fmt: skip
    if r.status not in (302, 303):
        raise RuntimeError(f"sign-in failed: {r.status}")
    return r.headers["Set-Cookie"].split(";", 1)[0]


# --------------------------------------------------------------------------- figures


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100 * len(v) + 0.5)) - 1))]


def fmt_ms(v: float) -> str:
    return "–" if v != v else (f"{v:.1f}" if v < 100 else f"{v:.0f}")


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out
