"""Slow clients cannot take the service down behind the shipped nginx (deploy/nginx.conf).

gunicorn's sync workers each serve one connection; ten clients that send
their headers a byte a second held every worker of ``make run``. Behind
nginx, which reads requests whole before a worker sees them, 200 such
clients leave ``/health`` answering.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from settings import Settings
from tests.support.gunicorn_server import Server, gunicorn_server
from tests.support.nginx import NGINX_CONF, nginx_in_front
from tests.support.slow_clients import assert_unharmed, health_beside_slow_clients


def test_the_shipped_body_limit_is_the_service_default() -> None:
    limit = re.search(r"client_max_body_size (\d+)k;", NGINX_CONF.read_text())
    assert limit is not None
    assert int(limit.group(1)) * 1024 == Settings.__dataclass_fields__["max_body_bytes"].default


def test_the_shipped_config_replaces_x_forwarded_for_for_one_trusted_hop() -> None:
    text = NGINX_CONF.read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text
    assert "TRUSTED_PROXIES=1" in text


def test_200_slow_clients_leave_health_answering_behind_nginx(tmp_path: Path) -> None:
    with (
        gunicorn_server(tmp_path, {}, workers=2) as server,
        nginx_in_front(tmp_path, f"127.0.0.1:{server.port}") as port,
    ):
        assert_unharmed(health_beside_slow_clients(port))


@dataclass(frozen=True)
class Proxied:
    server: Server  # one gunicorn worker
    port: int  # nginx's, in front of it

    def refusal(self, request: urllib.request.Request | str) -> urllib.error.HTTPError:
        """What nginx answers ``request`` with, an error status expected."""
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.headers["Content-Type"] == "application/problem+json"
        return refused.value


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[Proxied]:
    with (
        gunicorn_server(tmp_path, {}, workers=1) as server,
        nginx_in_front(tmp_path, f"127.0.0.1:{server.port}") as port,
    ):
        yield Proxied(server, port)


def test_nginx_refuses_a_body_over_the_limit_as_problem_details(proxied: Proxied) -> None:
    refused = proxied.refusal(
        urllib.request.Request(
            f"http://127.0.0.1:{proxied.port}/api/v1/auth/login",
            data=b"x" * (64 * 1024 + 1),
            headers={"Content-Type": "application/json"},
        )
    )
    assert (refused.code, json.loads(refused.read())["status"]) == (413, 413)


def test_nginx_answers_for_a_service_that_is_down_with_503_problem_details(
    proxied: Proxied,
) -> None:
    proxied.server.process.terminate()  # the master takes its workers with it
    proxied.server.process.wait(timeout=30)
    refused = proxied.refusal(f"http://127.0.0.1:{proxied.port}/api/v1/auth/me")
    assert (refused.code, refused.headers["Retry-After"]) == (503, "5")
    body = json.loads(refused.read())
    assert (body["status"], body["title"]) == (503, "Service Unavailable")


def test_nginx_refuses_header_fields_over_its_buffers_as_431_problem_details(
    proxied: Proxied,
) -> None:
    refused = proxied.refusal(
        urllib.request.Request(
            f"http://127.0.0.1:{proxied.port}/api/v1/auth/me", headers={"X-Big": "a" * 10_000}
        )
    )
    assert (refused.code, json.loads(refused.read())["status"]) == (431, 431)
