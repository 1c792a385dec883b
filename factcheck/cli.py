"""Command line: `flask --app factcheck <command>` (or the `factcheck` script).

Every command exits non-zero with a one-line error on bad input.
"""

from __future__ import annotations

import functools
import getpass
import os
import secrets
import sqlite3
import sys
import threading
import uuid
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from factcheck.database import transaction
from factcheck.errors import FactcheckError
from factcheck.extensions import db
from factcheck.models import Article, SystemActor, User
from factcheck.services import (
    articles,
    audit,
    exports,
    languages,
    sealing,
    second_factor,
    sources,
    users,
    versions,
)
from factcheck.settings import settings_of

DEMO_ARTICLE = Path(__file__).parent / "demo" / "seed-rfa-passports.txt"
DEMO_ACCOUNTS = [
    ("admin@example.org", "admin", "Ada Admin"),
    ("lead@example.org", "lead", "Lee Lead"),
    ("reviewer@example.org", "reviewer", "Rita Reviewer"),
    ("reviewer2@example.org", "reviewer", "Sam Second"),
]


def system_actor() -> SystemActor:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = str(os.getuid())
    return SystemActor(name)


def command(fn):
    """Run in the app context with CLI audit context; domain errors become one line, exit 1."""

    @functools.wraps(fn)
    @with_appcontext
    def wrapper(*args, **kwargs):
        token = audit.set_context(request_id=f"cli-{uuid.uuid4().hex[:12]}", user_agent="cli")
        try:
            return fn(*args, **kwargs)
        except FactcheckError as exc:
            raise click.ClickException(exc.detail) from None
        finally:
            audit.reset_context(token)

    return wrapper


