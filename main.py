"""The composition root: the only module that knows every adapter.

``create_app()`` serves ``gunicorn "main:create_app()"`` and ``flask --app
main``; ``python main.py`` runs the development server. Everything here
chooses an adapter or hands a setting to one; the work is done elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from functools import partial

from argon2 import Parameters
from flask import Flask
from redis import Redis
from sqlalchemy import Engine

from adapters.audit.events_log import AUDIT_LOGGER, LoggingEventPublisher
from adapters.http_flask.app import build_app
from adapters.http_flask.context import request_origin
from adapters.http_flask.pages import PagesConfig
from adapters.http_flask.request_id import RequestContextFilter
from adapters.mail.composer import JinjaMailComposer
from adapters.mail.dev_mailbox import DevMailbox
from adapters.mail.smtp import SmtpMailer, SmtpServer
from adapters.observability import metrics
from adapters.observability.logging_setup import configure_logging
from adapters.persistence.sqlalchemy.engine import PoolSettings, create_database_engine, ping
from adapters.persistence.sqlalchemy.migrations import Migrations
from adapters.persistence.sqlalchemy.throttle import SqlAttemptCounter
from adapters.persistence.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from adapters.security.argon2_hasher import PROFILES, Argon2Hasher
from adapters.security.cursors import SignedCursors
from adapters.security.jwt_access_tokens import JwtAccessTokens
from adapters.security.jwt_keys import ALGORITHMS, InvalidKey, KeySet
from adapters.security.refresh_tokens import OpaqueRefreshTokens
from adapters.security.secret_box import SecretBox, parse_key
from adapters.security.user_agents import UaParserUserAgents
from adapters.security.webauthn_relying_party import WebAuthnRelyingParty
from adapters.system import SystemClock, UuidV7Generator
from adapters.throttle.redis import RedisAttemptCounter
from application.audit.store import StoreAuditEvents
from application.core import Core, Ports, build_core
from application.mail.relay import MailDelivery
from application.mailing import LinkLifetimes
from application.ports import AttemptCounter, Mailer
from application.sessions.tokens import SessionLifetimes
from application.throttling import FailOpen
from domain.passwords import PasswordPolicy
from settings import ConfigError, Settings, load_dotenv_file

DATABASE_ENGINE = "accounts.database_engine"
MAIL_BATCH = 50  # messages a relay claims at a time


def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    """The settings, with what only the adapters can judge checked too:
    ``ConfigError`` names the first thing wrong."""
    settings = Settings.from_env(environ)
    access_token_keys(settings)
    argon2_parameters(settings)
    return settings


def settings_or_exit() -> Settings:
    """The settings, or the one-line reason why not on standard error and exit
    status 1: a service must not start half-configured."""
    load_dotenv_file()
    try:
        return load_settings()
    except ConfigError as error:
        print(f"accounts: refusing to start: {error}", file=sys.stderr)
        raise SystemExit(1) from None


def access_token_keys(settings: Settings) -> KeySet:
    """HS256 from JWT_SECRET_KEY, or RS256/EdDSA from a PEM private key; the
    previous keys still verify, so a rotation logs nobody out."""
    try:
        if settings.jwt_algorithm not in ALGORITHMS:
            raise InvalidKey(f"JWT_ALGORITHM must be one of {', '.join(ALGORITHMS)}")
        if settings.jwt_algorithm == "HS256":
            return KeySet.hmac(
                settings.jwt_secret_key.encode(),
                tuple(key.encode() for key in settings.jwt_previous_secret_keys),
            )
        if not settings.jwt_private_key:
            raise InvalidKey(
                f"{settings.jwt_algorithm} needs JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE"
            )
        return KeySet.from_pem(
            settings.jwt_algorithm,
            settings.jwt_private_key.encode(),
            tuple(key.encode() for key in settings.jwt_previous_public_keys),
        )
    except InvalidKey as error:
        raise ConfigError(str(error)) from None


def secret_box(settings: Settings) -> SecretBox:
    """AES-256-GCM under MFA_ENCRYPTION_KEY; the previous keys still open
    what they sealed, so a rotation locks nobody out."""
    try:
        return SecretBox(
            parse_key(settings.mfa_key),
            tuple(parse_key(key) for key in settings.mfa_previous_encryption_keys),
        )
    except ValueError:
        raise ConfigError(
            "MFA_ENCRYPTION_KEY and MFA_PREVIOUS_ENCRYPTION_KEYS are 32 bytes in base64url"
        ) from None


def argon2_parameters(settings: Settings) -> Parameters:
    if settings.argon2_profile not in PROFILES:
        raise ConfigError(f"ARGON2_PROFILE must be one of {', '.join(PROFILES)}")
    return PROFILES[settings.argon2_profile]


@dataclass(frozen=True, slots=True)
class AttemptCounters:
    account: AttemptCounter  # logins and password checks, per account
    address: AttemptCounter  # per client address, across accounts
    verification: AttemptCounter  # verification mails, per account
    reset: AttemptCounter  # reset mails, per target address


def attempt_counters(settings: Settings, engine: Engine) -> tuple[AttemptCounters, Redis | None]:
    """The throttles' counters, shared by every worker and host: through
    Redis when ``REDIS_URL`` is set, else through the database."""
    client = (
        Redis.from_url(settings.redis_url, socket_timeout=1, socket_connect_timeout=1)
        if settings.redis_url
        else None
    )

    def store(name: str, limit: int, window: int) -> AttemptCounter:
        counter: AttemptCounter = (
            SqlAttemptCounter(engine, limit=limit, window_seconds=window, scope=name)
            if client is None
            else RedisAttemptCounter(
                client,
                limit=limit,
                window_seconds=window,
                prefix=f"{settings.redis_prefix}throttle:{name}:",
            )
        )
        return FailOpen(counter) if settings.throttle_fail_open else counter

    counters = AttemptCounters(
        account=store(
            "login", settings.login_throttle_limit, settings.login_throttle_window_seconds
        ),
        address=store(
            "address", settings.address_throttle_limit, settings.address_throttle_window_seconds
        ),
        verification=store("verification", 1, settings.verification_mail_interval_seconds),
        reset=store("reset", settings.reset_throttle_limit, settings.reset_throttle_window_seconds),
    )
    return counters, client


def mailer(settings: Settings) -> Mailer:
    """SMTP as ``MAIL_URL`` says, or the development mailbox for ``dev://``."""
    if settings.mail_url.startswith("dev:"):
        return DevMailbox()
    sender = parseaddr(settings.mail_from)[1]
    return SmtpMailer(
        SmtpServer.from_url(settings.mail_url),
        settings.mail_from,
        message_id_domain=sender.rpartition("@")[2] or "localhost",
    )


