"""Engines for every supported backend, with each dialect's needs kept here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """Connection pool and timeouts for server databases.

    The timeouts bound how long a request can wait on a database that is
    down or stuck, so an outage is a quick 503 rather than a hung worker.
    """

    size: int = 5
    max_overflow: int = 10
    timeout_seconds: float = 3.0
    connect_timeout_seconds: int = 2
    statement_timeout_ms: int = 5000
    # A ping on every checkout costs a round trip per request. Without it a
    # disconnect error still invalidates the whole pool, so after a database
    # restart each process answers one 503 and then reconnects.
    pre_ping: bool = False


def create_database_engine(url: str, pool: PoolSettings | None = None) -> Engine:
    """An engine for ``url``: SQLite, PostgreSQL (psycopg 3) or MariaDB/MySQL (PyMySQL)."""
    pool = pool or PoolSettings()
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url)
    connect_args: dict[str, Any] = {"connect_timeout": pool.connect_timeout_seconds}
    options: dict[str, Any] = {}
    if backend == "postgresql" and pool.statement_timeout_ms:
        connect_args["options"] = f"-c statement_timeout={pool.statement_timeout_ms}"
    if backend in {"mysql", "mariadb"}:
        # InnoDB's default REPEATABLE READ takes gap locks that turn concurrent
        # inserts into deadlocks; READ COMMITTED matches PostgreSQL's default.
        options["isolation_level"] = "READ COMMITTED"
        if pool.statement_timeout_ms:
            seconds = max(1, pool.statement_timeout_ms // 1000)
            connect_args["read_timeout"] = connect_args["write_timeout"] = seconds
    return create_engine(
        url,
        pool_size=pool.size,
        max_overflow=pool.max_overflow,
        pool_timeout=pool.timeout_seconds,
        pool_pre_ping=pool.pre_ping,
        connect_args=connect_args,
        **options,
    )


def _sqlite_engine(url: str) -> Engine:
    """Foreign keys (for cascades), WAL and a busy timeout: without the last two,
    concurrent writers fail with "database is locked"."""
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _configure_sqlite)
    return engine


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def ping(engine: Engine) -> None:
    """Raise if the database cannot answer a trivial query."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
