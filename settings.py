"""The service's settings: one typed object, read from the environment once.

This module and ``main.py`` are the only code that reads the environment;
everything else is handed what it needs. Settings are plain values: this
module imports no adapter, and the composition root checks what only an
adapter can judge (key material, hashing profiles) before anything starts.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from domain.mail import RETRY_DELAYS
from domain.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

ROOT = Path(__file__).resolve().parent
DOTENV = ROOT / ".env"


def load_dotenv_file(path: Path = DOTENV, environ: MutableMapping[str, str] = os.environ) -> None:
    """Development's ``.env``: each variable it sets joins the environment,
    never over one already set. Production reads only its environment
    (``APP_ENV=production`` set before the process starts ignores the file)."""
    if environ.get("APP_ENV") == "production" or not path.is_file():
        return
    for name, value in dotenv_values(path).items():
        if value is not None:
            environ.setdefault(name, value)


INSTANCE = ROOT / "instance"
MIN_SECRET_BYTES = 32
ENVIRONMENTS = ("development", "production")
DATABASE_BACKENDS = ("sqlite", "postgresql", "mysql", "mariadb")


# Settings field -> environment variable, by how the value is read.
_TEXT_SETTINGS = {
    "database_url": "DATABASE_URL",
    "jwt_issuer": "JWT_ISSUER",
    "jwt_audience": "JWT_AUDIENCE",
    "jwt_algorithm": "JWT_ALGORITHM",
    "log_level": "LOG_LEVEL",
    "argon2_profile": "ARGON2_PROFILE",
    "service_name": "SERVICE_NAME",
    "redis_url": "REDIS_URL",
    "redis_prefix": "REDIS_PREFIX",
    "log_format": "LOG_FORMAT",
    "metrics_token": "METRICS_TOKEN",
    "session_cookie_name": "SESSION_COOKIE_NAME",
    "public_url": "PUBLIC_URL",
    "mail_url": "MAIL_URL",
    "mail_from": "MAIL_FROM",
    "email_verification": "EMAIL_VERIFICATION",
}
_NUMBER_SETTINGS = {
    "max_body_bytes": "MAX_BODY_BYTES",
    "password_min_length": "PASSWORD_MIN_LENGTH",
    "db_pool_size": "DB_POOL_SIZE",
    "db_max_overflow": "DB_MAX_OVERFLOW",
    "db_pool_timeout_seconds": "DB_POOL_TIMEOUT_SECONDS",
    "db_connect_timeout_seconds": "DB_CONNECT_TIMEOUT_SECONDS",
    "db_statement_timeout_ms": "DB_STATEMENT_TIMEOUT_MS",
    "login_throttle_limit": "LOGIN_THROTTLE_LIMIT",
    "login_throttle_window_seconds": "LOGIN_THROTTLE_WINDOW_SECONDS",
    "address_throttle_limit": "ADDRESS_THROTTLE_LIMIT",
    "address_throttle_window_seconds": "ADDRESS_THROTTLE_WINDOW_SECONDS",
    "trusted_proxies": "TRUSTED_PROXIES",
    "reset_throttle_limit": "PASSWORD_RESET_THROTTLE_LIMIT",
    "reset_throttle_window_seconds": "PASSWORD_RESET_THROTTLE_WINDOW_SECONDS",
    "verification_mail_interval_seconds": "VERIFICATION_MAIL_INTERVAL_SECONDS",
    "audit_retention_days": "AUDIT_RETENTION_DAYS",
}
_SECONDS_SETTINGS = {
    "access_token_ttl": "ACCESS_TOKEN_TTL_SECONDS",
    "refresh_token_ttl": "REFRESH_TOKEN_TTL_SECONDS",
    "session_ttl": "SESSION_TTL_SECONDS",
    "refresh_reuse_grace": "REFRESH_REUSE_GRACE_SECONDS",
    "browser_idle": "BROWSER_SESSION_IDLE_SECONDS",
    "email_verification_ttl": "EMAIL_VERIFICATION_TTL_SECONDS",
    "password_reset_ttl": "PASSWORD_RESET_TTL_SECONDS",
    "email_change_ttl": "EMAIL_CHANGE_TTL_SECONDS",
    "email_change_undo_ttl": "EMAIL_CHANGE_UNDO_TTL_SECONDS",
}
MAIL_SCHEMES = ("smtp", "smtp+starttls", "smtps", "dev")
DEVELOPMENT_MAIL_FROM = "accounts <no-reply@localhost>"


class ConfigError(Exception):
    """The configuration is unusable; the message is the one-line reason."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of the service, typed and validated once at start-up."""

    secret_key: str = field(repr=False)
    jwt_secret_key: str = field(default="", repr=False)  # HS256 only
    env: str = "development"
    database_url: str = f"sqlite:///{INSTANCE / 'accounts.db'}"
    access_token_ttl: timedelta = timedelta(minutes=15)
    refresh_token_ttl: timedelta = timedelta(days=30)
    session_ttl: timedelta = timedelta(days=90)
    refresh_reuse_grace: timedelta = timedelta(0)
    jwt_issuer: str = "accounts"
    jwt_audience: str = "accounts"
    max_body_bytes: int = 64 * 1024
    log_level: str = "INFO"
    argon2_profile: str = "rfc9106-low-memory"
    password_min_length: int = 8
    password_require_composition: bool = False
    service_name: str = "accounts"
    debug: bool = False
    db_pool_size: int = 5
    db_max_overflow: int = 10
    db_pool_timeout_seconds: int = 3
    db_connect_timeout_seconds: int = 2
    db_statement_timeout_ms: int = 5000
    db_pool_pre_ping: bool = False
    redis_url: str = ""
    redis_prefix: str = "accounts:"
    throttle_fail_open: bool = False
    login_throttle_limit: int = 10
    login_throttle_window_seconds: int = 15 * 60
    address_throttle_limit: int = 300
    address_throttle_window_seconds: int = 15 * 60
    trusted_proxies: int = 0
    cors_origins: tuple[str, ...] = ()
    log_format: str = ""  # json or text; empty: json in production, text in development
    metrics_token: str = field(default="", repr=False)
    api_docs: bool = False  # /api/docs; on in development, off in production unless API_DOCS=1
    jwt_algorithm: str = "HS256"
    jwt_previous_secret_keys: tuple[str, ...] = field(default=(), repr=False)
    jwt_private_key: str = field(default="", repr=False)
    # 32 bytes, base64url: seals TOTP secrets, keys recovery-code digests (S47, S48).
    mfa_encryption_key: str = field(default="", repr=False)
    mfa_previous_encryption_keys: tuple[str, ...] = field(default=(), repr=False)
    jwt_previous_public_keys: tuple[str, ...] = ()
    browser_idle: timedelta = timedelta(hours=1)  # a browser session not "remembered"
    session_cookie_secure: bool = False  # the pages' cookie; on in production unless set off
    session_cookie_name: str = ""  # empty: __Host-accounts when secure, accounts otherwise
    public_url: str = "http://127.0.0.1:8000"  # links in mail start with it; set in production
    mail_url: str = "dev://"  # smtp://, smtp+starttls://, smtps://; dev:// keeps mail for /dev/mail
    mail_from: str = DEVELOPMENT_MAIL_FROM
    email_verification: str = "optional"  # or required: no login before the address is proved
    email_verification_ttl: timedelta = timedelta(hours=48)
    password_reset_ttl: timedelta = timedelta(minutes=30)
    email_change_ttl: timedelta = timedelta(hours=24)
    email_change_undo_ttl: timedelta = timedelta(days=7)
    reset_throttle_limit: int = 3  # reset mails per target address and window
    reset_throttle_window_seconds: int = 3600
    verification_mail_interval_seconds: int = 60  # one verification mail per account and interval
    mail_retry_delays: tuple[timedelta, ...] = RETRY_DELAYS
    audit_retention_days: int = 365  # `audit purge` deletes stored events older than this

    @property
    def mfa_key(self) -> str:
        """``MFA_ENCRYPTION_KEY``; unset outside production, a key derived from
        ``SECRET_KEY``: second factors work out of the box, and stay readable
        while that key is kept."""
        if self.mfa_encryption_key:
            return self.mfa_encryption_key
        digest = hashlib.sha256(b"accounts development mfa key\0" + self.secret_key.encode())
        return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()

    @property
    def cookie_name(self) -> str:
        """The pages' cookie: ``__Host-`` (HTTPS only, this host only, path /) when secure."""
        return self.session_cookie_name or (
            "__Host-accounts" if self.session_cookie_secure else "accounts"
        )

    def __post_init__(self) -> None:
        if self.env not in ENVIRONMENTS:
            raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}")
        if len(self.secret_key.encode()) < MIN_SECRET_BYTES:
            raise ConfigError(f"SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes")
        _check_database_url(self.database_url)
        if self.log_format not in {"", "json", "text"}:
            raise ConfigError("LOG_FORMAT must be json or text")
        if self.env == "production":
            if self.debug:
                raise ConfigError("debug mode is refused in production")
            if not self.mfa_encryption_key:
                raise ConfigError("MFA_ENCRYPTION_KEY must be set in production")
            if self.argon2_profile == "cheapest":
                raise ConfigError("ARGON2_PROFILE=cheapest is for tests, refused in production")
        if not MIN_PASSWORD_LENGTH <= self.password_min_length <= MAX_PASSWORD_LENGTH:
            raise ConfigError(
                f"PASSWORD_MIN_LENGTH must be within {MIN_PASSWORD_LENGTH}..{MAX_PASSWORD_LENGTH}"
            )
        if self.access_token_ttl <= timedelta(0) or self.refresh_token_ttl > self.session_ttl:
            raise ConfigError("token lifetimes must be positive and refresh <= session")
        if not timedelta(0) < self.browser_idle <= self.refresh_token_ttl:
            raise ConfigError(
                "BROWSER_SESSION_IDLE_SECONDS must be positive and at most the refresh token's"
            )
        if self.audit_retention_days < 1:
            raise ConfigError("AUDIT_RETENTION_DAYS must be at least 1")
        if self.cookie_name.startswith("__Host-") and not self.session_cookie_secure:
            raise ConfigError("a __Host- cookie needs SESSION_COOKIE_SECURE on (HTTPS)")
        self._check_mail()

    def _check_mail(self) -> None:
        public = urlsplit(self.public_url)
        if public.scheme not in {"http", "https"} or not public.hostname or public.query:
            raise ConfigError("PUBLIC_URL must be an http(s) origin, such as https://example.com")
        if urlsplit(self.mail_url).scheme not in MAIL_SCHEMES:
            raise ConfigError(f"MAIL_URL must start with one of {', '.join(MAIL_SCHEMES)}://")
        if self.email_verification not in {"optional", "required"}:
            raise ConfigError("EMAIL_VERIFICATION must be optional or required")
        if not self.mail_retry_delays or min(self.mail_retry_delays) <= timedelta(0):
            raise ConfigError("MAIL_RETRY_DELAYS_SECONDS must be positive numbers")
        if self.env == "production" and self.mail_url.startswith("dev:"):
            raise ConfigError("MAIL_URL=dev:// keeps mail on the server; refused in production")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        env = environ.get("APP_ENV", "development")
        secret_key = environ.get("SECRET_KEY", "")
        jwt_secret_key = environ.get("JWT_SECRET_KEY", "")
        needed = [("SECRET_KEY", secret_key)]
        if environ.get("JWT_ALGORITHM", "HS256") == "HS256":
            needed.append(("JWT_SECRET_KEY", jwt_secret_key))
        if env == "production":
            needed += [
                (name, environ.get(name, ""))
                for name in ("PUBLIC_URL", "MAIL_URL", "MAIL_FROM", "MFA_ENCRYPTION_KEY")
            ]
            missing = [name for name, value in needed if not value]
            if missing:
                raise ConfigError(f"{' and '.join(missing)} must be set in production")
        elif not (secret_key and jwt_secret_key):
            stored = _development_secrets(INSTANCE / "secrets.json")
            secret_key = secret_key or stored["SECRET_KEY"]
            jwt_secret_key = jwt_secret_key or stored["JWT_SECRET_KEY"]
        values: dict[str, Any] = {
            "secret_key": secret_key,
            "jwt_secret_key": jwt_secret_key,
            "env": env,
            "password_require_composition": _flag(environ.get("PASSWORD_REQUIRE_COMPOSITION")),
            "debug": _flag(environ.get("FLASK_DEBUG")),
            "throttle_fail_open": _flag(environ.get("THROTTLE_FAIL_OPEN")),
            "db_pool_pre_ping": _flag(environ.get("DB_POOL_PRE_PING")),
            "api_docs": _flag(environ.get("API_DOCS", "1" if env != "production" else "0")),
            "session_cookie_secure": _flag(
                environ.get("SESSION_COOKIE_SECURE", "1" if env == "production" else "0")
            ),
            "cors_origins": _list(environ.get("CORS_ORIGINS")),
            "jwt_previous_secret_keys": _list(environ.get("JWT_PREVIOUS_SECRET_KEYS")),
            "mfa_encryption_key": environ.get("MFA_ENCRYPTION_KEY", ""),
            "mfa_previous_encryption_keys": _list(environ.get("MFA_PREVIOUS_ENCRYPTION_KEYS")),
            "jwt_private_key": environ.get("JWT_PRIVATE_KEY")
            or _read(environ.get("JWT_PRIVATE_KEY_FILE")),
            "jwt_previous_public_keys": tuple(
                _read(path) for path in _list(environ.get("JWT_PREVIOUS_PUBLIC_KEY_FILES"))
            ),
        }
        if env != "production":
            host, port = environ.get("HOST", "127.0.0.1"), environ.get("PORT", "8000")
            values["public_url"] = f"http://{host}:{port}"
        for name, variable in _TEXT_SETTINGS.items():
            if environ.get(variable):
                values[name] = environ[variable]
        try:
            for name, variable in _NUMBER_SETTINGS.items():
                if variable in environ:
                    values[name] = int(environ[variable])
            for name, variable in _SECONDS_SETTINGS.items():
                if variable in environ:
                    values[name] = timedelta(seconds=int(environ[variable]))
            if "MAIL_RETRY_DELAYS_SECONDS" in environ:
                values["mail_retry_delays"] = tuple(
                    timedelta(seconds=int(delay))
                    for delay in _list(environ["MAIL_RETRY_DELAYS_SECONDS"])
                )
        except ValueError as error:
            raise ConfigError(f"a numeric setting is not a whole number: {error}") from None
        return cls(**values)


def _check_database_url(url: str) -> None:
    """A URL of a backend this service runs on. The URL is never quoted back:
    it may hold a password."""
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        raise ConfigError("DATABASE_URL is not a database URL") from None
    if backend not in DATABASE_BACKENDS:
        raise ConfigError(f"DATABASE_URL must be one of {', '.join(DATABASE_BACKENDS)}")


def _list(value: str | None) -> tuple[str, ...]:
    """A comma-separated setting, blanks dropped."""
    return tuple(item.strip() for item in (value or "").split(",") if item.strip())


def _read(path: str | None) -> str:
    if not path:
        return ""
    try:
        return Path(path).read_text()
    except OSError as error:
        raise ConfigError(f"cannot read key file {path}: {error.strerror}") from None


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _development_secrets(path: Path) -> dict[str, str]:
    """Random secrets made once and kept in ``instance/`` with mode 0600.

    Written to a private temporary file and linked into place, so workers
    starting together agree on one set and never read a half-written file.
    """
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fresh = {
            "SECRET_KEY": secrets.token_urlsafe(48),
            "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        }
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            json.dump(fresh, file)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won the race: use its secrets
        finally:
            temporary.unlink()
    stored: dict[str, str] = json.loads(path.read_text())
    return stored
