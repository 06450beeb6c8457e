"""Load a million posts and a million audit events into the benchmark database.

Run after ``bench.seed_users`` (which makes the database and its users): the
posts go to the first ``--authors`` users in turn, the events to the first
``--subjects`` users in turn, both with COPY and time-ordered ids, as the
service would have written them over a year.

    .venv/bin/python -m bench.seed_posts --posts 1000000 --events 1000000
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import create_engine, select, text

from adapters.persistence.sqlalchemy.tables import users
from adapters.system import UuidV7Generator
from bench.seed_users import DEFAULT_URL

POST_COLUMNS = "id, author_id, title, content, created_at, updated_at, version"
EVENT_COLUMNS = (
    "id, type, occurred_at, user_id, actor_id, session_id, ip, user_agent, request_id, data"
)
EVENT_TYPES = ("login_succeeded", "login_failed", "logged_out", "password_changed")
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def post_rows(count: int, authors: list[UUID]) -> Iterator[tuple[object, ...]]:
    ids = UuidV7Generator()
    start = datetime.now(UTC) - timedelta(days=365)
    for number in range(count):
        written = start + timedelta(microseconds=number * 10)
        content = f"Post {number}: *Markdown* with a [link](https://example.com/{number})."
        yield (
            ids.new_id(),
            authors[number % len(authors)],
            f"Post {number}",
            content,
            written,
            written,
            1,
        )


def event_rows(count: int, subjects: list[UUID]) -> Iterator[tuple[object, ...]]:
    ids = UuidV7Generator()
    start = datetime.now(UTC) - timedelta(days=365)
    for number in range(count):
        subject = subjects[number % len(subjects)]
        kind = EVENT_TYPES[number % len(EVENT_TYPES)]
        data = json.dumps({"reason": "wrong_password"} if kind == "login_failed" else {})
        yield (
            ids.new_id(),
            kind,
            start + timedelta(microseconds=number * 10),
            subject,
            subject,
            ids.new_id(),
            f"203.0.113.{number % 250}",
            FIREFOX,
            f"{number:032x}",
            data,
        )


def copy(url: str, table: str, columns: str, rows: Iterator[tuple[object, ...]]) -> None:
    engine = create_engine(url)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as load:
            for row in rows:
                load.write_row(row)
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f"VACUUM ANALYZE {table}"))
    engine.dispose()


def first_users(url: str, count: int) -> list[UUID]:
    """The first ``count`` users after the admin, in creation order."""
    engine = create_engine(url)
    with engine.connect() as connection:
        query = select(users.c.id).order_by(users.c.id).offset(1).limit(count)
        found = list(connection.execute(query).scalars())
    engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--authors", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--subjects", type=int, default=10_000)
    args = parser.parse_args()
    started = time.monotonic()
    copy(
        args.database_url,
        "posts",
        POST_COLUMNS,
        post_rows(args.posts, first_users(args.database_url, args.authors)),
    )
    print(f"seeded {args.posts:,} posts in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    subjects = first_users(args.database_url, args.subjects)
    copy(args.database_url, "audit_events", EVENT_COLUMNS, event_rows(args.events, subjects))
    print(f"seeded {args.events:,} audit events in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
