"""The desk as a queue: what needs *you* on an article, the claim list's filters, and a
lead's decisions on many claims at once (each claim through its own service and rules)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from factcheck.errors import N_, FactcheckError, InvalidInput, NotFound
from factcheck.models import Assignment, Claim, ClaimStatus, Verdict
from factcheck.permissions import Permission, can, require_actor
from factcheck.services import approvals, assignments, audit, claims
from factcheck.services.assignments import ACTIVE
from factcheck.services.common import get_article, get_claim, parse_id

# Why a claim needs you, in the order a desk deals with them.
REASONS = {
    "returned": "returned to you",
    "assigned": "assigned to you",
    "conflict": "the reviews disagree",
    "approval": "awaiting your approval",
}
BULK_ACTIONS = {
    "approve": Permission.APPROVE_CLAIM,
    "exclude": Permission.EXCLUDE_CLAIM,
    "assign": Permission.ASSIGN,
    "due": Permission.ASSIGN,
}
MAX_BULK = 500


def _assignees(session: Session, article_id: int) -> tuple[set[int], dict[int, set[int]]]:
    """Who is assigned the whole article, and who each claim by itself (reads only)."""
    whole: set[int] = set()
    by_claim: dict[int, set[int]] = {}
    rows = session.execute(
        select(Assignment.user_id, Assignment.claim_id).where(Assignment.article_id == article_id)
    )
    for user_id, claim_id in rows:
        if claim_id is None:
            whole.add(user_id)
        else:
            by_claim.setdefault(claim_id, set()).add(user_id)
    return whole, by_claim


def assignees_of(session: Session, article_id: int) -> dict[int, set[int]]:
    """Claim id -> the user ids assigned to it (through the article or by claim)."""
    whole, by_claim = _assignees(session, article_id)
    ids = session.scalars(select(Claim.id).where(Claim.article_id == article_id))
    return {cid: whole | by_claim.get(cid, set()) for cid in ids}


def why_needed(actor, claim: Claim, assigned: set[int]) -> str | None:
    """The reason this claim needs the actor now (a key of REASONS), or None."""
    me = actor.id
    mine = any(r.reviewer_id == me for r in claim.reviews)
    if claim.status == ClaimStatus.RETURNED and mine:
        return "returned"
    if claim.status.value in ACTIVE and me in assigned and not mine:
        return "assigned"
    if not can(actor, Permission.DECIDE_CLAIMS):
        return None
    verdicts = {r.verdict for r in claim.reviews}
    if claim.status.value in ACTIVE and len(verdicts) > 1:
        return "conflict"
    if claim.status == ClaimStatus.REVIEWED and can(actor, Permission.APPROVE_CLAIM, claim):
        return "approval"
    return None


def needs_me(session: Session, actor, article_id) -> dict[int, str]:
    """The article's claims that need the actor, in article order: claim id -> reason."""
    article = get_article(session, parse_id(article_id, "article_id"))
    assigned = assignees_of(session, article.id)
    current = session.scalars(
        select(Claim)
        .where(Claim.article_id == article.id, Claim.current())
        .options(selectinload(Claim.reviews))
        .order_by(Claim.start)
    )
    out = {}
    for claim in current:
        reason = why_needed(actor, claim, assigned.get(claim.id, set()))
        if reason:
            out[claim.id] = reason
    return out


def next_needed(order: list[int], needed: dict[int, str], after: int | None) -> int | None:
    """The first claim needing you after `after` in article order, wrapping round; never
    `after` itself unless it is the only one left."""
    if not needed:
        return None
    start = order.index(after) + 1 if after in order else 0
    for cid in order[start:] + order[:start]:
        if cid in needed and cid != after:
            return cid
    return after if after in needed else None


@dataclass(frozen=True)
class ClaimFilter:
    """The claim list's filters, as kept in the workspace URL (all optional)."""

    status: str | None = None
    verdict: str | None = None
    speaker: str | None = None
    min_worth: int | None = None  # percent
    assignee: int | None = None  # a user id; 0 = nobody

    @classmethod
    def from_args(cls, args) -> ClaimFilter:
        """Read the filters from query arguments; unknown values are ignored, not errors."""
        status = (
            args.get("status") if args.get("status") in {s.value for s in ClaimStatus} else None
        )
        verdict = args.get("verdict") if args.get("verdict") in {v.value for v in Verdict} else None
        speaker = (args.get("speaker") or "").strip()[:200] or None
        worth = _int_arg(args.get("worth"))
        assignee = _int_arg(args.get("assignee"))
        return cls(status, verdict, speaker, worth if worth and 0 < worth <= 100 else None,
                   assignee if assignee is not None and assignee >= 0 else None)  # fmt: skip

    @property
    def active(self) -> bool:
        return any(
            v is not None
            for v in (self.status, self.verdict, self.speaker, self.min_worth, self.assignee)
        )

    def as_args(self) -> dict:
        out = {"status": self.status, "verdict": self.verdict, "speaker": self.speaker,
               "worth": self.min_worth, "assignee": self.assignee}  # fmt: skip
        return {k: v for k, v in out.items() if v is not None}

    def keeps(self, claim: Claim, assigned: set[int]) -> bool:
        if self.status and claim.status.value != self.status:
            return False
        if (
            self.verdict
            and (claim.final_verdict.value if claim.final_verdict else None) != self.verdict
        ):
            return False
        if self.speaker and self.speaker.casefold() not in (claim.speaker or "").casefold():
            return False
        if self.min_worth and claim.checkworthiness * 100 < self.min_worth:
            return False
        if self.assignee is not None:
            return (not assigned) if self.assignee == 0 else self.assignee in assigned
        return True


