"""Field types of the API's request models: what each checks, and what the document says.

A request model checks the JSON types, which fields are required and which values an
enumeration allows (contract.parse_json). The rules a service owns (a text's length
after trimming, a URL's host, an id that must exist) stay in the service, with its
message; the model states them in the document through ``doc`` and ``limit`` so the
document describes every rule the server applies.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, GetJsonSchemaHandler, WithJsonSchema
from pydantic_core import core_schema

from factcheck.settings import settings_of

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL (services.common.MAX_ID)
NO_NUL = r"^[^\x00]*$"
# What str.strip() trims, spelt out: \s means less in ECMA-262 (the document's dialect).
SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Something left after trimming whitespace, and no NUL character.
NOT_BLANK = rf"^[^\x00]*[^\x00{SPACE}][^\x00]*$"
EMPTY = {"maxLength": 0, "description": "empty: not given"}
# A date, or a date-time whose date is kept (the date is what the service stores).
DATE_OR_TIME = [{"format": "date"}, {"format": "date-time"}, EMPTY]
HTTP_URL = rf"^[Hh][Tt][Tt][Pp][Ss]?://[^{SPACE}/?#@]"  # http(s), a host first; the service decides


def doc(**schema: Any):
    """Document a rule another layer enforces (a service, with its own message)."""
    return Field(json_schema_extra=schema)


class limit:  # noqa: N801 - used as an annotation, like pydantic's own markers
    """maxLength (or maxItems) from the configured settings, read when the document is built."""

    def __init__(self, name: str, key: str = "maxLength"):
        self.name, self.key = name, key

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict:
        out = handler(schema)
        target = handler.resolve_ref_schema(out)
        target[self.key] = getattr(settings_of(), self.name)
        return out


def Text(name: str | None = None, *, blank: bool = True, **schema: Any):
    """A text field a service trims and checks: no NUL, at most the setting <name> characters."""
    marks = [doc(pattern=NO_NUL if blank else NOT_BLANK, **schema)]
    return Annotated[(str, *marks, *([limit(name)] if name else []))]


def Url(name: str = "MAX_URL_CHARS", **schema: Any):
    return Annotated[str, doc(format="uri", pattern=HTTP_URL, **schema), limit(name)]


def _integral(value):
    """JSON Schema's integer: 3.0 is one (JSON does not tell 3.0 from 3); true is not."""
    return int(value) if type(value) is float and value.is_integer() else value


Integer = Annotated[int, BeforeValidator(_integral)]
Id = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_integral)]
# A version in the body: what the change is based on; null (or absent) reads If-Match.
Version = Annotated[
    Integer | None,
    Field(
        default=None,
        description="the version the change is based on (or send If-Match); "
        "stale: 409 with current_version, missing: 428",
    ),
]
DateOrTime = Annotated[str, doc(anyOf=DATE_OR_TIME)]
Binary = Annotated[Any, WithJsonSchema({"type": "string", "format": "binary"})]
