"""What storing the audit trail costs a login: worker CPU with and without it.

In process, through the Flask app (every layer a worker runs), argon2 at its
cheapest so the login's own work is what remains. Logins alternate one by
one between the app as it is and the same app with the audit store's writer
made a no-op, so drift on a noisy machine falls on both alike, and the
medians of each login's CPU are compared. CPU is the serving thread's
(``time.thread_time``): the database server's time is not the worker's.
Then, where valgrind is installed, the instructions per login of each,
counted by callgrind: the same comparison without the machine's noise.

    .venv/bin/python -m bench.audit_cost [--database-url URL] [--logins 4000]
                                         [--instructions 200]

Prints the table and writes bench/results/audit-cost-<database>-<date>.md.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from flask.testing import FlaskClient

from adapters.persistence.sqlalchemy.migrations import alembic_config
from application.audit.store import StoreAuditEvents
from bench.run_bench import publish
from bench.seed_users import recreate_database
from main import create_app
from settings import Settings

GOAL = 0.05  # at most 5% more worker CPU per login
PASSWORD = "bench passphrase 1234"
LOGIN = {"email": "ada@bench.example", "password": PASSWORD}


class SwitchableStore:
    """The audit writer, or a no-op in its place while ``on`` is false."""

    def __init__(self) -> None:
        self.on = True
        self._store = StoreAuditEvents.__call__

    def install(self) -> None:
        switch, store = self, self._store

        def maybe_store(self: StoreAuditEvents, uow: Any, events: Any) -> None:
            if switch.on:
                store(self, uow, events)

        StoreAuditEvents.__call__ = maybe_store  # type: ignore[method-assign]


def one_login(client: FlaskClient) -> float:
    """CPU seconds of the serving thread for one login."""
    started = time.thread_time()
    response = client.post("/api/v1/auth/login", json=LOGIN)
    spent = time.thread_time() - started
    assert response.status_code == 200, response.status_code
    return spent


def logged_in_app(url: str) -> tuple[FlaskClient, SwitchableStore]:
    """The app on a fresh database, one account registered, warmed up."""
    recreate_database(url)
    command.upgrade(alembic_config(url), "head")
    settings = Settings(
        secret_key="s" * 48,
        jwt_secret_key="j" * 48,
        database_url=url,
        argon2_profile="cheapest",
        log_level="WARNING",
        login_throttle_limit=10**9,
        address_throttle_limit=10**9,
    )
    client = create_app(settings).test_client()
    assert client.post("/api/v1/auth/register", json=LOGIN | {"name": "Ada"}).status_code == 201
    switch = SwitchableStore()
    switch.install()
    for _ in range(200):  # warm caches, pools and statements
        one_login(client)
    return client, switch


def measure(url: str, logins: int) -> tuple[list[float], list[float]]:
    client, switch = logged_in_app(url)
    stored, bare = [], []
    for number in range(2 * logins):
        switch.on = number % 2 == 0
        (stored if switch.on else bare).append(one_login(client))
    return stored, bare


def instructions_per_login(url: str, logins: int, store: bool) -> float:
    """Instructions per login counted by callgrind: free of the machine's noise.
    Two runs, with and without ``logins`` after the set-up, tell the logins' own."""

    def run(count: int) -> int:
        child = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--callgrind-out-file=/dev/null",
                sys.executable,
                "-m",
                "bench.audit_cost",
                "--child",
                f"{count},{int(store)}",
                "--database-url",
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        found = re.search(r"Collected : (\d+)", child.stderr)
        assert found is not None, child.stderr[-500:]
        return int(found.group(1))

    return (run(logins) - run(0)) / logins


def child(url: str, spec: str) -> None:
    """Under callgrind: set up, then ``count`` logins with the store on or off."""
    count, store = (int(part) for part in spec.split(","))
    client, switch = logged_in_app(url)
    switch.on = bool(store)
    for _ in range(count):
        one_login(client)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--logins", type=int, default=4000, help="of each kind")
    parser.add_argument(
        "--instructions", type=int, default=200, help="logins counted by callgrind (0: none)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.database_url, args.child)
        return
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'audit-cost.db'}"
        stored, bare = measure(url, args.logins)
        # The counted runs on a database of their own: this process keeps its own open.
        counted_url = args.database_url or f"sqlite:///{Path(folder) / 'audit-counted.db'}"
        counted = (
            [instructions_per_login(counted_url, args.instructions, on) for on in (True, False)]
            if args.instructions and shutil.which("valgrind")
            else []
        )
    backend = url.split(":", 1)[0].split("+", 1)[0]

    def row(label: str, cpu: list[float]) -> str:
        q1, median, q3 = statistics.quantiles(cpu, n=4)
        return f"| {label} | {median * 1000:.3f} ms | {q1 * 1000:.3f} to {q3 * 1000:.3f} ms |"

    extra = statistics.median(stored) / statistics.median(bare) - 1
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    table = "\n".join(
        [
            f"Login CPU with and without the stored audit event, {backend}, argon2 cheapest, "
            f"{args.logins:,} logins of each kind, one by one in turn, {today}",
            "",
            "| | CPU per login, median | middle half |",
            "|---|---:|---|",
            row("audit event stored", stored),
            row("audit writer a no-op", bare),
            f"| extra | {extra:+.1%} | goal: at most +{GOAL:.0%} |",
        ]
    )
    if counted:
        with_store, without = counted
        table += (
            f"\n\nInstructions per login (callgrind, {args.instructions} logins): "
            f"{with_store / 1e6:.3f} M stored, {without / 1e6:.3f} M with the writer a "
            f"no-op: {with_store / without - 1:+.1%}"
        )
    publish(table, f"audit-cost-{backend}-{today}")


if __name__ == "__main__":
    main()
