"""What changed between two versions of an article: the text, and each claim's outcome.

Read-only. The text diff is `text/diffing.py` over the two stored bodies. The claims'
outcomes come from the audit trail of the corrections in between (`claim.reanchored`
and `claim.added`, whose `after` names the `anchor` kind and the `body_version`), so
a→c over several corrections is the net change: a claim edited in b and moved in c is
edited; one added in b and removed in c existed in neither and is left out, as are claims
no longer stored (merged into another, or split again by a language change). Only claim
text, number and status are returned: no review verdict or note (blind review).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, undefer

from factcheck.errors import N_, InvalidInput, NotFound
from factcheck.models import ArticleVersion, AuditEvent, Claim
from factcheck.permissions import Permission, require
from factcheck.services.common import get_article
from factcheck.text.diffing import Piece, TextDiff, diff_texts, diff_words

GROUPS = ("edited", "moved", "orphaned", "new", "unchanged")
EVENTS = ("claim.reanchored", "claim.added")


@dataclass(frozen=True)
class ClaimChange:
    claim_id: int
    number: int | None  # the claim's kept number (None if the claim no longer exists)
    outcome: str  # one of GROUPS
    status: str | None
    old_text: str | None  # at version a (None for a new claim)
    new_text: str | None  # at version b (None for an orphaned claim)
    version: int | None = None  # the correction that added or orphaned it (None: by hand)

    @property
    def pieces(self) -> list[Piece]:
        """An edited claim's old → new text, word by word."""
        return diff_words(self.old_text or "", self.new_text or "")


@dataclass
class VersionDiff:
    article_id: int
    title: str
    versions: list[int]  # every version number of the article
    a: int
    b: int
    text: TextDiff
    groups: dict[str, list[ClaimChange]] = field(default_factory=dict)


def version_numbers(session: Session, article_id: int) -> list[int]:
    return list(session.scalars(select(ArticleVersion.number).where(
        ArticleVersion.article_id == article_id).order_by(ArticleVersion.number)))  # fmt: skip


def resolve(numbers: list[int], a: int | None, b: int | None, *, what: str) -> tuple[int, int]:
    """The pair asked for, by default the previous version → the current one."""
    if not numbers:
        raise NotFound(N_("%(what)s has no stored version", what=what))
    b = numbers[-1] if b is None else b
    a = max((n for n in numbers if n < b), default=b) if a is None else a  # the one before
    for name, n in (("from", a), ("to", b)):
        if n not in numbers:
            raise NotFound(N_("%(what)s has no version %(n)s (versions 1 to %(numbers)s)", what=what, n=n, numbers=numbers[-1]),
                           errors={name: N_("no version %(n)s", n=n)})  # fmt: skip
    if a > b:
        raise InvalidInput(
            N_(
                "version %(a)s comes after version %(b)s: ask from the older to the newer", a=a, b=b
            ),
            errors={"from": N_("must not be after 'to'")},
        )
    return a, b


def diff_versions(session: Session, *, actor, article_id, a: int | None = None, b: int | None = None,
                  word_budget: int | None = None) -> VersionDiff:  # fmt: skip
    """The text diff and the claims grouped by outcome between versions a ≤ b."""
    article = get_article(session, article_id)
    require(actor, Permission.USE_DESK)
    numbers = version_numbers(session, article.id)
    a, b = resolve(numbers, a, b, what=N_("article %(id)s", id=article.id))
    rows = {v.number: v for v in session.scalars(select(ArticleVersion).where(
        ArticleVersion.article_id == article.id, ArticleVersion.number.in_({a, b}))
        .options(undefer(ArticleVersion.body)))}  # fmt: skip
    text = diff_texts(rows[a].body, rows[b].body, word_budget=word_budget)
    diff = VersionDiff(article.id, article.title, numbers, a, b, text)
    diff.groups = _claim_groups(session, article, a, b) if a < b else {g: [] for g in GROUPS}
    return diff


def _version_at(session: Session, article_id: int):
    """A function: the version in effect at a moment (by the versions' import times)."""
    stamps = session.execute(select(ArticleVersion.created_at, ArticleVersion.number).where(
        ArticleVersion.article_id == article_id).order_by(ArticleVersion.number)).all()  # fmt: skip
    times = [t for t, _n in stamps]
    return lambda moment: stamps[max(bisect_right(times, moment) - 1, 0)][1] if stamps else 1


