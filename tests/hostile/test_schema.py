"""HOSTILE.md §3.2 REV-15: schemathesis over every /api/v1 operation of the OpenAPI document.

The app is driven in-process through its WSGI interface (schemathesis.openapi.from_wsgi),
each request in a fresh app context, with a bearer token of a lead and of a reviewer.
Every operation gets positive and negative examples (Hypothesis with a fixed seed), half of them
aimed at objects that exist (real article, claim and user ids), and each response is judged
by schemathesis' not_a_server_error, status_code_conformance, response_schema_conformance
and negative_data_rejection. Afterwards the audit chain must verify and every article's
claims must lie inside its body without overlapping.

Positive data must not be refused by a rule the document does not state: a positive example
may only meet the answers that depend on who asks and on what is stored — 401, 403, 404,
409 (state or stale version), 428 (no version) — or a refusal the operation lists in
``x-refusals`` (a rule JSON Schema cannot state, e.g. a span inside the article's body),
reported under the field it names. Any other 4xx counts as "refused positive data".

Failures do not stop the run: each is recorded (operation, mode, role, check) so one run
reports all of them; the test fails at the end if there is any.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import time
import traceback
from collections import Counter

import pytest
from browser.chromium import read_whole
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Article
from factcheck.net.fetch import Fetched
from factcheck.net.policy import parse_url
from factcheck.services import discussion, notifications, reviews, sources, url_imports

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.core.failures import FailureGroup, ServerError  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
# Per operation x mode x role (x2 when the path has ids: known ids / generated ids).
MAX_EXAMPLES = int(os.environ.get("REV15_MAX_EXAMPLES", "8"))
SEED = int(os.environ.get("REV15_SEED", "15"))  # fixed: the same examples in every run
ADMIN_ONLY = ("/users", "/audit/verify")
LINK = {"url": "https://example.org/source", "title": "Source", "stance": "supports"}
# What positive data may meet: answers that depend on the caller and on the stored objects.
STATE_ANSWERS = {401, 403, 404, 409, 428}
PAGE = "Prices rose 5% in 2021, the bank said. Unemployment fell to 3.9% in March.\n"


def span_violations() -> int:
    """Claims (current, not orphaned) whose text is not body[start:end], or that overlap."""
    db.session.rollback()
    bad = 0
    for article in db.session.scalars(db.select(Article)):
        current = sorted(
            (c for c in article.claims if c.anchor != "orphaned"), key=lambda c: c.start
        )
        for c in current:
            if (
                not (0 <= c.start < c.end <= len(article.body))
                or article.body[c.start : c.end] != c.text
            ):
                bad += 1
        bad += sum(1 for a, b in zip(current, current[1:], strict=False) if a.end > b.start)
    db.session.rollback()
    return bad


def _no_dns(host, port, *args, **kwargs):
    raise socket.gaierror(socket.EAI_NONAME, "no DNS in the REV-15 run")


def _offline_fetch(url: str, policy) -> Fetched:
    """The fetcher's URL checks, then a fixed page: a URL the document allows imports."""
    target = parse_url(url, allowed_ports=policy.allowed_ports, max_chars=policy.max_url_chars)
    return Fetched(url=target.url, content_type="text/plain", text=PAGE, is_html=False)


@pytest.fixture
def offline(monkeypatch):
    """URL imports go through the real URL checks but never reach the network."""
    real = sources.fetch_policy
    monkeypatch.setattr(
        sources, "fetch_policy", lambda: dataclasses.replace(real(), resolver=_no_dns)
    )
    monkeypatch.setattr(sources, "fetch_url", _offline_fetch)


def refused_positive(operation: dict, response) -> str | None:
    """Why a response to positive data breaks the document's promise, or None.

    ``operation`` is the document's; its x-refusals name the rules it cannot state in JSON
    Schema, each with the status and the ``errors`` field it is reported under.
    """
    status = response.status_code
    if not 400 <= status < 500 or (
        status in STATE_ANSWERS and str(status) in operation["responses"]
    ):
        return None
    fields = {r["field"] for r in operation.get("x-refusals", ()) if r["status"] == status}
    try:
        errors = set((response.json() or {}).get("errors") or ())
    except ValueError:
        errors = set()
    if errors and errors <= fields:
        return None
    return f"{status} for positive data (stated refusals for {status}: {sorted(fields) or 'none'})"


def _isolated(app):
    """The app as a server runs it: each request in its own app context (own g, own session)."""

    def wsgi(environ, start_response):
        with app.app_context():
            return read_whole(app(environ, start_response))

    return wsgi


@dataclasses.dataclass
class Tally:
    examples: Counter = dataclasses.field(default_factory=Counter)
    kinds: Counter = dataclasses.field(default_factory=Counter)
    statuses: Counter = dataclasses.field(default_factory=Counter)
    roles: Counter = dataclasses.field(default_factory=Counter)
    failures: dict = dataclasses.field(default_factory=dict)  # (op, mode, role, kind) -> first
    refused: Counter = dataclasses.field(default_factory=Counter)  # positive data: 4xx by status
    unsatisfiable: list = dataclasses.field(default_factory=list)


def _record(tally: Tally, key: tuple, kind: str, case, response, message: str) -> None:
    tally.kinds[kind] += 1
    tally.failures.setdefault(
        (*key, kind),
        f"{response.status_code} {case.method} {case.formatted_path} "
        f"body={str(case.body)[:200]!r} query={case.query} headers={case.headers} -> "
        f"{response.content[:200].decode(errors='replace')} :: {message[:300]}",
    )


