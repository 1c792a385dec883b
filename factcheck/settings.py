"""The desk's settings: one frozen, typed object read once from FACTCHECK_* variables.

Every default lives here and nowhere else; numbers, switches and lists are parsed once,
when the app starts, and a bad value stops it with the variable's name. ``create_app``
reads a ``Settings``, keeps it on the app (``app.extensions["factcheck"]``) and binds it
to every session the app makes (``session.info["settings"]``) and to every app context
it pushes, so two apps in one process never share settings. No Flask here: services
read their settings with ``settings_of(session)`` (or ``settings_of()`` in code that has
no session, such as the parsing done before any database work).
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import typing
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from factcheck.canonical import canonical_json

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "FACTCHECK_"
SESSION_KEY = "settings"  # session.info[SESSION_KEY]
# create_app(test_config) may name the database the way Flask-SQLAlchemy does.
ALIASES = {"SQLALCHEMY_DATABASE_URI": "DATABASE_URL"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
# The interface's languages (catalogs in factcheck/translations/), each named in itself.
LOCALES = {"en": "English", "es": "Español", "fr": "Français", "de": "Deutsch", "pt": "Português"}


@dataclass(frozen=True)
class Settings:
    """What the desk is configured with; each field is also the variable FACTCHECK_<name>."""

    # -- where things are
    INSTANCE_PATH: str = str(ROOT / "instance")  # the SQLite database and the secret key
    DATABASE_URL: str = field(default="", repr=False)  # "" means sqlite in INSTANCE_PATH
    SECRET_KEY: str = field(default="", repr=False)  # "" means INSTANCE_PATH/secret_key
    ENV: str = ""  # "production" refuses to start with debug on
    PROXY_FIX_X_FOR: int = 0  # trusted reverse proxies in front (for client addresses)

    # -- cookies and forms
    SESSION_COOKIE_SECURE: bool = False
    REMEMBER_COOKIE_SECURE: bool = False
    SESSION_COOKIE_HTTPONLY: bool = True
    REMEMBER_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    REMEMBER_COOKIE_SAMESITE: str = "Lax"
    WTF_CSRF_TIME_LIMIT: int = 8 * 3600

    # -- input limits (HOSTILE.md §1), enforced before any database work
    MAX_ARTICLE_CHARS: int = 2_000_000  # article text after decoding
    # Sentences (claims) per article: each is a row written in the import's transaction;
    # 10,000 take 4-9 s on 2 cores, 100,000 outran gunicorn's 30 s timeout (HOSTILE IMP-07).
    MAX_SENTENCES: int = 10_000
    MAX_UPLOAD_BYTES: int = 5 * 1024 * 1024  # an uploaded file
    MAX_CONTENT_LENGTH: int = 6 * 1024 * 1024  # a whole request body (413 beyond)
    MAX_LINKS_PER_REVIEW: int = 50
    MAX_NOTE_CHARS: int = 20_000
    MAX_COMMENT_CHARS: int = 10_000  # a comment in a claim's discussion
    MAX_EXCERPT_CHARS: int = 2_000
    MAX_TITLE_CHARS: int = 500
    MAX_URL_CHARS: int = 2_048
    MAX_REASON_CHARS: int = 2_000
    # Sign-in limits (services/sign_in.py), each within LOGIN_FAILURE_WINDOW_SECONDS:
    LOGIN_MAX_FAILURES: int = 10  # wrong passwords for one address from one client, then 429
    LOGIN_CLIENT_MAX_FAILURES: int = 30  # failures from one client, any addresses (spraying)
    LOGIN_CODE_MAX_FAILURES: int = 5  # wrong second-factor codes for one account
    LOGIN_FAILURE_WINDOW_SECONDS: int = 900
    REAUTH_SECONDS: int = 300  # sensitive changes need the password given this recently
    TOKEN_DEFAULT_DAYS: int = 90  # a new API token's lifetime unless asked (0: never ends)
    TOKEN_TOUCH_SECONDS: int = 60  # a token's last_used_at is written at most this often

    # -- the desk
    REVIEWS_REQUIRED: int = 1  # reviews before a claim counts as reviewed
    LIVE_POLL_SECONDS: int = 4  # the workspace asks what changed this often (0: never)
    ORGANISATION: str = "Factcheck desk"  # the desk's name in reports (ClaimReview author)
    # The interface's language when neither the person's saved choice nor the browser's
    # Accept-Language names one of LOCALES (factcheck/web/i18n.py).
    DEFAULT_LOCALE: str = "en"
    # The language reports are written in (headings, labels, verdicts of HTML, PDF, Markdown
    # and ClaimReview) unless the export chooses one; "": the same as DEFAULT_LOCALE.
    REPORT_LANGUAGE: str = ""
    # Where the desk publishes its fact-checks, e.g. https://news.example/fact-checks: an
    # approved article's public address is <this>/<article id> unless the lead gave its own
    # at approval. "": none (ClaimReview then needs the lead's address).
    PUBLISHED_BASE_URL: str = ""
    REQUIRE_TOTP_FOR: frozenset[str] = frozenset()  # roles that must use two-step sign-in
    ARGON2_TIME_COST: int = 3
    ARGON2_MEMORY_COST: int = 65536  # KiB (64 MiB): memory-hard password hashing

    # -- URL import and webhooks: addresses allowed although private or loopback, and ports
    FETCH_ALLOWED_ADDRESSES: tuple[str, ...] = ()  # IPs or CIDR networks
    FETCH_ALLOWED_PORTS: tuple[int, ...] = (80, 443, 8080, 8443)
    FETCH_DEADLINE_SECONDS: int = 15
    FETCH_MAX_CONCURRENT: int = 1  # URL fetches at once on this machine (the rest: 503 at once)
    FETCH_MAX_BYTES: int = 5 * 1024 * 1024

    # -- after the request: `flask worker` runs the jobs; these let the app process run some
    # itself, for a desk without a worker (jobs/inline.py).
    WEBHOOKS_ASYNC: bool = False  # send a commit's webhooks right after it, in a thread
    WEBHOOKS_TIMEOUT_SECONDS: float = 10.0
    # A PDF that is not kept and prints more HTML than this renders in the background (the
    # web page and the API say "being prepared") instead of outlasting the request's timeout.
    PDF_INLINE_MAX_KIB: int = 128
    PDF_MAX_CLAIMS: int = 2_000  # a background PDF of more claims is refused (413)
    RENDER_IN_BACKGROUND: bool = False  # the app starts a renderer process for long PDFs

    # -- notices by e-mail (services/notifications.py, jobs/notices.py): SMTP through the
    # standard library, sent by the worker (job kind notice_mail), never inside a request.
    # No SMTP_HOST: no e-mail at all; the inbox always has every notice.
    SMTP_HOST: str = ""
    SMTP_PORT: int = 587
    SMTP_USER: str = ""  # "": no login
    SMTP_PASSWORD: str = field(default="", repr=False)
    SMTP_STARTTLS: bool = True  # upgrade the connection with STARTTLS before the login
    SMTP_TIMEOUT_SECONDS: float = 20.0
    MAIL_FROM: str = "factcheck@localhost"  # the From: of the notices
    # The desk's own address, e.g. https://desk.example: the links in e-mails start with it.
    APP_URL: str = "http://localhost:5000"

    # -- the audit chain (docs/audit-design.md). PostgreSQL: "sealer" leaves each event
    # unsealed for the sealer (`flask worker --loop`, `flask audit seal --loop`, the
    # gunicorn master's child) to link within about AUDIT_SEAL_INTERVAL; "inline" seals
    # right after each commit in the writer's process (a test or a one-off CLI run).
    # SQLite always seals in the writer's transaction.
    AUDIT_SEALER: str = "sealer"
    AUDIT_SEAL_INTERVAL: float = 0.1  # seconds between the sealer's passes
    AUDIT_SEAL_LIMIT: float = 60.0  # verify fails if an event stays unsealed longer (a loaded machine, a sealer restarting)
    # The chain head ("SEQ HASH") written here after every pass that sealed something,
    # for an operator to copy off the database host (`audit verify --head`); "" = none.
    AUDIT_HEAD_FILE: str = ""

    def __post_init__(self) -> None:
        url = self.DATABASE_URL or f"sqlite:///{Path(self.INSTANCE_PATH) / 'factcheck.db'}"
        object.__setattr__(self, "DATABASE_URL", normalise_database_url(url))
        if self.DEFAULT_LOCALE not in LOCALES:
            raise ValueError(
                f"{PREFIX}DEFAULT_LOCALE: {self.DEFAULT_LOCALE!r} is not one of {', '.join(LOCALES)}"
            )
        if self.REPORT_LANGUAGE and self.REPORT_LANGUAGE not in LOCALES:
            raise ValueError(
                f"{PREFIX}REPORT_LANGUAGE: {self.REPORT_LANGUAGE!r} is not one of {', '.join(LOCALES)}"
            )
        if self.AUDIT_SEALER not in ("sealer", "inline"):
            raise ValueError(
                f'{PREFIX}AUDIT_SEALER: {self.AUDIT_SEALER!r} is not "sealer" or "inline"'
            )
        base = self.PUBLISHED_BASE_URL
        if base and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", base, re.IGNORECASE):
            raise ValueError(f"{PREFIX}PUBLISHED_BASE_URL: {base!r} is not an http(s) address")
        for entry in self.FETCH_ALLOWED_ADDRESSES:  # a bad entry is a configuration error
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"{PREFIX}FETCH_ALLOWED_ADDRESSES: {entry!r} is not an IP address or network"
                ) from None

    def default_published_url(self, article_id: int) -> str | None:
        """The public address an article gets from PUBLISHED_BASE_URL (None without one)."""
        base = self.PUBLISHED_BASE_URL.rstrip("/")
        return f"{base}/{int(article_id)}" if base else None

    @property
    def report_language(self) -> str:
        """The desk's default language of reports (REPORT_LANGUAGE, else DEFAULT_LOCALE)."""
        return self.REPORT_LANGUAGE or self.DEFAULT_LOCALE

    def public_address(self, article) -> str | None:
        """Where an approved article's fact-check is published; None before approval."""
        if getattr(article, "status", None) != "approved":
            return None
        return article.published_url or self.default_published_url(article.id)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, overrides: Mapping[str, object] = ()
    ) -> Settings:
        """FACTCHECK_<name> variables over the defaults, then ``overrides`` (by field name)."""
        environ = os.environ if environ is None else environ
        values = {
            f.name: parse(f.name, environ[PREFIX + f.name])
            for f in fields(cls)
            if PREFIX + f.name in environ
        }
        values.update({name: parse(name, value) for name, value in dict(overrides).items()})
        return cls(**values)

    @staticmethod
    def partition(config: Mapping[str, object]) -> tuple[dict[str, object], dict[str, object]]:
        """Split a create_app(test_config) mapping into settings and plain Flask config."""
        names = {f.name for f in fields(Settings)}
        ours, flask = {}, {}
        for key, value in config.items():
            name = ALIASES.get(key, key)
            (ours if name in names else flask)[name if name in names else key] = value
        return ours, flask

    def changed(self, **changes) -> Settings:
        """A copy with some fields changed (values parsed as from the environment)."""
        return replace(self, **{name: parse(name, value) for name, value in changes.items()})

    def flask_config(self) -> dict[str, object]:
        """The Flask, Flask-SQLAlchemy and Flask-WTF keys derived from these settings."""
        return {
            "SECRET_KEY": self.SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": self.DATABASE_URL,
            # JSON columns are stored in canonical form (sorted keys, no spaces), the form the
            # audit hash covers, so verifying the chain can hash stored text without
            # re-encoding. No pre-ping (a statement per checkout, a round trip on every
            # request): a SQLite file cannot drop a connection, and a PostgreSQL
            # connection the server dropped is found by polling its socket at checkout
            # (database/engine.py, _on_checkout).
            "SQLALCHEMY_ENGINE_OPTIONS": {"json_serializer": canonical_json},
            "MAX_CONTENT_LENGTH": self.MAX_CONTENT_LENGTH,
            **self._cookie_names(),
            "SESSION_COOKIE_SECURE": self.SESSION_COOKIE_SECURE,
            # Secure session cookies make every cookie the app sets Secure (HOSTILE §4.6).
            "REMEMBER_COOKIE_SECURE": self.REMEMBER_COOKIE_SECURE or self.SESSION_COOKIE_SECURE,
            "SESSION_COOKIE_HTTPONLY": self.SESSION_COOKIE_HTTPONLY,
            "REMEMBER_COOKIE_HTTPONLY": self.REMEMBER_COOKIE_HTTPONLY,
            "SESSION_COOKIE_SAMESITE": self.SESSION_COOKIE_SAMESITE,
            "REMEMBER_COOKIE_SAMESITE": self.REMEMBER_COOKIE_SAMESITE,
            "WTF_CSRF_TIME_LIMIT": self.WTF_CSRF_TIME_LIMIT,
        }

    def _cookie_names(self) -> dict[str, str]:
        """Over HTTPS the cookies carry the __Host- prefix: the browser then keeps them
        only if Secure, for this host alone (no Domain) and the whole site (Path=/)."""
        if not self.SESSION_COOKIE_SECURE:
            return {}
        return {
            "SESSION_COOKIE_NAME": "__Host-session",
            "REMEMBER_COOKIE_NAME": "__Host-remember_token",
            "SESSION_COOKIE_PATH": "/",
            "REMEMBER_COOKIE_PATH": "/",
        }


