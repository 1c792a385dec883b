"""The search page: claims across articles by their words, speaker and the review notes the
signed-in person may read (blind review), with filters, a page at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from factcheck.errors import InvalidInput
from factcheck.extensions import db
from factcheck.models import ClaimStatus, Verdict
from factcheck.services import search
from factcheck.text.language import LANGUAGES

bp = Blueprint("search", __name__, url_prefix="/search")
PER_PAGE = 20
FILTERS = ("status", "verdict", "speaker", "language", "since", "until")


def _choice(name: str, values) -> str | None:
    value = request.args.get(name) or None
    return value if value in {v.value if hasattr(v, "value") else v for v in values} else None


def _day(name: str, end: bool = False) -> tuple[str, datetime | None]:
    value = (request.args.get(name) or "").strip()[:10]
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return "", None
    return value, datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


def _article_arg() -> int | None:
    value = request.args.get("article", "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None  # no overflow


def _args() -> dict:
    since_text, since = _day("since")
    until_text, until = _day("until", end=True)
    page = request.args.get("page", "1")
    return {
        "q": (request.args.get("q") or "").replace("\x00", ""),
        "status": _choice("status", ClaimStatus), "verdict": _choice("verdict", Verdict),
        "speaker": (request.args.get("speaker") or "").replace("\x00", "").strip()[:200] or None,
        "language": _choice("language", LANGUAGES), "since": since, "until": until,
        "article_id": _article_arg(),
        "page": max(1, min(int(page), 100_000)) if page.isdigit() else 1,
        "shown": {"since": since_text, "until": until_text},
    }  # fmt: skip


@bp.get("")
@login_required
def index():
    args = _args()
    shown = args.pop("shown")
    items, total, exact, error = [], 0, True, None
    try:
        found = search.find_claims(db.session, current_user, per_page=PER_PAGE, **args)
        items, total, exact = found.items, found.total, found.exact
    except InvalidInput:
        error = _("The search is too long: at most %(num)d characters.", num=search.MAX_QUERY_CHARS)
    for item in items:
        item["parts"] = search.snippet_parts(item["snippet"])
    asked = bool(search.query_terms(args["q"][: search.MAX_QUERY_CHARS])) or any(
        args[k]
        for k in ("status", "verdict", "speaker", "language", "since", "until", "article_id")
    )
    keep = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("search/index.html", items=items, total=total, exact=exact, error=error,
                           asked=asked, args=args, shown=shown, keep=keep, page=args["page"],
                           per_page=PER_PAGE, ClaimStatus=ClaimStatus, Verdict=Verdict,
                           LANGUAGES=LANGUAGES), (422 if error else 200)  # fmt: skip
