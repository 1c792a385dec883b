"""Helpers every service uses: loading, version checks, input checks, snapshots."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from factcheck.errors import N_, Conflict, InvalidInput, Msg, NotFound, VersionRequired
from factcheck.models import Article, ArticleStatus, Claim, ClaimStatus, User, Verdict, iso

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def parse_id(value, field: str = "id") -> int:
    """An object id: an int (or digits), never a boolean, within the database's range."""
    plain = isinstance(value, int | str) and not isinstance(value, bool)
    text = str(value).strip() if plain else ""
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise InvalidInput(
            N_("%(field)s must be an integer id", field=field), errors={field: N_("integer id")}
        )
    return int(text)


def _missing(model, obj_id) -> NotFound:
    return NotFound(N_("%(kind)s %(id)s does not exist", kind=model.__name__.lower(), id=obj_id))


def primary_key(model, obj_id) -> int:
    """An id as given in a URL or body, or NotFound (an id out of range does not exist)."""
    if isinstance(obj_id, bool):
        raise InvalidInput(
            N_("an id must be an integer, not true/false"), errors={"id": N_("integer id")}
        )
    try:
        obj_id = int(obj_id)
    except (TypeError, ValueError):
        raise NotFound(N_("no such %(kind)s", kind=model.__tablename__[:-1])) from None
    if not 0 < obj_id <= MAX_ID:
        raise _missing(model, obj_id)
    return obj_id


def get_or_404(session: Session, model, obj_id, *, for_update: bool = False):
    """Load by primary key or raise NotFound (an id out of range does not exist either)."""
    obj_id = primary_key(model, obj_id)
    obj = session.get(model, obj_id, with_for_update=for_update or None)
    if obj is None:
        raise _missing(model, obj_id)
    return obj


def get_claim(session: Session, claim_id, *, for_update: bool = False) -> Claim:
    return get_or_404(session, Claim, claim_id, for_update=for_update)


def get_article(session: Session, article_id, *, for_update: bool = False) -> Article:
    return get_or_404(session, Article, article_id, for_update=for_update)


def get_user(session: Session, user_id) -> User:
    return get_or_404(session, User, user_id)


def parse_version(version) -> int | None:
    """A client version: None, an int, or a numeric string (also from If-Match)."""
    if version is None or version == "":
        return None
    if isinstance(version, bool):
        raise InvalidInput(
            N_("version must be an integer"), errors={"version": N_("must be an integer")}
        )
    try:
        return int(str(version).strip().strip('"').removeprefix("W/").strip('"'))
    except ValueError:
        raise InvalidInput(
            N_("version must be an integer"), errors={"version": N_("must be an integer")}
        ) from None


def check_version(obj, version, *, what: str) -> None:
    """Refuse a change based on a stale copy (409), or made without a version (428)."""
    check_version_number(obj.version, version, what=what)


def check_version_number(current: int, version, *, what: str) -> None:
    """check_version for a version read without loading the object."""
    version = parse_version(version)
    if version is None:
        raise VersionRequired(
            N_("%(what)s already exists: send the version your change is based on", what=what),
            current_version=current,
        )
    if version != current:
        raise Conflict(
            N_(
                "%(what)s was changed by someone else meanwhile (you had version %(version)s, "
                "it is now version %(current)s); reload and apply your change again",
                what=what,
                version=version,
                current=current,
            ),
            current_version=current,
        )


