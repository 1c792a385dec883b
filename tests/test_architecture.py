"""House rules (ARCHITECTURE.md) checked by parsing the source: each layer imports and
changes only what it may."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "factcheck"
WEB_MODULES = {
    "flask",
    "flask_login",
    "flask_wtf",
    "flask_sqlalchemy",
    "flask_migrate",
    "werkzeug",
    "wtforms",
}


def _files(sub: str) -> list[Path]:
    files = sorted((PKG / sub).rglob("*.py"))
    assert files, f"factcheck/{sub} has no Python files"
    return files


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute-ish module name) of every import; relative imports resolved to factcheck.*."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    package = ".".join(path.relative_to(PKG.parent).with_suffix("").parts[:-1])
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
                names = [module] if node.module else [f"{module}.{a.name}" for a in node.names]
                out += [(node.lineno, n) for n in names]
            else:
                out.append((node.lineno, node.module or ""))
    return out


def _offenders(sub: str, forbidden) -> list[str]:
    bad = []
    for path in _files(sub):
        for line, module in _imports(path):
            if forbidden(module):
                bad.append(f"{path.relative_to(PKG.parent)}:{line} imports {module}")
    return bad


def _top(module: str) -> str:
    return module.split(".")[0]


def test_text_engine_is_pure_python():
    bad = _offenders("text", lambda m: _top(m) in WEB_MODULES | {"sqlalchemy", "alembic", "psycopg"}
                     or (m.startswith("factcheck.") and not m.startswith(("factcheck.text", "factcheck.errors"))))  # fmt: skip
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("layer", ["services", "reports"])
def test_services_and_reports_know_no_flask(layer):
    bad = _offenders(layer, lambda m: _top(m) in WEB_MODULES or m.startswith(("factcheck.views", "factcheck.api",
                                                                             "factcheck.web", "factcheck.forms")))  # fmt: skip
    assert not bad, "\n".join(bad)


def test_reports_never_write():
    bad = _calls("reports", {"add", "add_all", "delete", "commit", "flush", "merge"})
    assert not bad, "\n".join(bad)


def _calls(
    sub: str, methods: set[str], receivers: tuple[str, ...] = ("session", "s", "db")
) -> list[str]:
    """Calls like session.add(...), db.session.commit(...), s.delete(...)."""
    bad = []
    for path in _files(sub):
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in methods:
                continue
            receiver = ast.unparse(node.func.value)
            if receiver.split(".")[-1] in receivers or receiver in receivers:
                bad.append(
                    f"{path.relative_to(PKG.parent)}:{node.lineno} {ast.unparse(node.func)}()"
                )
    return bad


@pytest.mark.parametrize("layer", ["views", "api"])
def test_views_and_api_go_through_services(layer):
    bad = _calls(layer, {"add", "add_all", "delete", "commit", "merge"})
    bad += _offenders(
        layer, lambda m: m in {"sqlalchemy.update", "sqlalchemy.delete", "sqlalchemy.insert"}
    )
    assert not bad, (
        "views and the API call services; they never change the session themselves:\n"
        + "\n".join(bad)
    )


def test_no_bulk_update_or_delete_of_audit_events():
    bad = []
    for path in _files("services"):
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in {"update", "delete"}:
                continue
            # update(AuditEvent) / sa.delete(AuditEvent) / query(AuditEvent)...delete()
            scope = ast.unparse(node.args[0]) if node.args else ""
            if isinstance(node.func, ast.Attribute):
                scope += " " + ast.unparse(node.func.value)
            if "AuditEvent" in scope or "audit_events" in scope:
                bad.append(f"{path.relative_to(PKG.parent)}:{node.lineno} {ast.unparse(node)[:80]}")
        text = path.read_text("utf-8").lower()
        for stmt in ("update audit_events", "delete from audit_events", "truncate audit_events"):
            if stmt in text:
                bad.append(f"{path.relative_to(PKG.parent)}: raw SQL '{stmt}'")
    assert not bad, "the audit trail is append-only:\n" + "\n".join(bad)


def test_only_the_entry_points_commit():
    """Services never commit: the entry point's transaction() does (one unit of work)."""
    bad = _calls("services", {"commit"})
    assert not bad, "\n".join(bad)


def test_permissions_module_knows_no_flask():
    path = PKG / "permissions.py"
    bad = [f"{m} (line {line})" for line, m in _imports(path) if _top(m) in WEB_MODULES]
    assert not bad, bad


def test_the_checker_sees_imports():
    """Guard the guard: the import parser finds a known import."""
    assert any(
        m in ("factcheck.services.audit", "factcheck.services.sealing", "factcheck.services")
        for _l, m in _imports(PKG / "database" / "transaction.py")
    )
    assert any(_top(m) == "flask" for _l, m in _imports(PKG / "web" / "__init__.py"))


# --------------------------------------------------------------------------- every room's doors
# What each room of factcheck/ may import from the others (ARCHITECTURE.md, README "Layout").
# A room is a top-level module or package; an import inside the same room is always allowed.
ENTRY_POINTS = {"views", "api", "cli"}
INFRASTRUCTURE = {"errors", "canonical", "settings", "extensions", "models", "permissions", "text",
                  "net", "database", "services", "reports", "jobs"}  # fmt: skip
