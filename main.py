"""The composition root: configuration from the environment, adapters wired to the core.

This is the only module that knows every adapter. ``create_app()`` serves
``gunicorn "main:create_app()"`` and ``flask --app main``; ``python main.py``
runs the development server.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask
from redis import Redis
from sqlalchemy import Engine

from adapters.audit.events_log import AUDIT_LOGGER, LoggingEventPublisher
from adapters.http_flask.app import create_app as create_http_app
from adapters.http_flask.docs import document
from adapters.http_flask.request_id import RequestContextFilter
from adapters.observability import metrics
from adapters.observability.json_logs import JsonLineFormatter
from adapters.persistence.sqlalchemy.engine import PoolSettings, create_database_engine, ping
from adapters.persistence.sqlalchemy.throttle import SqlThrottle
from adapters.persistence.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from adapters.security.argon2_hasher import PROFILES, Argon2Hasher
from adapters.security.jwt_access_tokens import JwtAccessTokens
from adapters.security.refresh_tokens import OpaqueRefreshTokens
from adapters.system import SystemClock, UuidV7Generator
from adapters.throttle.redis import RedisThrottle
from application.accounts import Accounts, build_accounts
from application.fan_out import FanOut
from application.ports import LoginThrottle
from application.use_cases.register import RegisterCommand
from application.use_cases.throttling import FailOpen
from application.use_cases.tokens import SessionLifetimes
from domain.errors import DomainError
from domain.passwords import PasswordPolicy
from domain.users import Role
from settings import ROOT, Settings, settings_or_exit

MIGRATIONS = ROOT / "migrations"
DATABASE_ENGINE = "accounts.database_engine"


def throttles(
    settings: Settings, engine: Engine
) -> tuple[LoginThrottle, LoginThrottle, Redis | None]:
    """Per-account and per-address throttles, shared by every worker and host:
    through Redis when ``REDIS_URL`` is set, else through the database."""
    client = (
        Redis.from_url(settings.redis_url, socket_timeout=1, socket_connect_timeout=1)
        if settings.redis_url
        else None
    )

    def store(name: str, limit: int, window: int) -> LoginThrottle:
        throttle: LoginThrottle = (
            SqlThrottle(engine, limit=limit, window_seconds=window, scope=name)
            if client is None
            else RedisThrottle(
                client,
                limit=limit,
                window_seconds=window,
                prefix=f"{settings.redis_prefix}throttle:{name}:",
            )
        )
        return FailOpen(throttle) if settings.throttle_fail_open else throttle

    account = store("login", settings.login_throttle_limit, settings.login_throttle_window_seconds)
    address = store(
        "address", settings.address_throttle_limit, settings.address_throttle_window_seconds
    )
    return account, address, client


def wire(settings: Settings) -> tuple[Accounts, Engine, Redis | None]:
    """Choose the adapters and build the core with them."""
    engine = create_database_engine(
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
    # A key of its own for successor derivation, separated from SECRET_KEY's other uses.
    refresh_tokens = OpaqueRefreshTokens(
        hashlib.sha256(b"accounts refresh successor\0" + settings.secret_key.encode()).digest()
    )
    account_throttle, address_throttle, redis_client = throttles(settings, engine)
    accounts = build_accounts(
        uow=partial(SqlAlchemyUnitOfWork, engine),
        hasher=Argon2Hasher(PROFILES[settings.argon2_profile]),
        access_tokens=JwtAccessTokens(
            settings.jwt_keys(),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            lifetime=settings.access_token_ttl,
        ),
        refresh_tokens=refresh_tokens,
        clock=SystemClock(),
        ids=UuidV7Generator(),
        policy=PasswordPolicy(
            min_length=settings.password_min_length,
            require_composition=settings.password_require_composition,
            service_name=settings.service_name,
        ),
        lifetimes=SessionLifetimes(
            refresh_token=settings.refresh_token_ttl,
            session=settings.session_ttl,
            reuse_grace=settings.refresh_reuse_grace,
        ),
        account_throttle=account_throttle,
        address_throttle=address_throttle,
        events=FanOut(LoggingEventPublisher(), metrics.MetricsEventPublisher()),
    )
    return accounts, engine, redis_client


def create_app(settings: Settings | None = None) -> Flask:
    if settings is None:
        settings = settings_or_exit()
    json_logs = (
        settings.log_format or ("json" if settings.env == "production" else "text")
    ) == "json"
    _configure_logging(settings.log_level, json_logs)
    accounts, engine, redis_client = wire(settings)
    checks: dict[str, Callable[[], object]] = {"database": partial(ping, engine)}
    if redis_client is not None:
        checks["redis"] = redis_client.ping
    app = create_http_app(
        accounts,
        readiness_checks=checks,
        max_body_bytes=settings.max_body_bytes,
        trusted_proxies=settings.trusted_proxies,
        cors_origins=settings.cors_origins,
        hsts=settings.env == "production",
        api_docs=settings.api_docs,
        observe_request=metrics.observe_request,
        # Metrics tell an attacker a lot: in production only behind METRICS_TOKEN.
        render_metrics=metrics.render
        if settings.env != "production" or settings.metrics_token
        else None,
        metrics_token=settings.metrics_token or None,
    )
    app.extensions[DATABASE_ENGINE] = engine  # for whoever ends the app's life
    _register_commands(app, settings, accounts)
    return app


def _configure_logging(level: str, json_lines: bool) -> None:
    """Application and request logs as JSON lines (production) or text for
    people (development); the audit trail always as JSON lines. Every line
    carries the request id and client address of the request that wrote it."""
    root = logging.getLogger()
    if any(isinstance(f, RequestContextFilter) for h in root.handlers for f in h.filters):
        return
    # No format here (nor gunicorn's) shows a record's thread, multiprocessing
    # name or call site: not collecting them spares every record a stack walk
    # (the logging HOWTO, "Optimization").
    logging.logThreads = False
    logging.logMultiprocessing = False
    logging._srcfile = None
    handler = logging.StreamHandler()
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(
        JsonLineFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level.upper())
    audit = logging.getLogger(AUDIT_LOGGER)
    audit_handler = logging.StreamHandler()
    audit_handler.addFilter(RequestContextFilter())
    audit_handler.setFormatter(JsonLineFormatter())
    audit.addHandler(audit_handler)
    audit.setLevel(logging.INFO)
    audit.propagate = False


def openapi_text(app: Flask) -> str:
    """The OpenAPI document as the committed openapi.json holds it."""
    return json.dumps(document(app), indent=2, sort_keys=True) + "\n"


def alembic_config(database_url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def _register_commands(app: Flask, settings: Settings, accounts: Accounts) -> None:
    @app.cli.group("db")
    def db() -> None:
        """Database migrations (Alembic)."""

    @db.command("upgrade")
    @click.argument("revision", default="head")
    def upgrade(revision: str) -> None:
        """Apply migrations up to REVISION (default: head)."""
        command.upgrade(alembic_config(settings.database_url), revision)

    @db.command("downgrade")
    @click.argument("revision")
    def downgrade(revision: str) -> None:
        """Revert migrations down to REVISION (base: all of them)."""
        command.downgrade(alembic_config(settings.database_url), revision)

    @db.command("revision")
    @click.option("-m", "--message", required=True)
    def revision(message: str) -> None:
        """Write a new migration from the difference between the tables and the database."""
        command.revision(alembic_config(settings.database_url), message, autogenerate=True)

    @app.cli.command("openapi")
    @click.option("--output", type=click.Path(dir_okay=False), default="openapi.json")
    def openapi(output: str) -> None:
        """Write the OpenAPI document (the one /api/v1/openapi.json serves) to a file."""
        Path(output).write_text(openapi_text(app))
        click.echo(f"wrote {output}")

    @app.cli.command("create-admin")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
    def create_admin(email: str, name: str, password_stdin: bool) -> None:
        """Create an admin account; the password is read from standard input."""
        if not password_stdin:
            raise click.UsageError("pass --password-stdin: a password is never an argument")
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            user = accounts.register(RegisterCommand(email, name, password, role=Role.ADMIN))
        except DomainError as error:
            raise click.ClickException(error.message) from None
        click.echo(f"created admin {user.email} ({user.id})")


if __name__ == "__main__":
    create_app().run(
        host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8000"))
    )