def clean_text(value, field: str, *, max_chars: int, required: bool = False) -> str:
    """Strip a text field, refusing NUL characters, over-long and (if required) empty values."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(
            N_("%(field)s must be text", field=field), errors={field: N_("must be text")}
        )
    value = value.strip()
    if "\x00" in value:
        raise InvalidInput(
            N_("%(field)s contains NUL characters", field=field), errors={field: N_("contains NUL")}
        )
    if len(value) > max_chars:
        raise InvalidInput(
            N_("%(field)s is too long (at most %(max)s characters)", field=field, max=max_chars),
            errors={field: N_("at most %(max)s characters", max=max_chars)},
        )
    if required and not value:
        raise InvalidInput(N_("%(field)s is required", field=field), errors={field: N_("required")})
    return value


def check_http_url(value, field: str, *, max_chars: int, required: bool = True) -> str | None:
    """An absolute http(s) URL with a host, or a clear error (no javascript:, data:, //x)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(
                N_("%(field)s is required", field=field), errors={field: N_("required")}
            )
        return None
    if not isinstance(value, str):
        raise InvalidInput(
            N_("%(field)s must be a URL", field=field), errors={field: N_("must be a URL")}
        )
    url = value.strip()
    if len(url) > max_chars:
        raise InvalidInput(
            N_("%(field)s is too long", field=field),
            errors={field: N_("at most %(max)s characters", max=max_chars)},
        )
    if any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in url) or " " in url:
        raise InvalidInput(
            N_("%(field)s must not contain spaces or control characters", field=field),
            errors={field: N_("must be an http or https URL")},
        )
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise InvalidInput(
            N_("%(field)s must be an http or https URL", field=field),
            errors={field: N_("must be http or https")},
        )
    return url


def article_snapshot(a: Article) -> dict:
    return {"title": a.title, "status": a.status, "version": a.version}


def claim_snapshot(c: Claim) -> dict:
    return {
        "start": c.start,
        "end": c.end,
        "text": c.text,
        "statement": c.statement,
        "speaker": c.speaker,
        "speaker_type": c.speaker_type,
        "speaker_confidence": c.speaker_confidence,
        "status": c.status,
        "final_verdict": c.final_verdict,
        "approval_note": c.approval_note,
        "return_comment": c.return_comment,
        "excluded_reason": c.excluded_reason,
        "approved_at": iso(c.approved_at),
    }


def claim_from_span(span, **fields) -> Claim:
    """A claim row as the splitter found it: the one place that copies a span's fields
    (import, corrected version and language change all add claims this way)."""
    return Claim(start=span.start, end=span.end, text=span.text, speaker=span.speaker,
                 speaker_type=span.speaker_type, speaker_confidence=span.speaker_confidence,
                 is_quote=span.is_quote, checkworthiness=round(span.checkworthiness, 3),
                 reasons=list(span.reasons), **fields)  # fmt: skip


# ------------------------------------------------------------ a refusal kept for later
# A failed job keeps why it failed for its status page, which may be read in Spanish days
# later: the English text alone cannot be translated once its values are in it ("the
# publisher answered 404 for https://…"). msg_json keeps a Msg's template and values in a
# JSON column; msg_from_json gives the Msg back, whose English is the same text.
_STATUSES = {e.__name__: e for e in (ArticleStatus, ClaimStatus, Verdict)}  # what say() translates


def msg_json(text) -> dict | str:
    """A refusal as JSON: a Msg as its template and values (a Msg value in turn, a status by
    its kind and value); any other text as it is."""
    if not isinstance(text, Msg):
        return str(text)
    return {
        "template": text.template,
        "values": {k: _value_json(v) for k, v in text.values.items()},
    }


def _value_json(value):
    if isinstance(value, Msg):
        return {"msg": msg_json(value)}
    for name, kind in _STATUSES.items():
        if isinstance(value, kind):
            return {"status": name, "value": value.value}
    return value if isinstance(value, int | float | str) or value is None else str(value)


def msg_from_json(data) -> str:
    """The text msg_json kept: a Msg again, or the text; one it cannot read, as its JSON."""
    if isinstance(data, str):
        return data
    try:
        return Msg(data["template"], **{k: _value_from(v) for k, v in data["values"].items()})
    except (KeyError, TypeError, ValueError, AttributeError):
        return str(data)


def _value_from(value):
    if isinstance(value, dict) and "msg" in value:
        return msg_from_json(value["msg"])
    if isinstance(value, dict) and "status" in value:
        return _STATUSES[value["status"]](value["value"])
    return value
