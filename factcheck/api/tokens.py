"""Tokens and the caller."""

from __future__ import annotations

from flask import jsonify

from factcheck.api import bp, json_body, only, typed
from factcheck.api.serializers import user_json
from factcheck.database import transaction
from factcheck.errors import NotAuthenticated
from factcheck.services import users
from factcheck.web.auth import current_actor


@bp.post("/tokens")
def create_token():
    """Exchange email + password for a new personal token (shown once)."""
    data = only(json_body(), {"email", "password", "name", "code"})
    typed(data, dict.fromkeys(("email", "password", "name", "code"), str))  # a number -> 500
    with transaction() as s:
        user = users.sign_in(
            s, email=data.get("email"), password=data.get("password"), code=data.get("code")
        )
        if user is not None:
            token, plaintext = users.create_token(s, actor=user, name=data.get("name") or "api")
            result = {"id": token.id, "name": token.name, "token": plaintext}
    if user is None:
        raise NotAuthenticated("wrong email or password, or the account is deactivated")
    return jsonify(result), 201


@bp.get("/me")
def me():
    return jsonify(user_json(current_actor()))
