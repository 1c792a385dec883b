"""Accounts over the API (admins)."""

from __future__ import annotations

from flask import jsonify

from factcheck.api import requests as inp
from factcheck.api import responses as out
from factcheck.api.contract import answer, given, route
from factcheck.api.serializers import user_json
from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.permissions import Permission, require
from factcheck.services import users
from factcheck.services.common import get_user
from factcheck.web.auth import current_actor


@route("GET", "/users", summary="Accounts (admins)", ok=answer(out.UserPage))
def list_users():
    require(current_actor(), Permission.MANAGE_USERS)
    items = [user_json(u) for u in users.list_users(db.session)]
    return jsonify({"items": items, "page": 1, "per_page": len(items), "total": len(items)})


@route("GET", "/users/<int:user_id>", summary="An account (admins)", ok=answer(out.User))
def read_user(user_id: int):
    require(current_actor(), Permission.MANAGE_USERS)
    return jsonify(user_json(get_user(db.session, user_id)))


@route("POST", "/users", summary="Create an account (admins)", body=inp.NewUser,
       ok=answer(out.User, 201, "Created"), problems=(409,))  # fmt: skip
def create_user(body: inp.NewUser):
    with transaction() as s:
        user = users.create_user(s, actor=current_actor(), email=body.email,
                                 display_name=body.display_name, role=body.role,
                                 password=body.password)  # fmt: skip
        user_id = user.id
    return jsonify(user_json(get_user(db.session, user_id))), 201


@route("PATCH", "/users/<int:user_id>", summary="Change role, name or active (admins)",
       body=inp.UserChange, ok=answer(out.User), problems=(409,))  # fmt: skip
def update_user(user_id: int, body: inp.UserChange):
    with transaction() as s:
        users.update_user(s, actor=current_actor(), user_id=user_id,
                          **given(body, "role", "active", "display_name"))  # fmt: skip
    return jsonify(user_json(get_user(db.session, user_id)))