def database_engine(settings: Settings) -> Engine:
    return create_database_engine(
        settings.database_url,
        PoolSettings(
            size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            timeout_seconds=settings.db_pool_timeout_seconds,
            connect_timeout_seconds=settings.db_connect_timeout_seconds,
            statement_timeout_ms=settings.db_statement_timeout_ms,
            pre_ping=settings.db_pool_pre_ping,
        ),
    )


def page_cursors(secret_key: str) -> SignedCursors:
    """Page cursors, signed with a key of their own derived from ``SECRET_KEY``."""
    return SignedCursors(hashlib.sha256(b"accounts page cursors\0" + secret_key.encode()).digest())


def wire(settings: Settings, keys: KeySet) -> tuple[Core, Engine, Redis | None]:
    """Choose the adapters and build the core with them (``keys``: the access
    tokens', read once with the settings)."""
    engine = database_engine(settings)
    counters, redis_client = attempt_counters(settings, engine)
    link_lifetimes = LinkLifetimes(
        verify_email=settings.email_verification_ttl,
        reset_password=settings.password_reset_ttl,
        confirm_email=settings.email_change_ttl,
        undo_email_change=settings.email_change_undo_ttl,
    )
    clock, ids = SystemClock(), UuidV7Generator()
    listeners = (LoggingEventPublisher(), metrics.MetricsEventPublisher())
    store_audit_events = StoreAuditEvents(ids, clock, request_origin)
    core = build_core(
        Ports(
            uow=partial(
                SqlAlchemyUnitOfWork, engine, writers=(store_audit_events,), listeners=listeners
            ),
            hasher=Argon2Hasher(argon2_parameters(settings)),
            access_tokens=JwtAccessTokens(
                keys,
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                lifetime=settings.access_token_ttl,
                clock=clock,
            ),
            # A key of its own for successor derivation, apart from SECRET_KEY's other uses.
            refresh_tokens=OpaqueRefreshTokens(
                hashlib.sha256(
                    b"accounts refresh successor\0" + settings.secret_key.encode()
                ).digest()
            ),
            clock=clock,
            ids=ids,
            account_attempts=counters.account,
            address_attempts=counters.address,
            verification_attempts=counters.verification,
            reset_attempts=counters.reset,
            policy=PasswordPolicy(
                min_length=settings.password_min_length,
                require_composition=settings.password_require_composition,
                service_name=settings.service_name,
            ),
            lifetimes=SessionLifetimes(
                refresh_token=settings.refresh_token_ttl,
                session=settings.session_ttl,
                reuse_grace=settings.refresh_reuse_grace,
                browser_idle=settings.browser_idle,
            ),
            composer=JinjaMailComposer(settings.public_url, settings.service_name, link_lifetimes),
            mailer=mailer(settings),
            link_lifetimes=link_lifetimes,
            delivery=MailDelivery(batch=MAIL_BATCH, retry_delays=settings.mail_retry_delays),
            email_verification_required=settings.email_verification == "required",
            origin=request_origin,
            cursors=page_cursors(settings.secret_key),
            secret_box=secret_box(settings),
            random=os.urandom,
            service_name=settings.service_name,
            webauthn=WebAuthnRelyingParty(settings.public_url, settings.service_name),
            user_agents=UaParserUserAgents(),
        )
    )
    return core, engine, redis_client