_TYPES = typing.get_type_hints(Settings)  # field name -> type, for parsing


def parse(name: str, value: object) -> object:
    """A field's value from the environment's text, or checked when given typed (tests)."""
    if name not in _TYPES:
        raise TypeError(f"unknown setting {name!r}")
    kind = _TYPES[name]
    try:
        return _parse(kind, value)
    except (TypeError, ValueError):
        raise ValueError(f"{PREFIX}{name}: {value!r} is not a valid {_describe(kind)}") from None


def _parse(kind, value):
    if kind == bool | None:
        return None if value is None else _parse(bool, value)
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE | _FALSE:
            return text in _TRUE
        raise ValueError(value)
    if kind in (int, float):
        if isinstance(value, bool):
            raise TypeError(value)
        return kind(value.strip() if isinstance(value, str) else value)
    if kind is str:
        if isinstance(value, os.PathLike):
            return os.fspath(value)
        if not isinstance(value, str):
            raise TypeError(value)
        return value
    origin, (item, *_) = typing.get_origin(kind), typing.get_args(kind)
    items = value.split(",") if isinstance(value, str) else list(value)
    items = [v.strip() if isinstance(v, str) else v for v in items]
    parsed = [_parse(item, v) for v in items if v != ""]  # "a,,b" or "a," name nothing more
    return frozenset(parsed) if origin is frozenset else tuple(parsed)


