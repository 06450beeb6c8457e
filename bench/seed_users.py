"""Load many users into a PostgreSQL database quickly, for benchmarks at scale.

One argon2id hash (of --password, at the production profile) is computed once
and shared by every row, and the rows go in with COPY: a million users take
seconds, not the days a million argon2 hashes would. User 0 is an admin.

    .venv/bin/python -m bench.seed_users --users 1000000
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from adapters.persistence.sqlalchemy.migrations import alembic_config
from adapters.persistence.sqlalchemy.tables import users
from adapters.security.argon2_hasher import PROFILES, Argon2Hasher
from adapters.system import UuidV7Generator

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/accounts_bench"
PASSWORD = "bench passphrase 1234"
ADMIN_EMAIL = "admin@bench.example"
COLUMNS = "id, email, name, password_hash, role, is_active, created_at, updated_at, version"


def user_email(number: int) -> str:
    return ADMIN_EMAIL if number == 0 else f"user{number}@bench.example"


def recreate_database(url: str) -> None:
    target = make_url(url)
    if target.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):  # a stale WAL would be read into the new file
            Path(f"{target.database}{suffix}").unlink(missing_ok=True)
        return
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {target.database} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {target.database}"))
    server.dispose()


def rows(count: int) -> Iterator[tuple[object, ...]]:
    password_hash = Argon2Hasher(PROFILES["rfc9106-low-memory"]).hash(PASSWORD)
    ids = UuidV7Generator()
    start = datetime.now(UTC) - timedelta(days=365)
    for number in range(count):
        created = start + timedelta(microseconds=number)
        role = "admin" if number == 0 else "user"
        yield (
            ids.new_id(),
            user_email(number),
            f"User {number}",
            password_hash,
            role,
            True,
            created,
            created,
            1,
        )


def seed(url: str, count: int) -> None:
    """COPY into PostgreSQL; batched inserts elsewhere (SQLite, for the HTTP bench)."""
    engine = create_engine(url)
    if engine.dialect.name != "postgresql":
        with engine.begin() as connection:
            names = COLUMNS.split(", ")
            connection.execute(
                insert(users), [dict(zip(names, r, strict=True)) for r in rows(count)]
            )
        engine.dispose()
        return
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(f"COPY users ({COLUMNS}) FROM STDIN") as copy:
            for row in rows(count):
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE users"))
    engine.dispose()


def prepare(url: str, count: int) -> None:
    recreate_database(url)
    command.upgrade(alembic_config(url), "head")
    seed(url, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--users", type=int, default=1_000_000)
    args = parser.parse_args()
    started = time.monotonic()
    prepare(args.database_url, args.users)
    print(f"seeded {args.users:,} users in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