def create_app(settings: Settings | None = None) -> Flask:
    if settings is None:
        settings = settings_or_exit()
    configure_logging(
        settings.log_level,
        json_lines=(settings.log_format or ("json" if settings.env == "production" else "text"))
        == "json",
        context=RequestContextFilter(),
        audit_logger=AUDIT_LOGGER,
    )
    keys = access_token_keys(settings)
    core, engine, redis_client = wire(settings, keys)
    checks: dict[str, Callable[[], object]] = {"database": partial(ping, engine)}
    if redis_client is not None:
        checks["redis"] = redis_client.ping
    app = build_app(
        core,
        migrations=Migrations(settings.database_url),
        readiness_checks=checks,
        max_body_bytes=settings.max_body_bytes,
        trusted_proxies=settings.trusted_proxies,
        cors_origins=settings.cors_origins,
        hsts=settings.env == "production",
        api_docs=settings.api_docs,
        observe_request=metrics.observe_request,
        # Metrics tell an attacker a lot: in production only behind METRICS_TOKEN.
        render_metrics=partial(
            metrics.render, metrics.OutboxCollector(core.mail.mail_backlog, SystemClock().now)
        )
        if settings.env != "production" or settings.metrics_token
        else None,
        metrics_token=settings.metrics_token or None,
        pages=PagesConfig(
            # A key of its own for signing the pages' cookie.
            secret_key=hashlib.sha256(
                b"accounts page cookie\0" + settings.secret_key.encode()
            ).digest(),
            cookie_name=settings.cookie_name,
            cookie_secure=settings.session_cookie_secure,
            remembered_for=settings.refresh_token_ttl,
            api_docs=settings.api_docs,
            dev_mailbox=settings.mail_url.startswith("dev:"),
        ),
        audit_retention=timedelta(days=settings.audit_retention_days),
        public_keys=keys.public_jwks(),
    )
    app.extensions[DATABASE_ENGINE] = engine  # for whoever ends the app's life
    return app


if __name__ == "__main__":
    create_app().run(
        host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8000"))
    )
