"""make bench-mail: the outbox and its relays against a real SMTP server
(aiosmtpd on loopback), in two runs that stop by themselves.

    throughput  2,000 messages in one outbox on PostgreSQL, drained by one
                relay process, then by two at once: messages per second
                into the server, each Message-ID counted once.
    outage      the service under gunicorn (SQLite) takes a steady stream
                of reset requests while the SMTP server is down for
                --outage-seconds (600); then the server comes back and the
                run waits for the outbox to empty: nothing may be lost.

    .venv/bin/python -m bench.mail throughput|outage [--outage-seconds 600]

Results go to bench/results/mail-<date>.md (appended).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import func, select

from adapters.persistence.sqlalchemy.engine import create_database_engine
from adapters.persistence.sqlalchemy.migrations import alembic_config
from adapters.persistence.sqlalchemy.tables import outbox
from bench.run_bench import POSTGRES_URL, gunicorn
from bench.seed_users import recreate_database
from domain.mail import DeliveryState
from tests.support.mailbox import fill_outbox
from tests.support.servers import free_port
from tests.support.smtp import Inbox, smtp_server

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
MESSAGES = 2000
SECRETS = {"SECRET_KEY": "b" * 48, "JWT_SECRET_KEY": "c" * 48}


def record(lines: list[str]) -> None:
    RESULTS.mkdir(exist_ok=True)
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    with (RESULTS / f"mail-{today}.md").open("a") as results:
        results.write("\n".join(lines) + "\n\n")
    print("\n".join(lines))


def relay_processes(count: int, environment: dict[str, str]) -> float:
    """``count`` relays at once, each until nothing is due; the wall time."""
    started = time.monotonic()
    relays = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "main", "mail", "relay", "--once"],
            cwd=ROOT,
            env={**os.environ, **environment},
            stdout=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    for relay in relays:
        assert relay.wait(timeout=600) == 0
    return time.monotonic() - started


def throughput() -> None:
    lines = [
        f"## Outbox throughput, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores"
    ]
    lines.append("")
    lines.append("| relays | messages | seconds | messages/s | delivered once each |")
    lines.append("|---:|---:|---:|---:|---|")
    for relays in (1, 2):
        recreate_database(POSTGRES_URL)
        command.upgrade(alembic_config(POSTGRES_URL), "head")
        engine = create_database_engine(POSTGRES_URL)
        fill_outbox(engine, MESSAGES)
        with smtp_server() as (inbox, port):
            seconds = relay_processes(
                relays,
                {
                    **SECRETS,
                    "DATABASE_URL": POSTGRES_URL,
                    "MAIL_URL": f"smtp://127.0.0.1:{port}",
                    "LOG_LEVEL": "WARNING",
                },
            )
        ids = inbox.message_ids()
        with engine.connect() as db:
            sent = db.execute(
                select(func.count()).where(outbox.c.state == DeliveryState.SENT.value)
            ).scalar_one()
        engine.dispose()
        once = len(ids) == len(set(ids)) == sent == MESSAGES
        lines.append(
            f"| {relays} | {MESSAGES} | {seconds:.1f} | {MESSAGES / seconds:.0f} | {once} |"
        )
    record(lines)


def post(port: int, path: str, body: dict[str, str]) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def pending(port: int) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as response:
        for line in response.read().decode().splitlines():
            if line.startswith("accounts_mail_pending "):
                return float(line.split()[1])
    raise AssertionError("no accounts_mail_pending in /metrics")


@contextmanager
def relay(environment: dict[str, str]) -> Iterator[None]:
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "main", "mail", "relay", "--every", "1"],
        cwd=ROOT,
        env={**os.environ, **environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=60)


def outage(outage_seconds: float, users: int = 50, every: float = 0.5) -> None:
    smtp_port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="mail-outage-"))
    database = f"sqlite:///{folder / 'outage.db'}"
    environment = {
        **SECRETS,
        "DATABASE_URL": database,
        "MAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "LOG_LEVEL": "WARNING",
        "ARGON2_PROFILE": "cheapest",
        "PASSWORD_RESET_THROTTLE_LIMIT": str(10**6),
        "ADDRESS_THROTTLE_LIMIT": str(10**6),
        # Tries a minute apart at most, enough of them to outlast the outage.
        "MAIL_RETRY_DELAYS_SECONDS": ",".join(["5", "15", "30"] + ["60"] * 30),
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "main", "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, **environment},
        check=True,
        capture_output=True,
    )
    inbox = Inbox()
    with gunicorn("main:create_app()", environment) as (port, _), relay(environment):
        for n in range(users):
            body = {
                "email": f"user{n}@example.com",
                "name": f"User {n}",
                "password": "correct horse battery staple",
            }
            assert post(port, "/api/v1/auth/register", body) == 201
        accepted = refused = 0
        stop = time.monotonic() + outage_seconds
        n = 0
        while time.monotonic() < stop:  # SMTP down: nothing listens on its port
            status = post(
                port, "/api/v1/auth/password-reset", {"email": f"user{n % users}@example.com"}
            )
            accepted += status == 202
            refused += status != 202
            n += 1
            time.sleep(every)
        waiting = pending(port)
        came_back = time.monotonic()
        with smtp_server(port=smtp_port, inbox=inbox):
            deadline = came_back + 900
            while pending(port) and time.monotonic() < deadline:
                time.sleep(2)
            drained = time.monotonic() - came_back
            time.sleep(2)
        left = pending(port)
    ids = inbox.message_ids()
    expected = users + accepted
    lines = [
        f"## SMTP outage of {outage_seconds:.0f} s under reset requests, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- {users} registrations, then {accepted} reset requests answered 202 "
        f"({refused} other answers) while the SMTP server was down",
        f"- waiting in the outbox when the server came back: {waiting:.0f}",
        f"- delivered: {len(ids)} messages, {len(set(ids))} distinct Message-IDs, "
        f"expected {expected}; still pending: {left:.0f}",
        f"- the outbox emptied {drained:.0f} s after the server came back",
        f"- nothing lost: {len(set(ids)) == expected == len(ids) and left == 0}",
    ]
    record(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", choices=["throughput", "outage"])
    parser.add_argument("--outage-seconds", type=float, default=600.0)
    args = parser.parse_args()
    if args.run == "throughput":
        throughput()
    else:
        outage(args.outage_seconds)


if __name__ == "__main__":
    main()
