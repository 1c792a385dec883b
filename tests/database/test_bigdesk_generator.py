"""The big desk's generator (tests/benchmarks/bigdesk_generate.py) at a tiny scale: the
benchmark scripts are not collected, so this keeps it from rotting unseen."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from sqlalchemy import func, select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim, Review, SystemActor, User
from factcheck.services import assignments, audit, sealing, users

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bigdesk_generate.py"


def _generator():
    if "bigdesk_generate" not in sys.modules:  # its dataclass looks its module up there
        spec = importlib.util.spec_from_file_location("bigdesk_generate", SCRIPT)
        sys.modules["bigdesk_generate"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["bigdesk_generate"])
    return sys.modules["bigdesk_generate"]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_generator_fills_a_desk_the_app_verifies_and_keeps_writing_to(app, runner):
    gen = _generator()
    out = gen.generate(app, 0.0005)
    want = gen.Counts.at(0.0005)
    assert (want.articles, want.claims, want.reviews, want.audit) == (5, 500, 1500, 2500)
    assert (_count(Article), _count(Claim), _count(Review), _count(AuditEvent)) == (
        want.articles, want.claims, want.reviews, want.audit,
    )  # fmt: skip
    assert out["audit_events"] == want.audit and _count(User) == 61
    flagged = set(db.session.scalars(select(Claim.id).where(Claim.verdicts_disagree)))
    assert flagged and flagged == set(db.session.scalars(assignments.disagreeing_by_reviews()))

    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"OK {want.audit} events" in result.output

    # the services' invariants hold on the bulk rows
    for article in db.session.scalars(select(Article)):
        claims = sorted(article.claims, key=lambda c: c.number)
        assert [c.number for c in claims] == list(range(1, 101))
        assert all(article.body[c.start : c.end] == c.text for c in claims)
        if article.status == "approved":
            assert {c.status for c in claims} <= {"approved", "excluded"}
    approved = db.session.scalars(select(Claim).where(Claim.status == "approved")).all()
    assert approved and all(c.reviews and c.approved_by_id for c in approved)
    assert all(c.approved_by_id not in {r.reviewer_id for r in c.reviews} for c in approved)

    # the app writes on after it: ids continue (PostgreSQL sequences moved), the chain grows
    with transaction() as s:
        user = users.create_user(s, actor=SystemActor("test"), email="after@example.org",
                                 display_name="After", role="reviewer", password="x" * 12)  # fmt: skip
    assert user.id == 62
    sealing.seal_all(db.engine)
    assert audit.chain_head(db.session)[0] == want.audit + 1
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and f"OK {want.audit + 1} events" in result.output, result.output


def test_generator_refuses_a_database_with_data(app, make_user):
    make_user("reviewer")
    gen = _generator()
    try:
        gen.generate(app, 0.0005)
    except SystemExit as exc:
        assert "not empty" in str(exc)
    else:
        raise AssertionError("the generator filled a database that held data")
    assert _count(Article) == 0
