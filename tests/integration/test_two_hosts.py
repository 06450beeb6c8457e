"""The service on two hosts behind one nginx, sharing one PostgreSQL and one
Redis, as docs/deployment.md lays it out.

Each host is a network namespace of the test's own with its own address
(tests/support/hosts.py), running gunicorn and a mail relay with the
production settings. Nothing is shared between them but the database,
Redis and the signing key, so anything one host does the other sees only
through those.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy.engine import make_url

from adapters.persistence.sqlalchemy.engine import create_database_engine
from settings import ROOT
from tests.support.api import PASSWORD, PRODUCTION_REQUIRED
from tests.support.gunicorn_server import Server, gunicorn_server
from tests.support.hosts import Host, network_host
from tests.support.http import call
from tests.support.mailbox import fill_outbox
from tests.support.nginx import nginx_in_front
from tests.support.servers import migrated_database, redis_url
from tests.support.smtp import Inbox, smtp_server

LOGIN_LIMIT = 5
CLIENT = {"X-Forwarded-For": "203.0.113.7"}  # one client, whichever host it reaches


@dataclass
class Deployment:
    servers: list[Server]
    hosts: list[Host]
    relay_logs: list[Path]
    proxy: str  # nginx, in front of both
    database_url: str  # as this machine reaches it
    inbox: Inbox

    def api(self, host: int) -> str:
        server = self.servers[host]
        return f"http://{server.address}:{server.port}/api/v1"


def _as_seen_from(host: Host, url: str) -> str:
    """``url`` of a loopback server, as ``host`` reaches it (through its gateway)."""
    if "://" in url and not url.startswith(("redis:", "smtp:")):
        return make_url(url).set(host=host.gateway).render_as_string(hide_password=False)
    return url.replace("127.0.0.1", host.gateway, 1)


@contextmanager
def _relay(host: Host, environment: dict[str, str], log: Path) -> Iterator[None]:
    flask = str(Path(sys.executable).parent / "flask")
    argv = [flask, "--app", "main", "mail", "relay", "--every", "0.2"]
    with log.open("wb") as output:
        process = host.run(argv, cwd=ROOT, env=environment, stdout=output, stderr=output)
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    redis = redis_url()
    prefix = f"accounts-test-{uuid.uuid4().hex[:12]}:"
    with ExitStack() as stack:
        database = stack.enter_context(migrated_database("postgresql", tmp_path))
        inbox, smtp_port = stack.enter_context(smtp_server())
        servers, hosts, relay_logs = [], [], []
        for number in range(2):
            host = stack.enter_context(network_host())
            for port in (make_url(database).port, urlsplit(redis).port, smtp_port):
                assert port is not None
                host.reach(port)
            folder = tmp_path / f"host{number}"
            folder.mkdir()
            environment = PRODUCTION_REQUIRED | {
                "APP_ENV": "production",
                "SECRET_KEY": "s" * 40,
                "JWT_SECRET_KEY": "j" * 40,
                "ARGON2_PROFILE": "owasp-minimum",
                "DATABASE_URL": _as_seen_from(host, database),
                "REDIS_URL": _as_seen_from(host, redis),
                "REDIS_PREFIX": prefix,
                "MAIL_URL": f"smtp://{host.gateway}:{smtp_port}",
                "TRUSTED_PROXIES": "1",
                "LOGIN_THROTTLE_LIMIT": str(LOGIN_LIMIT),
                "PYTHONUNBUFFERED": "1",
            }
            servers.append(stack.enter_context(gunicorn_server(folder, environment, 2, host)))
            relay_log = folder / "relay.log"
            stack.enter_context(_relay(host, {**os.environ, **environment}, relay_log))
            hosts.append(host)
            relay_logs.append(relay_log)
        upstreams = [f"{server.address}:{server.port}" for server in servers]
        nginx_folder = tmp_path / "nginx"
        nginx_folder.mkdir()
        proxy = stack.enter_context(nginx_in_front(nginx_folder, *upstreams))
        yield Deployment(
            servers, hosts, relay_logs, f"http://127.0.0.1:{proxy}/api/v1", database, inbox
        )


def _register_and_login(api: str, email: str) -> dict[str, str]:
    credentials = {"email": email, "password": PASSWORD}
    assert call(f"{api}/auth/register", credentials | {"name": "Ada"}, headers=CLIENT)[0] == 201
    status, tokens = call(f"{api}/auth/login", credentials, headers=CLIENT)
    assert status == 200, tokens
    return tokens


def test_a_login_on_one_host_is_good_on_the_other(deployment: Deployment) -> None:
    first, second = deployment.api(0), deployment.api(1)
    tokens = _register_and_login(first, "ada@example.com")
    status, me = call(f"{second}/auth/me", token=tokens["access_token"])
    assert (status, me["email"]) == (200, "ada@example.com")
    status, renewed = call(f"{second}/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert status == 200
    assert call(f"{first}/auth/me", token=renewed["access_token"])[0] == 200
    # The refresh token the second host rotated away is spent on the first as well.
    assert call(f"{first}/auth/refresh", {"refresh_token": tokens["refresh_token"]})[0] == 401


def test_a_logout_on_one_host_ends_the_token_on_the_other_at_once(
    deployment: Deployment,
) -> None:
    first, second = deployment.api(0), deployment.api(1)
    tokens = _register_and_login(first, "ada@example.com")
    assert call(f"{second}/auth/me", token=tokens["access_token"])[0] == 200
    assert call(f"{first}/auth/logout", {}, token=tokens["access_token"])[0] == 204
    assert call(f"{second}/auth/me", token=tokens["access_token"])[0] == 401


def test_one_login_throttle_across_both_hosts(deployment: Deployment) -> None:
    _register_and_login(deployment.api(0), "ada@example.com")
    wrong = {"email": "ada@example.com", "password": "not the password at all"}
    answers = [
        call(f"{deployment.api(attempt % 2)}/auth/login", wrong, headers=CLIENT)[0]
        for attempt in range(LOGIN_LIMIT + 2)
    ]
    # Each host saw only half the attempts; the limit counted them all.
    assert answers == [401] * LOGIN_LIMIT + [429] * 2, answers


def _sent_by(log: Path) -> int:
    return sum(int(n) for n in re.findall(r"^sent (\d+),", log.read_text(), re.MULTILINE))


def test_the_two_relays_send_each_outbox_message_once(deployment: Deployment) -> None:
    messages = 400
    engine = create_database_engine(deployment.database_url)
    fill_outbox(engine, messages)
    engine.dispose()
    deadline = time.monotonic() + 60
    logs = deployment.relay_logs
    while sum(_sent_by(log) for log in logs) < messages:
        assert time.monotonic() < deadline, [log.read_text()[-500:] for log in logs]
        time.sleep(0.1)
    time.sleep(1)  # five more passes of each relay: nothing more may arrive
    ids = deployment.inbox.message_ids()
    shares = [_sent_by(log) for log in logs]
    print(f"{messages} messages, sent by the two hosts' relays as {shares}")
    assert len(ids) == len(set(ids)) == messages
    assert sum(shares) == messages
    assert all(share > 0 for share in shares)


@dataclass(frozen=True)
class Answer:
    began: float
    status: int  # 0: no answer at all


def test_a_host_crashing_mid_load_fails_nothing_beyond_its_requests_in_flight(
    deployment: Deployment,
) -> None:
    clients, seconds, crash_at = 8, 6.0, 2.0
    tokens = _register_and_login(deployment.proxy, "ada@example.com")
    credentials = {"email": "ada@example.com", "password": PASSWORD}
    answers: list[Answer] = []
    stop = threading.Event()

    def client() -> None:
        count = 0
        while not stop.is_set():
            count += 1
            began = time.monotonic()
            try:
                if count % 5:  # four reads to a sign-in, which writes
                    status, _ = call(f"{deployment.proxy}/auth/me", token=tokens["access_token"])
                else:
                    status, _ = call(f"{deployment.proxy}/auth/login", credentials, headers=CLIENT)
            except OSError:
                status = 0
            answers.append(Answer(began, status))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(crash_at)
    crash_began = time.monotonic()
    deployment.hosts[1].crash()
    crashed = time.monotonic()
    time.sleep(seconds - crash_at)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    failed = [answer for answer in answers if answer.status != 200]
    after = [answer for answer in answers if answer.began > crashed]
    print(
        f"{len(answers)} requests in {elapsed:.1f} s ({len(answers) / elapsed:.0f}/s), "
        f"{len(after)} after the crash; failed: {len(failed)} "
        f"(statuses {sorted(answer.status for answer in failed)})"
    )
    # Only a request already at the host could fail, at most one per client,
    # and nginx answered it (503, problem details) rather than dropping it.
    assert all(crash_began - 1 < answer.began < crashed for answer in failed)
    assert all(answer.status == 503 for answer in failed)
    assert len(failed) <= clients
    assert len(after) > 100
    assert all(answer.status == 200 for answer in after)