def _claim_groups(session: Session, article, a: int, b: int) -> dict[str, list[ClaimChange]]:
    # Every claim event, in the writer's order: an event keeps only the keys it changed, so
    # a claim's text at a moment is the "before" of its next event that changed the text.
    history: dict[int, list[tuple[int, str, dict, dict]]] = {}
    starts: dict[int, int] = {}  # version → the first event id of its import
    for ev in session.scalars(select(AuditEvent).where(
            AuditEvent.article_id == article.id,
            or_(AuditEvent.target_type == "claim", AuditEvent.action == "article.version_imported"))
            .order_by(AuditEvent.id)):  # fmt: skip
        after = ev.after or {}
        if ev.action == "article.version_imported":
            if isinstance(after.get("version"), int):
                starts[after["version"]] = min(starts.get(after["version"], ev.id), ev.id)
            continue
        if ev.action in EVENTS and isinstance(after.get("body_version"), int):
            starts[after["body_version"]] = min(starts.get(after["body_version"], ev.id), ev.id)
        if ev.target_id is not None:
            history.setdefault(ev.target_id, []).append((ev.id, ev.action, ev.before or {}, after))
    claims = {c.id: c for c in session.scalars(select(Claim).where(Claim.article_id == article.id))}
    version_at = _version_at(session, article.id)
    groups: dict[str, list[ClaimChange]] = {g: [] for g in GROUPS}
    for cid in sorted(claims):  # a claim merged away or split again is not listed
        life = _Life(claims[cid], history.get(cid, []), version_at)
        change = life.outcome(cid, a, b, starts.get(b + 1))
        if change is not None:
            groups[change.outcome].append(change)
    for items in groups.values():
        items.sort(key=lambda c: (c.number is None, c.number or 0, c.claim_id))
    return groups


class _Life:
    """One claim across the versions, from its row and its audit events."""

    def __init__(self, claim: Claim, events: list, version_at) -> None:
        self.claim, self.events = claim, events
        self.corrections: list[tuple[int, int, str]] = []  # (event id, version, anchor kind)
        kind = None
        for eid, action, _before, after in events:
            if action not in EVENTS or not isinstance(after.get("body_version"), int):
                continue
            kind = "new" if action == "claim.added" else (after.get("anchor") or kind or "")
            self.corrections.append((eid, after["body_version"], kind))
        self.added = next((v for _e, v, k in self.corrections if k == "new"), None)
        # a claim added by hand (or by a new language's split) belongs to the version then
        self.born = self.added if self.added is not None else version_at(claim.created_at)
        self.died = next((v for _e, v, k in self.corrections if k == "orphaned"), None)

    def alive(self, n: int) -> bool:
        return self.born <= n and (self.died is None or n < self.died)

    def value(self, key: str, at: int | None):
        """The claim's field just before event id `at` (None: now)."""
        for eid, _action, before, _after in self.events:
            if (at is None or eid >= at) and key in before:
                return before[key]
        return getattr(self.claim, key)

    def outcome(self, cid: int, a: int, b: int, end_of_b: int | None) -> ClaimChange | None:
        claim = self.claim
        number, status = claim.number, getattr(claim.status, "value", claim.status)
        inside = [(e, v, k) for e, v, k in self.corrections if a < v <= b and k != "new"]
        at_b = self.value("text", end_of_b)
        if self.alive(a) and self.alive(b):
            if not inside:
                return ClaimChange(cid, number, "unchanged", status, at_b, at_b)
            first, last = inside[0][0], inside[-1][0] + 1
            old, new = self.value("text", first), self.value("text", last)
            if old != new:
                return ClaimChange(cid, number, "edited", status, old, new)
            moved = self.value("start", first) != self.value("start", last)
            return ClaimChange(cid, number, "moved" if moved else "unchanged", status, old, new)
        if self.alive(a) and self.died is not None and a < self.died <= b:
            orphaning = next(e for e, _v, k in self.corrections if k == "orphaned")
            return ClaimChange(cid, number, "orphaned", status, self.value("text", orphaning), None,
                               self.died)  # fmt: skip
        if self.alive(b) and a < self.born <= b:
            return ClaimChange(cid, number, "new", status, None, at_b, self.added)
        return None
