"""The API against a million users in PostgreSQL, through gunicorn on loopback.

Seed first (python -m bench.seed_users), then:

    .venv/bin/python -m bench.bench_scale

Measures GET /api/v1/users at page 1, a middle page and the last page (one
connection: latency at depth), GET /api/v1/auth/me and POST /api/v1/auth/login
(concurrent), each with wrk for a bounded time. Writes
bench/results/scale-postgres-<date>.json and .md and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import urllib.request
from datetime import UTC, datetime

from bench.run_bench import HOST, RESULTS, Run, gunicorn, login, wrk
from bench.seed_users import ADMIN_EMAIL, DEFAULT_URL, PASSWORD, user_email


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--seconds", type=float, default=10.0, help="each wrk run's length")
    args = parser.parse_args()
    environment = {
        "APP_ENV": "production",
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": secrets.token_urlsafe(48),
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
        me = f"Authorization: Bearer {login(port, user_email(1))}"
        result = wrk(f"{base}/auth/me", args.seconds, 16, "-H", me)
        runs.append(Run.of("postgresql", "GET /auth/me", result))
        body = json.dumps({"email": user_email(2), "password": PASSWORD})
        result = wrk(
            f"{base}/auth/login", args.seconds, 8, "-s", "post_json.lua", env={"BODY": body}
        )
        runs.append(Run.of("postgresql", "POST /auth/login", result))
    report(runs, first["total"], first["total_is_estimate"])


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
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"scale-postgres-{today}.md").write_text(table + "\n")
    (RESULTS / f"scale-postgres-{today}.json").write_text(
        json.dumps({"date": today, "users": total, "runs": [vars(r) for r in runs]}, indent=2)
        + "\n"
    )


if __name__ == "__main__":
    main()