def _describe(kind) -> str:
    if kind in (bool, bool | None):
        return "switch (true/false, on/off, 1/0)"
    if kind in (int, float):
        return "number"
    if typing.get_origin(kind) in (tuple, frozenset):
        return f"comma-separated list of {_describe(typing.get_args(kind)[0])}s"
    return "text"


def normalise_database_url(url: str) -> str:
    """Accept postgres:// and postgresql:// and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def instance_secret_key(instance_path: str) -> str:
    """Read instance/secret_key, generating it (mode 0600) on first start."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


# -- which settings apply here --------------------------------------------------------

# The settings of the app whose context is current; create_app binds them on every push
# of one of its app contexts and unbinds them on the pop (a context variable: each
# thread and each app context sees its own, nothing is shared between apps).
_bound: ContextVar[Settings | None] = ContextVar("factcheck_settings", default=None)


def settings_of(session=None) -> Settings:
    """The settings a unit of work runs under: its session's, else the current app's."""
    if session is not None:
        found = session.info.get(SESSION_KEY)
        if found is not None:
            return found
    found = _bound.get()
    if found is None:
        raise RuntimeError(
            "no settings here: run inside an app context (create_app), give the session "
            'its settings (Session(info={"settings": ...})) or use "with using(Settings()):"'
        )
    return found


def bind(settings: Settings | None) -> None:
    """Make ``settings`` the current ones in this context (create_app does, per context)."""
    _bound.set(settings)


@contextmanager
def using(settings: Settings) -> Iterator[Settings]:
    """Run a block under ``settings`` outside any app (scripts, tests of pure functions)."""
    token = _bound.set(settings)
    try:
        yield settings
    finally:
        _bound.reset(token)


def app_settings(app) -> Settings:
    """The settings create_app stored on ``app``."""
    return app.extensions["factcheck"]
