"""The API against a million users, posts and audit events in PostgreSQL,
through gunicorn on loopback.

Seed first (python -m bench.seed_users, then python -m bench.seed_posts), then:

    .venv/bin/python -m bench.bench_scale

Measures, with one connection (latency at depth): GET /api/v1/users at page 1,
a middle page and the last page by number, and the first and last pages by
cursor; the posts' and one author's first and last pages by cursor; an
admin's query for one user's audit events, and the whole trail's first and
last pages. Then GET /api/v1/auth/me and POST /api/v1/auth/login
(concurrent). Each with wrk for a bounded time. The last pages' cursors are
signed here with the key the service derives from the SECRET_KEY this bench
gives it, at the row 20 from the end. Writes
bench/results/scale-postgres-<date>.json and .md and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import urllib.request
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import Column, ColumnElement, Engine, create_engine, select

from adapters.persistence.sqlalchemy.tables import audit_events, posts, users
from bench.run_bench import HOST, PRODUCTION_REQUIRED, RESULTS, Run, gunicorn, login, publish, wrk
from bench.seed_users import ADMIN_EMAIL, DEFAULT_URL, PASSWORD, user_email
from domain.audit import AuditQuery
from main import page_cursors

PAGE = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--seconds", type=float, default=10.0, help="each wrk run's length")
    args = parser.parse_args()
    secret_key = secrets.token_urlsafe(48)
    cursors = page_cursors(secret_key)
    engine = create_engine(args.database_url)
    author = first_column(engine, posts.c.author_id)
    subject = first_column(engine, audit_events.c.user_id)
    # Where each last page starts: the position its cursor names.
    last_user = nth_from_end(engine, users.c.id, newest_first=False)
    last_post = nth_from_end(engine, posts.c.id, newest_first=True)
    last_own_post = nth_from_end(engine, posts.c.id, True, posts.c.author_id == author)
    last_event = nth_from_end(engine, audit_events.c.id, newest_first=True)
    engine.dispose()
    by_cursor = [
        ("GET /users by cursor, first page", "/users?limit=20"),
        (
            "GET /users by cursor, last page",
            f"/users?limit=20&cursor={cursors.issue('users:email=', last_user)}",
        ),
        ("GET /posts by cursor, first page", "/posts?limit=20"),
        (
            "GET /posts by cursor, last page",
            f"/posts?limit=20&cursor={cursors.issue('posts', last_post)}",
        ),
        ("GET /users/{id}/posts, first page", f"/users/{author}/posts?limit=20"),
        (
            "GET /users/{id}/posts, last page",
            f"/users/{author}/posts?limit=20"
            f"&cursor={cursors.issue(f'posts:author={author}', last_own_post)}",
        ),
        ("GET /audit-events?user_id= (one user's)", f"/audit-events?user_id={subject}&limit=20"),
        ("GET /audit-events, first page", "/audit-events?limit=20"),
        (
            "GET /audit-events, last page",
            f"/audit-events?limit=20&cursor={cursors.issue(AuditQuery().listing, last_event)}",
        ),
    ]
    environment = {
        "APP_ENV": "production",
        **PRODUCTION_REQUIRED,
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": secret_key,
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        "LOG_LEVEL": "WARNING",
        "LOGIN_THROTTLE_LIMIT": str(10**9),
        "ADDRESS_THROTTLE_LIMIT": str(10**9),
    }
    runs: list[Run] = []
    with gunicorn("main:create_app()", environment) as (port, _):
        base = f"http://{HOST}:{port}/api/v1"
        admin = f"Authorization: Bearer {login(port, ADMIN_EMAIL)}"
        request = urllib.request.Request(f"{base}/users", headers=dict([admin.split(": ", 1)]))
        with urllib.request.urlopen(request) as response:
            first = json.load(response)
        pages = first["pages"]
        for label, page in [("1", 1), ("middle", pages // 2), ("last", pages)]:
            result = wrk(f"{base}/users?page={page}&per_page=20", args.seconds, 1, "-H", admin)
            runs.append(Run.of("postgresql", f"GET /users page {label} ({page:,})", result))
        for scenario, path in by_cursor:
            result = wrk(f"{base}{path}", args.seconds, 1, "-H", admin)
            runs.append(Run.of("postgresql", scenario, result))
        me = f"Authorization: Bearer {login(port, user_email(1))}"
        result = wrk(f"{base}/auth/me", args.seconds, 16, "-H", me)
        runs.append(Run.of("postgresql", "GET /auth/me", result))
        body = json.dumps({"email": user_email(2), "password": PASSWORD})
        result = wrk(
            f"{base}/auth/login", args.seconds, 8, "-s", "post_json.lua", env={"BODY": body}
        )
        runs.append(Run.of("postgresql", "POST /auth/login", result))
    report(runs, first["total"], first["total_is_estimate"])


def first_column(engine: Engine, column: Column[UUID]) -> UUID:
    """The first row's value of ``column`` (an author, an event's subject)."""
    with engine.connect() as connection:
        return connection.execute(select(column).order_by(column.table.c.id).limit(1)).scalar_one()


def nth_from_end(
    engine: Engine, key: Column[UUID], newest_first: bool, *where: ColumnElement[bool]
) -> UUID:
    """The position after which the list's last page of ``PAGE`` rows starts."""
    order = key.asc() if newest_first else key.desc()
    query = select(key).where(*where).order_by(order).offset(PAGE).limit(1)
    with engine.connect() as connection:
        return connection.execute(query).scalar_one()


def report(runs: list[Run], total: int, estimated: bool) -> None:
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    header = (
        f"PostgreSQL, {total:,} users{' (estimated total)' if estimated else ''}, "
        f"{os.cpu_count()} cores, {today}"
    )
    lines = [
        header,
        "",
        "| request | req/s | p50 ms | p99 ms | non-2xx | socket errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.scenario} | {r.requests_per_second:.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} "
        f"| {r.non_2xx} | {r.socket_errors} |"
        for r in runs
    ]
    table = "\n".join(lines)
    publish(table, f"scale-postgres-{today}")
    (RESULTS / f"scale-postgres-{today}.json").write_text(
        json.dumps({"date": today, "users": total, "runs": [vars(r) for r in runs]}, indent=2)
        + "\n"
    )


if __name__ == "__main__":
    main()
