"""Routes declared with their contract: ``@route`` records the request models, answers,
problems and the rules a schema cannot state, registers the Flask view, and validates
each request with the models before the handler runs. openapi.py builds the document
from the same records, so what is checked and what is documented cannot differ.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from flask import request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from factcheck.api import bp
from factcheck.errors import InvalidInput, MalformedJson


@dataclass(frozen=True)
class Answer:
    """A successful answer: its status, body per media type (a response model or a JSON
    Schema), and the headers it carries (names in openapi.HEADERS)."""

    status: int
    content: dict[str, type[BaseModel] | dict]
    description: str = "OK"
    headers: tuple[str, ...] = ()


def answer(model, status: int = 200, description: str = "OK", headers=()) -> Answer:
    """A JSON answer."""
    return Answer(status, {"application/json": model}, description, tuple(headers))


@dataclass(frozen=True)
class Refusal:
    """A rule the JSON Schema cannot state (it depends on stored objects, or on what an
    article's text holds): the status and the ``errors`` field it is reported under."""

    status: int
    field: str
    rule: str


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str  # Flask's, e.g. /claims/<int:claim_id>
    endpoint: str
    summary: str
    answers: tuple[Answer, ...]
    body: type[BaseModel] | None = None  # application/json
    upload: type[BaseModel] | None = None  # multipart/form-data
    query: type[BaseModel] | None = None
    problems: tuple[int, ...] = ()
    refusals: tuple[Refusal, ...] = ()
    versioned: bool = False  # a change to an existing object: version / If-Match, 409, 428
    public: bool = False  # no authentication
    prefer: bool = False  # honours Prefer: respond-async (RFC 7240)

    @property
    def path(self) -> str:
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.rule)

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.rule)

    def statuses(self) -> list[int]:
        """Every problem status this operation can answer with."""
        found = {500, 503, *self.problems}
        found |= set() if self.public else {401, 403}
        found |= {404} if self.path_params else set()
        found |= {400, 413, 415, 422} if self.body or self.upload else set()
        found |= {422} if self.query else set()
        found |= {409, 428} if self.versioned else set()
        found |= {r.status for r in self.refusals}
        return sorted(found)


OPERATIONS: list[Operation] = []


def route(method: str, rule: str, *, summary: str, ok: Answer | tuple[Answer, ...], **contract):
    """Register a view on the API blueprint with its contract (see Operation).

    The handler gets the path's values, and ``body`` / ``query`` as validated models.
    """
    answers = ok if isinstance(ok, tuple) else (ok,)

    def decorate(fn):
        op = Operation(method, rule, f"api.{fn.__name__}", summary, answers, **contract)

        @functools.wraps(fn)
        def view(**values):
            if op.query:
                values["query"] = validate(op.query, request.args.to_dict())
            if op.upload and request.mimetype == "multipart/form-data":
                values["body"] = validate(
                    op.upload, request.form.to_dict() | request.files.to_dict()
                )
            elif op.body:
                values["body"] = validate(op.body, json_body())
            return fn(**values)

        bp.add_url_rule(rule, fn.__name__, view, methods=[method])
        OPERATIONS.append(op)
        return view

    return decorate


def version_of(body) -> object:
    """The version a change is based on: the body's ``version``, else If-Match."""
    if getattr(body, "version", None) not in (None, ""):  # "": a form's empty field
        return body.version
    return request.headers.get("If-Match") or None


def given(body: BaseModel, *names: str) -> dict:
    """The named fields the client sent (null included): absent ones are left out."""
    return {k: getattr(body, k) for k in names if k in body.model_fields_set}


# --------------------------------------------------------------- reading and checking


# The desk's bodies nest three levels deep (an object, a list of links, a link); a body
# nested far deeper is hostile, and Python's parser and every walk over it recurse.
JSON_MAX_DEPTH = 32
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_OPEN_CLOSE = bytes.maketrans(b"", b"")


def json_depth(raw: bytes) -> int:
    """The deepest nesting of [ and { in a JSON text (strings skipped): linear, no recursion."""
    brackets = _JSON_STRING.sub(b"", raw).translate(_OPEN_CLOSE, _NOT_BRACKETS)
    depth = deepest = 0
    for opened in brackets.replace(b"{", b"[").replace(b"}", b"]").split(b"]"):
        depth += len(opened)
        deepest = max(deepest, depth)
        depth -= 1
    return deepest


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_body() -> dict:
    """The request's JSON object: 400 when it does not parse or nests deeper than
    JSON_MAX_DEPTH, 422 when it is not an object (or holds text UTF-8 cannot encode), 413
    when too large."""
    raw = request.get_data(cache=True)
    if json_depth(raw) > JSON_MAX_DEPTH:
        raise MalformedJson(f"the JSON body nests deeper than {JSON_MAX_DEPTH} levels",
                            errors={"body": f"nested deeper than {JSON_MAX_DEPTH} levels"})  # fmt: skip
    try:
        data = request.get_json(silent=False)
    except RequestEntityTooLarge:
        raise  # 413, also for chunked bodies without a Content-Length
    except BadRequest:
        raise MalformedJson(
            "the request body is not well-formed JSON", errors={"body": "malformed JSON"}
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput(
            "the request body must be a JSON object", errors={"body": "JSON object expected"}
        )
    bad = _not_unicode(data)
    if bad is not None:
        raise InvalidInput(f"{bad} is not valid Unicode text", errors={bad: "invalid Unicode"})
    return data


def _not_unicode(value, path: str = "body") -> str | None:
    """The first field holding a string UTF-8 cannot encode (JSON allows a lone surrogate)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _not_unicode(item, str(key) if path == "body" else f"{path}.{key}")
        if found:
            return found
    return None


def validate(model: type[BaseModel], data: dict) -> BaseModel:
    """The model, or InvalidInput (422) with one plain message per bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        renamed = getattr(model, "error_fields", {})
        errors = {}
        for e in exc.errors(include_url=False):
            name = _field(e["loc"])
            errors.setdefault(renamed.get(name, name), _message(e))
        unknown = [k for k, v in errors.items() if v == "unknown field"]
        if len(unknown) == len(errors):
            detail = f"unknown field(s): {', '.join(sorted(unknown))}"
        else:
            detail = "; ".join(f"{k}: {v}" for k, v in errors.items())
        raise InvalidInput(detail, errors=errors) from None


def _field(loc: tuple) -> str:
    """('links', 0, 'url') -> links[0].url, as the services name nested fields."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


_MESSAGES = {
    "missing": "required",
    "extra_forbidden": "unknown field",
    "string_type": "must be text",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be an integer",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
}


def _message(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "literal_error":
        return "must be " + ctx["expected"].replace("'", "")
    if kind in ("greater_than_equal", "less_than_equal"):
        return (
            f"at {'least' if kind == 'greater_than_equal' else 'most'} {next(iter(ctx.values()))}"
        )
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]