MAY_IMPORT: dict[str, set[str]] = {
    "errors": set(),
    "canonical": set(),
    "text": {"errors"},  # the pure engine
    "net": {"errors"},  # the address policy and the transport: no Flask, no database
    "settings": {"canonical"},
    "extensions": {"settings"},
    "models": {"errors", "extensions", "canonical"},
    "permissions": {"errors", "models", "settings"},
    "services": {
        "errors",
        "canonical",
        "settings",
        "models",
        "permissions",
        "text",
        "net",
        "reports",
        "jobs",
    },  # fmt: skip
    "reports": {"errors", "canonical", "settings", "models", "text", "services"},
    "jobs": {
        "errors",
        "canonical",
        "settings",
        "extensions",
        "models",
        "net",
        "database",
        "services",
        "reports",
    },  # fmt: skip
    "database": {"errors", "settings", "extensions", "services", "web"},
    "web": INFRASTRUCTURE,
    "forms": {"errors", "models", "settings"},
    "views": INFRASTRUCTURE | {"web", "forms"},
    "api": INFRASTRUCTURE | {"web"},
    "cli": INFRASTRUCTURE | {"factcheck"},  # create_app
    "factcheck": INFRASTRUCTURE
    | ENTRY_POINTS
    | {"web", "forms"},  # create_app wires the rooms together
    "demo": set(),
}
# Narrower than the room: services write the outbox only through the queue, and the database
# layer reads only the audit chain's head (and seals a committed unit's events when the
# sealer runs inline) and the request's account.
ONLY: dict[tuple[str, str], set[str]] = {
    ("services", "jobs"): {"factcheck.jobs.queue"},
    ("database", "services"): {"factcheck.services.audit", "factcheck.services.sealing"},
    ("database", "web"): {"factcheck.web.auth"},
}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "factcheck"


def _room_of(path: Path) -> str:
    rel = path.relative_to(PKG).with_suffix("").parts
    return "factcheck" if rel == ("__init__",) else rel[0]


def _factcheck_imports(path: Path) -> list[tuple[int, str]]:
    """Every factcheck.* module a file imports (``from factcheck import cli`` as factcheck.cli)."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("factcheck.")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("factcheck"):
            # ``from factcheck.jobs import queue`` imports factcheck.jobs.queue (a module);
            # ``from factcheck import create_app`` imports a name of factcheck itself
            out += [(node.lineno, f"{node.module}.{a.name}" if _is_module(f"{node.module}.{a.name}")
                     else node.module) for a in node.names]  # fmt: skip
    return out


def _is_module(name: str) -> bool:
    path = PKG.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def test_every_room_is_in_the_table():
    rooms = {_room_of(p) for p in PKG.rglob("*.py")}
    assert rooms <= set(MAY_IMPORT), f"rooms without rules: {sorted(rooms - set(MAY_IMPORT))}"


def test_each_room_imports_only_what_it_may():
    bad = []
    for path in sorted(PKG.rglob("*.py")):
        room = _room_of(path)
        for line, module in _factcheck_imports(path):
            target = _room(module)
            if target == room:
                continue
            narrow = ONLY.get((room, target))
            allowed = target in MAY_IMPORT[room] and (narrow is None or module in narrow)
            if not allowed:
                bad.append(f"{path.relative_to(PKG.parent)}:{line} ({room}) imports {module}")
    assert not bad, "imports against the layering (tests/test_architecture.py MAY_IMPORT):\n" + "\n".join(bad)  # fmt: skip


def test_entry_points_do_not_import_each_other():
    """A view never calls into the API or the CLI (and back): what both need lives in web/ or
    a service."""
    bad = []
    for room in ENTRY_POINTS:
        paths = [PKG / "cli.py"] if room == "cli" else _files(room)
        for path in paths:
            for line, module in _factcheck_imports(path):
                if _room(module) in ENTRY_POINTS - {room}:
                    bad.append(f"{path.relative_to(PKG.parent)}:{line} imports {module}")
    assert not bad, "\n".join(bad)


# Receivers an entry point may set attributes on: Flask's request globals and responses, its
# own forms and fields, itself. Anything else would be a model (or a service's object)
# changed behind the services' back.
ATTRIBUTE_RECEIVERS = {"self", "g", "resp", "response", "field", "_checker"}


def _attribute_writes(path: Path, root: Path = PKG.parent) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else [])  # fmt: skip
        for target in targets:
            for t in target.elts if isinstance(target, ast.Tuple) else [target]:
                if not isinstance(t, ast.Attribute):
                    continue
                base = t
                while isinstance(base, ast.Attribute):
                    base = base.value
                name = getattr(base, "id", "")
                if name not in ATTRIBUTE_RECEIVERS and not name.startswith("form"):
                    out.append(f"{path.relative_to(root)}:{node.lineno} {ast.unparse(t)} = …")
    return out


@pytest.mark.parametrize("room", ["views", "api", "web", "forms", "reports", "cli.py"])
def test_no_model_attribute_writes_outside_services(room):
    paths = [PKG / room] if room.endswith(".py") else _files(room)
    bad = [w for path in paths for w in _attribute_writes(path)]
    assert not bad, "only services change data:\n" + "\n".join(bad)


def test_the_attribute_checker_sees_a_write(tmp_path):
    """Guard the guard: a view that sets a claim's status is caught."""
    view = tmp_path / "view.py"
    view.write_text("def v(claim, form):\n    form.x.data = 1\n    claim.status = 'approved'\n")
    assert _attribute_writes(view, root=tmp_path) == ["view.py:3 claim.status = …"]


def test_the_vocabulary_is_spelled_once():
    """Verdicts and stances are the models' enums; every other room uses those (a word
    spelled again drifts: the API once allowed what the page refused)."""
    words = {"confirmed", "unconfirmed", "disputed", "supports", "contradicts"}
    bad = []
    for path in sorted(PKG.rglob("*.py")):
        if path.relative_to(PKG).parts[0] == "models":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
            if isinstance(node, ast.Constant) and node.value in words:
                bad.append(f"{path.relative_to(PKG.parent)}:{node.lineno} {node.value!r}")
    assert not bad, "\n".join(bad)
