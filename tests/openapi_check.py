"""Validate API responses against the OpenAPI document (used by the tests' Api client).

Every response the API test suite receives is checked: its status must be documented
for the operation, and a JSON body must match the documented schema. So the document
and the app cannot drift apart without a test failing.
"""

from __future__ import annotations

import re

from jsonschema import Draft202012Validator
from werkzeug.exceptions import HTTPException

from factcheck.api.openapi import document
from factcheck.settings import Settings, using

_cache: dict = {}
with using(Settings()):  # the response schemas do not depend on the configured limits
    DOCUMENT = document()


def _template(app, path: str, method: str) -> str | None:
    try:
        rule, _args = app.url_map.bind("localhost").match(
            path.split("?")[0], method=method, return_rule=True
        )
    except HTTPException:
        return None
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))


def check_response(app, method: str, path: str, response) -> None:
    """Raise AssertionError when the response is not what the document promises."""
    template = _template(app, path, method)
    if template is None:
        return  # 404/405 for an unknown route: nothing documented to compare
    operation = DOCUMENT["paths"].get(template, {}).get(method.lower())
    assert operation is not None, f"{method} {template} is not in the OpenAPI document"
    status = str(response.status_code)
    documented = operation["responses"]
    if status not in documented:
        if response.status_code >= 500:
            raise AssertionError(
                f"{method} {path} answered {status}: {response.get_data(as_text=True)[:300]}"
            )
        raise AssertionError(
            f"{method} {template}: status {status} is not documented ({sorted(documented)})"
        )
    answer = documented[status]
    if "$ref" in answer:  # a shared answer: #/components/responses/<name>
        answer = DOCUMENT["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    content = answer.get("content") or {}
    media = response.mimetype
    if media not in ("application/json", "application/problem+json"):
        return
    spec = content.get(media)
    assert spec is not None, (
        f"{method} {template} {status}: {media} is not documented ({sorted(content)})"
    )
    key = (template, method, status, media)
    if key not in _cache:
        _cache[key] = Draft202012Validator({**spec["schema"], "components": DOCUMENT["components"]})
    errors = sorted(_cache[key].iter_errors(response.get_json()), key=lambda e: list(e.path))
    assert not errors, f"{method} {template} {status}: " + "; ".join(
        f"{'/'.join(map(str, e.path))}: {e.message[:200]}" for e in errors[:5]
    )
