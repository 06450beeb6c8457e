"""The servers tests need: isolated databases on every backend, and Redis.

PostgreSQL, MariaDB and Redis come from ``TEST_POSTGRES_URL``,
``TEST_MARIADB_URL`` and ``TEST_REDIS_URL`` (defaults: the local servers).
Outside CI an unreachable server skips its tests with the reason; in CI
(``CI=true``) it fails them: they must run.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from alembic import command
from redis import Redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from adapters.persistence.sqlalchemy.migrations import alembic_config

SERVERS = {
    "postgresql": ("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    "mariadb": ("TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"),
}
BACKENDS = ["sqlite", *SERVERS]
REDIS = ("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    """A loopback port that nothing listens on (until someone binds it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@cache
def _unreachable(url: str) -> str | None:
    """Why the server at ``url`` cannot be used, or None if it can."""
    try:
        if url.startswith("redis://"):
            client = Redis.from_url(url, socket_connect_timeout=3)
            client.ping()
            client.close()
        else:
            engine = create_engine(url, connect_args={"connect_timeout": 3})
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
            finally:
                engine.dispose()
    except Exception as error:  # any failure to connect is a reason
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return None


def _required(kind: str, variable: str, default: str) -> str:
    url = os.environ.get(variable, default)
    reason = _unreachable(url)
    if reason is not None:
        where = make_url(url).render_as_string(hide_password=True) if "://" in url else url
        if os.environ.get("CI") == "true":
            pytest.fail(f"{kind} at {where} is unreachable in CI: {reason}")
        pytest.skip(f"{kind} at {where} is unreachable ({reason}); start it or set {variable}")
    return url


def server_url(kind: str) -> str:
    return _required(kind, *SERVERS[kind])


def redis_url() -> str:
    return _required("redis", *REDIS)


@contextmanager
def fresh_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of its own, dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.db'}"
        return
    server = make_url(server_url(kind))
    name = f"accounts_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        drop = f"DROP DATABASE {name}" + (" WITH (FORCE)" if kind == "postgresql" else "")
        with admin.connect() as connection:
            connection.execute(text(drop))
        admin.dispose()


@contextmanager
def migrated_database(kind: str, tmp_path: Path) -> Iterator[str]:
    with fresh_database(kind, tmp_path) as url:
        command.upgrade(alembic_config(url), "head")
        yield url
