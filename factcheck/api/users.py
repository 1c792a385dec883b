"""Accounts over the API (admins)."""

from __future__ import annotations

from flask import jsonify

from factcheck.api import bp, json_body, only, typed
from factcheck.api.serializers import user_json
from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.permissions import Permission, require
from factcheck.services import users
from factcheck.services.common import get_user
from factcheck.web.auth import current_actor


@bp.get("/users")
def list_users():
    require(current_actor(), Permission.MANAGE_USERS)
    items = [user_json(u) for u in users.list_users(db.session)]
    return jsonify({"items": items, "page": 1, "per_page": len(items), "total": len(items)})


@bp.get("/users/<int:user_id>")
def read_user(user_id: int):
    require(current_actor(), Permission.MANAGE_USERS)
    return jsonify(user_json(get_user(db.session, user_id)))


@bp.post("/users")
def create_user():
    data = only(json_body(), {"email", "display_name", "role", "password"})
    typed(data, dict.fromkeys(("email", "display_name", "role", "password"), str))
    with transaction() as s:
        user = users.create_user(s, actor=current_actor(), email=data.get("email"),
                                 display_name=data.get("display_name"), role=data.get("role") or "reviewer",
                                 password=data.get("password"))  # fmt: skip
        user_id = user.id
    return jsonify(user_json(get_user(db.session, user_id))), 201


@bp.patch("/users/<int:user_id>")
def update_user(user_id: int):
    data = only(json_body(), {"display_name", "role", "active"})
    typed(data, {"display_name": str, "role": str, "active": bool})
    with transaction() as s:
        users.update_user(s, actor=current_actor(), user_id=user_id, role=data.get("role"),
                          active=data.get("active"), display_name=data.get("display_name"))  # fmt: skip
    return jsonify(user_json(get_user(db.session, user_id)))