@click.group("users")
def users_cli():
    """Accounts."""


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["reviewer", "lead", "admin"]), required=True)
@click.option("--name", default=None, help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@command
def users_create(email, role, name, password_stdin):
    """Create an account (password from stdin, or generated and printed)."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(12)
    with transaction() as s:
        user = users.create_user(s, actor=system_actor(), email=email, display_name=name,
                                 role=role, password=password)  # fmt: skip
        click.echo(f"created {user.email} ({user.role}) id={user.id}")
    if not password_stdin:
        click.echo(f"password: {password}")


def _account(s, email) -> User:
    user = s.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no account {email}")
    return user


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="cli", help="A name to tell the token apart.")
@click.option(
    "--expires-days",
    type=click.IntRange(0, users.MAX_TOKEN_DAYS),
    default=None,
    help="Days until it ends (0: never); default FACTCHECK_TOKEN_DEFAULT_DAYS.",
)
@click.option("--read-only", is_flag=True, help="Refused (403) on any write.")
@command
def users_token(email, name, expires_days, read_only):
    """Print a new API token for an account (the operator: no re-authentication)."""
    with transaction() as s:
        user = _account(s, email)
        _token, plaintext = users.create_token(s, actor=system_actor(), user_id=user.id, name=name,
                                               expires_days=expires_days, read_only=read_only)  # fmt: skip
    click.echo(plaintext)


@users_cli.command("reset-2fa")
@click.argument("email")
@click.option("--reason", required=True, help="Why (kept in the audit trail).")
@command
def users_reset_2fa(email, reason):
    """Turn off an account's two-step sign-in (a lost phone); ends its sessions."""
    with transaction() as s:
        user = second_factor.reset(s, actor=system_actor(), user_id=_account(s, email).id,
                                   reason=reason)  # fmt: skip
        click.echo(f"two-step sign-in reset for {user.email}")


@click.command("demo")
@command
def demo():
    """Create the demo accounts and import the demo article, if absent."""
    secrets_file = Path(current_app.instance_path) / "demo-accounts.txt"
    known = (
        dict(line.split(" ", 1) for line in secrets_file.read_text().splitlines() if " " in line)
        if secrets_file.exists()
        else {}
    )
    text = DEMO_ARTICLE.read_text(encoding="utf-8")
    source = sources.from_file(text.encode("utf-8"), DEMO_ARTICLE.name)  # split before the turn
    with transaction() as s:
        actor = system_actor()
        for email, role, name in DEMO_ACCOUNTS:
            if s.scalar(select(User.id).where(User.email == email)) is None:
                known[email] = secrets.token_urlsafe(9)
                users.create_user(
                    s, actor=actor, email=email, display_name=name, role=role, password=known[email]
                )
        if s.scalar(select(Article.id).where(Article.raw_input == text).limit(1)) is None:
            article = articles.import_article(s, actor=actor, source=source)
            click.echo(f"imported the demo article: id={article.id}, {len(article.claims)} claims")
    secrets_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(secrets_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.writelines(f"{email} {pw}\n" for email, pw in known.items())
    click.echo("Demo sign-in (also in instance/demo-accounts.txt):")
    for email, role, _name in DEMO_ACCOUNTS:
        click.echo(f"  {role:9} {email:24} {known.get(email, '(password set earlier)')}")


@click.command("import")
@click.argument("source")
@click.option("--title", default=None)
@click.option(
    "--new-version-of",
    "article_id",
    type=int,
    default=None,
    help="Import SOURCE as a corrected version of this article (claims are re-anchored).",
)
@click.option("--language", default=None, help="en, es, fr, de or pt (default: detected).")
@command
def import_cmd(source, title, article_id, language):
    """Import an article from a .txt, .md or .html file or an http(s) URL; prints its id."""
    if article_id is not None:
        if language is not None:
            raise click.ClickException("--language is for a new article; use set-language")
        language = languages.language_of(db.session, article_id)  # split in it, before the turn
        db.session.rollback()  # end the read before the write turn
    if source.startswith(("http://", "https://")):
        prepared = sources.from_url(source, sources.fetch_policy(), language=language)
    else:
        path = Path(source)
        if not path.is_file():
            raise click.ClickException(f"no such file: {source}")
        prepared = sources.from_file(path.read_bytes(), path.name, language=language)
    if article_id is not None:
        with transaction() as s:
            current = s.get(Article, article_id)
            if current is None:
                raise click.ClickException(f"no article {article_id}")
            counts = versions.import_new_version(s, actor=system_actor(), article_id=article_id,
                                                 source=prepared, version=current.version)  # fmt: skip
        click.echo(f"{article_id} " + " ".join(f"{k}={n}" for k, n in counts.items()))
        return
    with transaction() as s:
        article = articles.import_article(
            s, actor=system_actor(), source=prepared, title=title, language=language
        )
        click.echo(article.id)


@click.command("set-language")
@click.argument("article_id", type=int)
@click.argument("language")
@command
def set_language_cmd(article_id, language):
    """Correct an article's language (en, es, fr, de, pt): its claims are split again."""
    prepared = languages.prepare_language(db.session, article_id=article_id, language=language)
    db.session.rollback()  # end the read before the write turn
    with transaction() as s:
        current = s.get(Article, article_id)
        if current is None:
            raise click.ClickException(f"no article {article_id}")
        article = languages.set_article_language(s, actor=system_actor(), article_id=article_id,
                                                 language=language, version=current.version, prepared=prepared)  # fmt: skip
        click.echo(f"{article.id} language={article.language} claims={len(article.claims)}")


@click.command("export")
@click.argument("article_id", type=int, required=False)
@click.option("--format", "fmt", default="json", help="html, pdf, md, csv, json, claimreview, w3c")
@click.option("--since", default=None, help="Bulk: first approval date (YYYY-MM-DD).")
@click.option("--until", default=None, help="Bulk: last approval date (YYYY-MM-DD), inclusive.")
@click.option(
    "--lang",
    "language",
    default=None,
    help="The report's language: en, es, fr, de, pt (default: FACTCHECK_REPORT_LANGUAGE).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None)
@command
def export_cmd(article_id, fmt, since, until, language, output):
    """Write one article's report, or (with --since/--until) a ZIP of all approved in a range."""
    if article_id is None:
        if not (since and until and output):
            raise click.ClickException(
                "give ARTICLE_ID, or --since, --until and -o FILE.zip for a bulk export"
            )
        with transaction() as s:
            ids = exports.plan_bulk_export(
                s, actor=system_actor(), since=since, until=until, fmt=fmt, language=language
            )
        with open(output, "wb") as fh:
            for chunk in exports.stream_bulk_export(
                db.session, actor=system_actor(), article_ids=ids, fmt=fmt, language=language
            ):
                fh.write(chunk)
        click.echo(f"wrote {output}: {len(ids)} report(s)", err=True)
        return
    # Rendered reading only; the write turn is taken after, for the audit event alone.
    rendered, record = exports.render_export(
        db.session, actor=system_actor(), article_id=article_id, fmt=fmt, language=language
    )
    if record is not None:
        with transaction() as s:
            exports.record_export(s, actor=system_actor(), record=record)
    if output:
        Path(output).write_bytes(rendered.content)
        click.echo(f"wrote {output} ({len(rendered.content)} bytes)", err=True)
    else:
        sys.stdout.buffer.write(rendered.content)


@click.group("audit")
def audit_cli():
    """The audit trail."""


@audit_cli.command("verify")
@click.option(
    "--head",
    default=None,
    help="A chain hash recorded earlier (`audit head`, the head file, a report), or a "
    "report's last event digest: detects a truncated tail or a recomputed chain.",
)
@click.option(
    "--processes",
    default=None,
    type=click.IntRange(1, 64),
    help="Check in this many processes, each reading its own part of the chain "
    "[default: one per core].",
)
@click.option(
    "--since-head",
    "since_head",
    default=None,
    metavar="'SEQ HASH' | FILE",
    help="Check only the events after this head, kept from an earlier run (the last line "
    "of `audit verify --since-head`, `audit head`, or the head file): incremental.",
)
@command
def audit_verify(head, processes, since_head):
    """Recompute the hash chain; exit 1 naming the first bad event, or an event left
    unsealed longer than FACTCHECK_AUDIT_SEAL_LIMIT seconds. With --since-head, only the
    events after a kept head (and that head still in place), then the new head to keep."""
    if since_head is not None:
        since = _kept_head(since_head)
        result = audit.verify_since(db.session, since, head=head)
    else:
        processes = processes or min(len(os.sched_getaffinity(0)), 8)
        result = audit.verify_chain(db.session, head=head, processes=processes)
    if result.ok:
        waiting = (
            f" ({result.unsealed} awaiting the sealer, oldest {result.oldest_unsealed_s:.1f} s)"
            if result.unsealed
            else ""
        )
        after = f" after seq {since[0]}" if since_head is not None else ""
        click.echo(f"OK {result.events} events{after}{waiting}")
        if since_head is not None and result.head_seq:
            click.echo(f"{result.head_seq} {result.head_hash}")  # the head to keep for next time
        return
    where = (
        f"event id={result.first_bad_id} seq={result.first_bad_seq}: "
        if result.first_bad_id
        else ""
    )
    click.echo(f"FAIL {where}{result.reason} ({result.events} events verified before it)", err=True)
    sys.exit(1)


def _kept_head(value: str) -> tuple[int, str]:
    """'SEQ HASH' given inline or as the file holding it (the head file's format)."""
    text = value
    if not value.strip()[:1].isdigit() or Path(value).is_file():
        try:
            text = Path(value).read_text(encoding="utf-8")
        except OSError as exc:
            raise click.BadParameter(
                f"cannot read {value}: {exc}", param_hint="--since-head"
            ) from None
    parts = text.split()
    if len(parts) != 2 or not parts[0].isdigit() or len(parts[1]) != 64:
        raise click.BadParameter(
            "expected 'SEQ HASH' (as `audit head` prints)", param_hint="--since-head"
        )
    return int(parts[0]), parts[1]


@audit_cli.command("head")
@click.option("--wait", is_flag=True, help="Seal what is pending first (PostgreSQL).")
@command
def audit_head(wait):
    """Print the latest sealed event's sequence number and hash (with --wait, after
    sealing what is pending; the count of events awaiting the sealer goes to stderr)."""
    if wait:
        sealing.seal_all(db.engine, head_file=settings_of().AUDIT_HEAD_FILE)
    head = audit.chain_head(db.session)
    click.echo(f"{head[0]} {head[1]}" if head else "0 (empty)")
    if pending := audit.count_unsealed(db.session):
        click.echo(f"{pending} awaiting the sealer", err=True)


@audit_cli.command("seal")
@click.option("--loop", is_flag=True, help="Keep sealing (the sealer process).")
@command
def audit_seal(loop):
    """Link the events written since the last pass into the chain (PostgreSQL; SQLite
    seals as it writes). With --loop, the deployment's one sealer: a standby waits for the
    lease, the holder seals every FACTCHECK_AUDIT_SEAL_INTERVAL seconds."""
    from factcheck.jobs import seal

    if not seal.needed(db.engine):
        click.echo("SQLite: every event is sealed as it is written; nothing to do")
        return
    if loop:
        seal.run(db.engine, settings_of(), stop=threading.Event(), echo=click.echo)
        return
    count = sealing.seal_all(db.engine, head_file=settings_of().AUDIT_HEAD_FILE)
    head = audit.chain_head(db.session)
    click.echo(f"sealed {count}; head {head[0]} {head[1]}" if head else f"sealed {count}")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@command
def backup(target):
    """A consistent copy of the SQLite database (online backup API)."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise click.ClickException(
            'PostgreSQL: use pg_dump, e.g. pg_dump --format=custom --file=factcheck.dump "$DATABASE_URL"'
        )
    if Path(target).exists():
        raise click.ClickException(f"{target} exists; choose a new file")
    raw = engine.raw_connection()
    try:
        dest = sqlite3.connect(target)
        with dest:
            raw.driver_connection.backup(dest)
        dest.close()
    finally:
        raw.close()
    head = audit.chain_head(db.session)
    click.echo(
        f"backup written to {target}; audit head {head[0]} {head[1]}"
        if head
        else f"backup written to {target}"
    )


@click.command("worker")
@click.option("--loop", is_flag=True, help="Keep running (the worker process).")
@click.option("--interval", default=2.0, type=click.FloatRange(min=0.1),
              help="Seconds to wait when no job is due (with --loop).")  # fmt: skip
@click.option("--limit", default=50, type=click.IntRange(min=1), help="Jobs per run.")
@click.option("--kind", "kinds", multiple=True,
              help="Run only jobs of this kind (webhook, render, notice_mail); repeatable. Default: all.")  # fmt: skip
@click.option("--queued-only", is_flag=True,
              help="Only the jobs queued already: do not look for approved articles whose "
                   "final PDF is not kept (what the app's renderer process does).")  # fmt: skip
@command
def worker_cmd(loop, interval, limit, kinds, queued_only):
    """Run due jobs: webhook sends (retries with back-off) and PDF renders (the long PDFs
    people asked for, and the final PDFs of approved articles), once or forever with
    --loop; one line per job."""
    from factcheck.jobs import worker

    kinds = worker.check_kinds(kinds)
    app = current_app._get_current_object()
    if loop:
        from factcheck.jobs import seal

        if seal.needed(db.engine):  # PostgreSQL: the sealer runs beside the jobs
            seal.start_thread(db.engine, settings_of())
        worker.loop(app, interval=interval, limit=limit, kinds=kinds, schedule=not queued_only,
                    echo=click.echo)  # fmt: skip
        return
    stats = worker.run(app, limit=limit, kinds=kinds, schedule=not queued_only)
    for line in stats.lines:
        click.echo(line)
    click.echo(stats.summary())


def init_app(app: Flask) -> None:
    for cmd in (
        users_cli,
        demo,
        import_cmd,
        set_language_cmd,
        export_cmd,
        audit_cli,
        backup,
        worker_cmd,
    ):
        app.cli.add_command(cmd)


def main() -> None:
    """The `factcheck` console script: the same commands as `flask --app factcheck`."""
    from factcheck import create_app

    FlaskGroup(create_app=create_app)(prog_name="factcheck")