def _explore(strategy, max_examples: int, tally: Tally, key: tuple, operation: dict) -> None:
    """Run max_examples cases of one operation/mode/role; record, never raise, failures."""

    @seed(SEED)
    @settings(max_examples=max_examples, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(case=strategy)
    def run(case):
        tally.examples[key[1]] += 1
        tally.roles[key[2]] += 1
        response = case.call()
        tally.statuses[response.status_code // 100] += 1
        if key[1] == GenerationMode.POSITIVE.value:
            if 400 <= response.status_code < 500:
                tally.refused[response.status_code] += 1
            why = refused_positive(operation, response)
            if why:
                _record(tally, key, "refused positive data", case, response, why)
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                kind = (
                    "server error" if isinstance(failure, ServerError) else type(failure).__name__
                )
                _record(tally, key, kind, case, response, getattr(failure, "message", ""))

    try:
        run()
    except Unsatisfiable:  # nothing to negate (no parameters, no body): no negative examples
        tally.unsatisfiable.append(key)


# WeasyPrint (PDF export) warns once at import when the system lacks HarfBuzz-Subset.
@pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning")
def test_rev15_schemathesis_all_operations(
    app, make_user, make_article, token_for, offline, verify, figure, h
):
    lead, reviewer, other = make_user("lead"), make_user("reviewer"), make_user("reviewer")
    admin, spare = make_user("admin"), make_user("reviewer")
    article = make_article(h.THREE, actor=reviewer)
    c0, c1 = article.claims[0].id, article.claims[1].id
    with transaction() as s:  # one reviewed claim, so approve/return/agreement have something
        reviews.submit_review(s, actor=other, claim_id=c0, verdict="confirmed", note="n",
                              links=[LINK], version=None)  # fmt: skip
        # one notice in the reviewer's inbox, so "mark read" has an object that exists
        notice = notifications.notify(s, recipient=reviewer.id, kind="returned", actor=lead,
                                      article=article.id, claim=c0, text="look again")  # fmt: skip
        notice_id = notice.id
        # one comment of the reviewer's, so edit and delete have an object that exists
        comment_id = discussion.add_comment(s, actor=reviewer, claim_id=c1, body="see @lead").id
        # one URL import of the reviewer's (never fetched: the test is offline)
        job_id = url_imports.request_url_import(s, actor=reviewer, url="https://93.184.216.34/a")[
            0
        ].id
    known = {"article_id": article.id, "claim_id": c1, "user_id": spare.id,
             "notification_id": notice_id, "comment_id": comment_id, "job_id": job_id}  # fmt: skip
    tokens = {"lead": token_for(lead), "reviewer": token_for(reviewer)}
    admin_token = token_for(admin)  # also for the admin-only operations, so they get past 403

    wsgi = _isolated(app)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi)
    server_exceptions: list[str] = []  # what the app logged for its 500s

    class Collect(logging.Handler):
        def emit(self, record):
            if record.exc_info:
                text = "".join(traceback.format_exception(*record.exc_info)[-6:])
                server_exceptions.append(text[-1500:])

    handler = Collect(logging.ERROR)
    logging.getLogger("factcheck").addHandler(handler)

    tally = Tally()
    paths = schema.raw_schema["paths"]  # the document as served
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations
    started = time.monotonic()
    try:
        for op in operations:
            names = [p.name for p in op.path_parameters]
            roles = dict(tokens)
            if op.path.startswith(ADMIN_ONLY):
                roles["admin"] = admin_token
            for role, token in roles.items():
                # The token is a fixed header: negative examples never "drop" it only to have
                # it put back by the caller (that would count as accepted invalid data).
                auth = {"Authorization": f"Bearer {token}"}
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    strategy = op.as_strategy(generation_mode=mode, headers=auth)
                    if names:  # half aimed at objects that exist, half at generated ids
                        fixed = {n: known[n] for n in names}
                        strategy = st.one_of(
                            op.as_strategy(
                                generation_mode=mode, headers=auth, path_parameters=fixed
                            ),
                            strategy,
                        )
                    _explore(strategy, MAX_EXAMPLES * (2 if names else 1), tally,
                             (op.label, mode.value, role), paths[op.path][op.method.lower()])  # fmt: skip
    finally:
        logging.getLogger("factcheck").removeHandler(handler)
    examples, kinds, failures, statuses = (tally.examples, tally.kinds, tally.failures,
                                           tally.statuses)  # fmt: skip
    elapsed = time.monotonic() - started
    n = sum(examples.values())
    server_errors = kinds["server error"]
    refused = kinds["refused positive data"]
    violations = sum(
        v for k, v in kinds.items() if k not in ("server error", "refused positive data")
    )
    result = verify()
    spans = span_violations()
    figure("REV-15", cases=f"{len(operations)} operations x 2 modes x 2 roles (+admin on 5)",
           ok=f"{n} examples, {server_errors} server errors, {violations} schema violations, "
              f"{refused} positive examples refused",
           rows=f"span violations {spans}", verify="OK" if result.ok else "FAIL",
           notes=f"{dict(examples)}; {dict(tally.roles)}; 2xx/4xx/5xx {statuses[2]}/{statuses[4]}/{statuses[5]}; "
                 f"positive 4xx {dict(sorted(tally.refused.items()))}; "
                 f"{elapsed:.0f} s; {dict(kinds) or ''}")  # fmt: skip
    report = "\n".join(f"{k}: {v}" for k, v in sorted(failures.items()))
    assert not failures, f"{len(failures)} distinct failures:\n{report}\n{server_exceptions[:5]}"
    assert not server_exceptions, server_exceptions[:5]
    assert result.ok and spans == 0
