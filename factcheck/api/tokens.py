"""Tokens and the caller."""

from __future__ import annotations

from flask import jsonify

from factcheck.api import requests as inp
from factcheck.api import responses as out
from factcheck.api.contract import answer, route
from factcheck.api.serializers import user_json
from factcheck.database import transaction
from factcheck.errors import NotAuthenticated
from factcheck.extensions import db
from factcheck.models import iso, utcnow
from factcheck.services import users
from factcheck.web.auth import current_actor


@route("POST", "/tokens", summary="Create a personal API token (shown once)", public=True,
       body=inp.TokenRequest, ok=answer(out.Token, 201, "Created"), problems=(401, 429))  # fmt: skip
def create_token(body: inp.TokenRequest):
    """Exchange email + password for a new personal token (shown once)."""
    given = {"email": body.email, "password": body.password, "code": body.code}
    checked = users.prepare_sign_in(db.session, **given)  # Argon2 before the write turn
    with transaction() as s:
        user = users.sign_in(s, **given, checked=checked)
        if user is not None:
            token, plaintext = users.create_token(
                s, actor=user, name=body.name or "api", expires_days=body.expires_days,
                read_only=body.read_only, authenticated_at=utcnow(),  # just signed in
            )  # fmt: skip
            result = {"id": token.id, "name": token.name, "token": plaintext,
                      "expires_at": iso(token.expires_at), "read_only": token.read_only}  # fmt: skip
    if user is None:
        raise NotAuthenticated("wrong email or password, or the account is deactivated")
    return jsonify(result), 201


@route("GET", "/me", summary="The caller", ok=answer(out.User))
def me():
    return jsonify(user_json(current_actor()))
