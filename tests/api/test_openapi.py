"""The OpenAPI document and the app cannot disagree about which operations exist."""

from __future__ import annotations

import re


def _routes(app) -> set[tuple[str, str]]:
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        out |= {(m.lower(), path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return out


def test_every_route_is_documented_and_every_documented_path_exists(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert _routes(app) == documented


def test_openapi_is_public_and_refs_resolve(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    doc = resp.get_json()
    text = resp.get_data(as_text=True)
    for ref in set(re.findall(r'"#/components/schemas/(\w+)"', text)):
        assert ref in doc["components"]["schemas"], ref
