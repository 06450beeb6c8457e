"""What second factors and new-device alerts cost a sign-in: worker CPU per
sign-in, in process, through the Flask app, argon2 at its cheapest.

Four kinds of sign-in, one of each in turn, so drift on a noisy machine
falls on all alike: a password alone; a password and a TOTP code (two
requests); a passkey alone (options, then the answer, signed by the
tests' software authenticator); and a password alone with the new-device
check (S52) made a no-op, to tell what that check costs. The clock the app
reads moves 30 seconds per round, so each TOTP code is of a fresh step.

    .venv/bin/python -m bench.second_factor_cost [--database-url URL] [--rounds 2000]

Prints the table and writes bench/results/second-factor-cost-<database>-<date>.md.
"""

from __future__ import annotations

import argparse
import base64
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from flask.testing import FlaskClient
from sqlalchemy import update

from adapters.persistence.sqlalchemy.migrations import alembic_config
from adapters.persistence.sqlalchemy.tables import users
from adapters.system import SystemClock
from application.new_devices import NewDeviceAlerts
from bench.run_bench import publish
from bench.seed_users import recreate_database
from domain.totp import totp
from main import DATABASE_ENGINE, create_app
from settings import Settings
from tests.support.authenticator import SoftAuthenticator

PASSWORD = "bench passphrase 1234"
PUBLIC_URL = "https://bench.example"
LOGIN = "/api/v1/auth/login"
VIRTUAL_START = datetime(2026, 12, 3, tzinfo=UTC)


class VirtualTime:
    """The app's clock, moved on by the bench: 30 seconds per round."""

    def __init__(self) -> None:
        self.now = VIRTUAL_START
        SystemClock.now = lambda _self: self.now  # type: ignore[method-assign]

    def step(self) -> None:
        self.now += timedelta(seconds=30)


class SwitchableAlerts:
    """The new-device check, or a no-op in its place while ``on`` is false."""

    def __init__(self) -> None:
        self.on = True
        check = NewDeviceAlerts.check

        def maybe_check(alerts: NewDeviceAlerts, *args: Any) -> None:
            if self.on:
                check(alerts, *args)

        NewDeviceAlerts.check = maybe_check  # type: ignore[method-assign]


def cpu(work: Callable[[], None]) -> float:
    started = time.thread_time()
    work()
    return time.thread_time() - started


class Accounts:
    """Three accounts: a password alone, with TOTP, with a passkey."""

    def __init__(self, client: FlaskClient, clock: VirtualTime) -> None:
        self.client, self.clock = client, clock
        self.key = SoftAuthenticator(PUBLIC_URL)
        for email in ("plain@bench.example", "totp@bench.example", "passkey@bench.example"):
            body = {"email": email, "password": PASSWORD, "name": "Bench"}
            assert client.post("/api/v1/auth/register", json=body).status_code == 201
        self.secret = self._with_totp()
        self._with_passkey()

    def _verified(self, email: str) -> dict[str, str]:
        """Tokens of ``email``, its address marked verified in the database."""
        engine = self.client.application.extensions[DATABASE_ENGINE]
        with engine.begin() as connection:
            connection.execute(
                update(users).where(users.c.email == email).values(email_verified=True)
            )
        answer = self.client.post(LOGIN, json={"email": email, "password": PASSWORD})
        return {"Authorization": f"Bearer {answer.json['access_token']}"}  # type: ignore[index]

    def _with_totp(self) -> bytes:
        headers = self._verified("totp@bench.example")
        started = self.client.post(
            "/api/v1/auth/mfa/totp", json={"current_password": PASSWORD}, headers=headers
        )
        secret = base64.b32decode(started.json["secret"])  # type: ignore[index]
        confirm = {"code": totp(secret, self.clock.now.timestamp())}
        assert (
            self.client.post(
                "/api/v1/auth/mfa/totp/confirm", json=confirm, headers=headers
            ).status_code
            == 200
        )
        return secret

    def _with_passkey(self) -> None:
        headers = self._verified("passkey@bench.example")
        options = self.client.post(
            "/api/v1/auth/passkeys/registration-options",
            json={"current_password": PASSWORD},
            headers=headers,
        ).json
        body = {"credential": self.key.create(options), "name": "Bench key"}  # type: ignore[arg-type]
        assert (
            self.client.post("/api/v1/auth/passkeys", json=body, headers=headers).status_code == 201
        )

    def password(self) -> None:
        body = {"email": "plain@bench.example", "password": PASSWORD}
        assert self.client.post(LOGIN, json=body).status_code == 200

    def with_totp(self) -> None:
        body = {"email": "totp@bench.example", "password": PASSWORD}
        first = self.client.post(LOGIN, json=body)
        assert first.status_code == 202, first.json
        code = totp(self.secret, self.clock.now.timestamp())
        second = {"mfa_token": first.json["mfa_token"], "code": code}  # type: ignore[index]
        assert self.client.post(LOGIN + "/mfa", json=second).status_code == 200

    def passkey(self) -> None:
        options = self.client.post("/api/v1/auth/passkeys/login-options", json={}).json
        body = {"credential": self.key.get(options)}  # type: ignore[arg-type]
        assert self.client.post("/api/v1/auth/passkeys/login", json=body).status_code == 200


def measure(url: str, rounds: int) -> dict[str, list[float]]:
    recreate_database(url)
    command.upgrade(alembic_config(url), "head")
    clock = VirtualTime()
    settings = Settings(
        secret_key="s" * 48,
        jwt_secret_key="j" * 48,
        database_url=url,
        public_url=PUBLIC_URL,
        argon2_profile="cheapest",
        log_level="WARNING",
        login_throttle_limit=10**9,
        address_throttle_limit=10**9,
    )
    accounts = Accounts(create_app(settings).test_client(), clock)
    alerts = SwitchableAlerts()

    def without_alert_check() -> None:
        alerts.on = False
        accounts.password()
        alerts.on = True

    kinds = {
        "password alone": accounts.password,
        "password, then a TOTP code": accounts.with_totp,
        "passkey alone (options and answer)": accounts.passkey,
        "password alone, new-device check a no-op": without_alert_check,
    }
    spent: dict[str, list[float]] = {name: [] for name in kinds}
    for number in range(rounds + 100):
        clock.step()
        for name, kind in kinds.items():
            seconds = cpu(kind)
            if number >= 100:  # the first hundred warm caches, pools and statements
                spent[name].append(seconds)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rounds", type=int, default=2000, help="sign-ins of each kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'second-factor-cost.db'}"
        spent = measure(url, args.rounds)
    backend = url.split(":", 1)[0].split("+", 1)[0]
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    base = statistics.median(spent["password alone"])
    lines = [
        f"Worker CPU per sign-in, {backend}, argon2 cheapest, {args.rounds:,} of each kind "
        f"in turn, {today}",
        "",
        "| sign-in | CPU, median | middle half | against a password alone |",
        "|---|---:|---|---:|",
    ]
    for name, values in spent.items():
        q1, median, q3 = statistics.quantiles(values, n=4)
        lines.append(
            f"| {name} | {median * 1000:.3f} ms | {q1 * 1000:.3f} to {q3 * 1000:.3f} ms "
            f"| {median / base - 1:+.1%} |"
        )
    table = "\n".join(lines)
    publish(table, f"second-factor-cost-{backend}-{today}")


if __name__ == "__main__":
    main()