def _int_arg(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ------------------------------------------------------------------ bulk decisions


def bulk_decide(session: Session, *, actor, action, claim_ids, note="", reason="",
                verdict=None, user_id=None, due_on=None, versions=None) -> list[dict]:  # fmt: skip
    """Apply one decision to many claims: approve (the reviews' agreed verdict, or the one
    given, with one note), exclude (one reason), assign to a reviewer, set a due date.

    Each claim goes through the same service as one claim would, with every rule (four-eyes,
    a note when reviews disagree, evidence required, approved means locked, versions); the
    services check before they change anything, so a refused claim is left as it was and
    the others go on. Returns one result per claim, in the order given.
    """
    if action not in BULK_ACTIONS:
        raise InvalidInput(
            N_("action must be one of %(value)s", value=", ".join(BULK_ACTIONS)),
            errors={"action": N_("unknown action")},
        )
    require_actor(actor, BULK_ACTIONS[action])
    ids = _claim_ids(claim_ids)
    versions = versions or {}
    if not isinstance(versions, dict):
        raise InvalidInput(
            N_("versions must map claim ids to versions"), errors={"versions": N_("object")}
        )
    do = {"approve": _approve, "exclude": _exclude, "assign": _assign, "due": _due}[action]
    args = {
        "note": note,
        "reason": reason,
        "verdict": verdict,
        "user_id": user_id,
        "due_on": due_on,
    }
    if action == "assign" and user_id in (None, ""):
        raise InvalidInput(N_("choose the reviewer to assign"), errors={"user_id": N_("required")})
    if action == "due" and due_on in (None, ""):
        raise InvalidInput(N_("choose the due date"), errors={"due_on": N_("required")})
    results = []
    for cid in ids:
        try:
            claim = get_claim(session, cid)
            version = versions.get(str(cid), versions.get(cid)) or claim.version
            done = do(session, actor, claim, version, args)
        except FactcheckError as exc:
            results.append({"claim_id": cid, "ok": False, "detail": exc.detail})
            continue
        results.append({"claim_id": cid, "ok": True, "detail": done, "status": claim.status.value,
                        "version": claim.version})  # fmt: skip
    return results


def _claim_ids(value) -> list[int]:
    if not isinstance(value, list) or not value or not all(type(c) is int for c in value):
        raise InvalidInput(
            N_("select at least one claim"),
            errors={"claim_ids": N_("a non-empty list of claim ids")},
        )
    if len(value) > MAX_BULK:
        raise InvalidInput(
            N_("at most %(max_bulk)s claims at once", max_bulk=MAX_BULK),
            errors={"claim_ids": N_("too many")},
        )
    return list(dict.fromkeys(value))


def agreed_verdict(claim: Claim) -> str | None:
    """The verdict every review of the claim gives, or None (no reviews, or they disagree)."""
    verdicts = {
        r.verdict.value if hasattr(r.verdict, "value") else r.verdict for r in claim.reviews
    }
    return verdicts.pop() if len(verdicts) == 1 else None


def _approve(session, actor, claim, version, args) -> str:
    verdict = args["verdict"] or agreed_verdict(claim)
    if verdict is None:
        if claim.reviews:
            raise InvalidInput(
                N_("the reviews disagree: decide this claim on its own, with a verdict and a note")
            )
        raise InvalidInput(N_("it has no review yet"))
    approvals.approve_claim(session, actor=actor, claim_id=claim.id, verdict=verdict,
                            note=args["note"], version=version)  # fmt: skip
    return f"approved: {verdict}"


def _exclude(session, actor, claim, version, args) -> str:
    claims.exclude_claim(
        session, actor=actor, claim_id=claim.id, reason=args["reason"], version=version
    )
    return "excluded"


def _assign(session, actor, claim, version, args) -> str:
    made = assignments.assign(session, actor=actor, user_id=args["user_id"], article_id=claim.article_id,
                              claim_ids=[claim.id], due_on=args["due_on"])  # fmt: skip
    return "assigned" if made else "already assigned to this reviewer"


def _due(session, actor, claim, version, args) -> str:
    set_due(session, actor=actor, claim_id=claim.id, due_on=args["due_on"])
    return f"due {args['due_on']}"


def set_due(session: Session, *, actor, claim_id, due_on) -> list[Assignment]:
    """Set the due date of a claim's own assignments (one audit event for the claim)."""
    require_actor(actor, Permission.ASSIGN)
    due = assignments.parse_due(due_on)
    claim = get_claim(session, claim_id)
    rows = list(session.scalars(select(Assignment).where(Assignment.claim_id == claim.id)))
    if not rows:
        raise NotFound(N_("it is not assigned to anyone by itself: assign it first"))
    before = {"due_on": sorted({r.due_on.isoformat() if r.due_on else "" for r in rows})}
    for row in rows:
        row.due_on = due
    session.flush()
    audit.record(session, actor, "assignment.due_set", "claim", claim.id, article_id=claim.article_id,
                 before=before, after={"due_on": [due.isoformat() if due else ""]})  # fmt: skip
    return rows
