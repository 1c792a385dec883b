"""Checks JSON-LD against the schema.org vocabulary file (release 30.0, vendored gzipped in
data/ with its Apache-2.0 licence): every type a class, every property one whose domain
includes the object's type (or a type it inherits from), and every value in its range."""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

VOCABULARY = Path(__file__).parent / "data" / "schemaorg-current-https-30.0.jsonld.gz"
TEXTUAL = {"Text", "URL", "Date", "DateTime", "Time", "CssSelectorType", "XPathType"}
NUMERIC = {"Number", "Integer", "Float"}


def _ids(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [i["@id"].removeprefix("schema:") for i in items if isinstance(i, dict)]


@functools.cache
def vocabulary() -> tuple[dict, dict]:
    """(classes: name -> parents, properties: name -> (domains, ranges))."""
    graph = json.loads(gzip.decompress(VOCABULARY.read_bytes()))["@graph"]
    classes, properties = {}, {}
    for node in graph:
        name = node["@id"].removeprefix("schema:")
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if "rdfs:Class" in kinds or "schema:DataType" in kinds:
            classes[name] = _ids(node.get("rdfs:subClassOf", []))
        if "rdf:Property" in kinds:
            properties[name] = (
                set(_ids(node.get("schema:domainIncludes", []))),
                set(_ids(node.get("schema:rangeIncludes", []))),
            )
    return classes, properties


def ancestors(name: str) -> set[str]:
    classes, _ = vocabulary()
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(classes.get(current, []))
    return seen


def problems(node: dict, path: str = "$") -> list[str]:
    """Every way ``node`` (a JSON-LD object with @type) departs from the vocabulary."""
    classes, properties = vocabulary()
    kind = node.get("@type")
    if kind not in classes:
        return [f"{path}: @type {kind!r} is not a schema.org class"]
    found, lineage = [], ancestors(kind)
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if key not in properties:
            found.append(f"{path}.{key}: not a schema.org property")
            continue
        domains, ranges = properties[key]
        if not domains & lineage:
            found.append(f"{path}.{key}: not a property of {kind} (domain {sorted(domains)})")
        for item in value if isinstance(value, list) else [value]:
            found.extend(_value_problems(item, ranges, f"{path}.{key}"))
    return found


def _value_problems(value, ranges: set[str], path: str) -> list[str]:
    expanded = set().union(*(_descendants_or_self(r) for r in ranges))
    if isinstance(value, dict):
        if not ancestors(value.get("@type", "")) & expanded:
            return [f"{path}: a {value.get('@type')} is not in the range {sorted(ranges)}"]
        return problems(value, path)
    if isinstance(value, bool):
        return [] if "Boolean" in expanded else [f"{path}: a boolean is not in {sorted(ranges)}"]
    if isinstance(value, int | float):
        return [] if expanded & NUMERIC else [f"{path}: a number is not in {sorted(ranges)}"]
    if isinstance(value, str):
        return [] if expanded & TEXTUAL else [f"{path}: text is not in {sorted(ranges)}"]
    return [f"{path}: unexpected value {value!r}"]


def _descendants_or_self(name: str) -> set[str]:
    classes, _ = vocabulary()
    return {c for c in classes if name in ancestors(c)} | {name}
