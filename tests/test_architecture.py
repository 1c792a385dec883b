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
        m == "factcheck.services.audit" or m == "factcheck.services"
        for _l, m in _imports(PKG / "database" / "transaction.py")
    )
    assert any(_top(m) == "flask" for _l, m in _imports(PKG / "web" / "__init__.py"))
