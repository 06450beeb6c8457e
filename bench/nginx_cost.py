"""`GET /auth/me` through the shipped nginx against the service direct, with
the hello-world next to them: what the buffering proxy costs.

    .venv/bin/python -m bench.nginx_cost [--seconds 10] [--rounds 3]

gunicorn as `make run` serves it (SQLite, production settings), nginx with
deploy/nginx.conf in front (its listen address and upstream changed, no
more), wrk on loopback. Each round runs the hello-world, `me` direct and
`me` through nginx, one after the other, so all three see the same host.
Writes bench/results/nginx-cost-<date>.md.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from bench.run_bench import HOST, gunicorn, login, publish, wrk
from bench.seed_users import prepare, user_email
from tests.support.api import PRODUCTION_REQUIRED
from tests.support.nginx import nginx_in_front

USERS = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="each wrk run's length")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"hello-world": [], "direct": [], "nginx": []}
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{folder}/bench.db"
        prepare(database, USERS)
        environment = {
            "APP_ENV": "production",
            **PRODUCTION_REQUIRED,
            "DATABASE_URL": database,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "JWT_SECRET_KEY": secrets.token_urlsafe(48),
            "LOG_LEVEL": "WARNING",
            "TRUSTED_PROXIES": "1",
        }
        with (
            gunicorn("bench.hello:app", {}) as (hello, _),
            gunicorn("main:create_app()", environment) as (port, _),
            nginx_in_front(Path(folder), f"127.0.0.1:{port}") as proxy,
        ):
            header = f"Authorization: Bearer {login(port, user_email(1))}"
            targets = {
                "hello-world": partial(wrk, f"http://{HOST}:{hello}/", args.seconds, 16),
                "direct": partial(
                    wrk, f"http://{HOST}:{port}/api/v1/auth/me", args.seconds, 16, "-H", header
                ),
                "nginx": partial(
                    wrk, f"http://{HOST}:{proxy}/api/v1/auth/me", args.seconds, 16, "-H", header
                ),
            }
            for _ in range(args.rounds):
                for name, measure in targets.items():
                    runs[name].append(measure())
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    rate = {name: statistics.mean(run["rps"] for run in done) for name, done in runs.items()}
    lines = [
        f"`me` through nginx against direct, SQLite, {args.rounds} rounds of "
        f"{args.seconds:g} s, 16 connections, {today}",
        "",
        "| target | req/s (mean) | each round | p50 ms (mean) | non-2xx |",
        "|---|---:|---|---:|---:|",
    ]
    for name, done in runs.items():
        each = ", ".join(f"{run['rps']:,.0f}" for run in done)
        p50 = statistics.mean(run["p50"] for run in done)
        errors = sum(run.get("non_2xx", 0) for run in done)
        lines.append(f"| {name} | {rate[name]:,.0f} | {each} | {p50:.2f} | {errors:.0f} |")
    lines += [
        "",
        f"through nginx ÷ direct: {rate['nginx'] / rate['direct']:.2f}; "
        f"direct ÷ hello-world: {rate['direct'] / rate['hello-world']:.2f}",
    ]
    table = "\n".join(lines)
    publish(table, f"nginx-cost-{today}")


if __name__ == "__main__":
    main()
