"""deploy/compose.yaml, started as docs/deployment.md says (deploy/compose-up.sh,
podman-compose): nginx in front of the app, the relay, PostgreSQL and Redis,
each in its own container, with the stand-in images of the database, Redis
and nginx (no registry here). A person registers and signs in through
nginx, the relay container delivers their mail, and slow clients cost the
app nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from settings import ROOT
from tests.support import containers
from tests.support.api import PASSWORD, PRODUCTION_REQUIRED
from tests.support.http import call, wait_until_ready
from tests.support.servers import free_port
from tests.support.slow_clients import assert_unharmed, health_beside_slow_clients
from tests.support.smtp import Inbox, smtp_server

COMPOSE = ROOT / "deploy" / "compose.yaml"


@dataclass
class Deployment:
    port: int  # nginx's, published on this machine
    inbox: Inbox

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _compose(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, env=environment, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    image, stand_ins = containers.image(), containers.stand_ins()
    project = f"accounts-test-{uuid.uuid4().hex[:8]}"
    port, smtp_port = free_port(), free_port()
    folder = tmp_path_factory.mktemp("compose")
    environment = {
        **os.environ,
        **stand_ins,
        **PRODUCTION_REQUIRED,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "CONTAINERS_CONF": str(containers.containers_conf(folder)),
        "ACCOUNTS_IMAGE": image,
        "HTTP_PORT": str(port),
        "POSTGRES_PASSWORD": uuid.uuid4().hex,
        "SECRET_KEY": "s" * 40,
        "JWT_SECRET_KEY": "j" * 40,
        "MAIL_URL": f"smtp://host.containers.internal:{smtp_port}",
        "ARGON2_PROFILE": "owasp-minimum",
        "WEB_CONCURRENCY": "2",
    }
    # podman-compose is on the PATH above, from the project's own .venv.
    down = ["podman-compose", "-f", str(COMPOSE), "-p", project, "down", "--volumes"]
    try:
        started = time.monotonic()
        up = _compose(environment, str(ROOT / "deploy" / "compose-up.sh"), "-p", project)
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        wait_until_ready(f"http://127.0.0.1:{port}")
        print(f"compose deployment up in {time.monotonic() - started:.1f} s")
        # The relay reaches this machine at its network's gateway.
        gateways = "{{range .Subnets}}{{.Gateway}}{{end}}"
        network = containers.podman("network", "inspect", f"{project}_default", "-f", gateways)
        gateway = network.stdout.strip()
        with smtp_server(port=smtp_port, address=gateway) as (inbox, _):
            yield Deployment(port, inbox)
    finally:
        _compose(environment, *down)


def test_it_is_ready_with_its_database_and_redis(deployment: Deployment) -> None:
    status, body = call(f"{deployment.base}/health/ready")
    assert (status, body["checks"]) == (200, {"database": "ok", "redis": "ok"})


def test_a_person_registers_and_signs_in_through_nginx_and_gets_mail(
    deployment: Deployment,
) -> None:
    api = f"{deployment.base}/api/v1"
    credentials = {"email": "ada@example.com", "password": PASSWORD}
    assert call(f"{api}/auth/register", credentials | {"name": "Ada"})[0] == 201
    status, tokens = call(f"{api}/auth/login", credentials)
    assert status == 200, tokens
    status, me = call(f"{api}/auth/me", token=tokens["access_token"])
    assert (status, me["email"]) == (200, "ada@example.com")
    deadline = time.monotonic() + 30  # the relay looks every 2 s
    while not deployment.inbox.messages:
        assert time.monotonic() < deadline, "the relay container sent no mail"
        time.sleep(0.2)
    (mail,) = deployment.inbox.messages
    assert mail["To"] == "ada@example.com"
    assert "/verify-email/" in mail.get_body(("plain",)).get_content()


def test_slow_clients_leave_it_answering(deployment: Deployment) -> None:
    assert_unharmed(health_beside_slow_clients(deployment.port))


def test_the_example_settings_name_every_variable_compose_asks_for() -> None:
    asked = set(re.findall(r"\$\{(\w+)", COMPOSE.read_text()))
    example = (ROOT / "deploy" / "compose.env.example").read_text()
    named = set(re.findall(r"^#? ?(\w+)=", example, re.MULTILINE))
    assert asked == named
    required = set(re.findall(r"\$\{(\w+):\?", COMPOSE.read_text()))
    assert required == set(re.findall(r"^(\w+)=", example, re.MULTILINE))
