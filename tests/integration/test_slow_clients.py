"""Slow clients cannot take the service down behind the shipped nginx (deploy/nginx.conf).

gunicorn's sync workers each serve one connection; ten clients that send
their headers a byte a second held every worker of ``make run``. Behind
nginx, which reads requests whole before a worker sees them, 200 such
clients leave ``/health`` answering.
"""

from __future__ import annotations

import re
import socket
import threading
import time
import urllib.error
import urllib.request
from contextlib import suppress
from pathlib import Path

import pytest

from settings import Settings
from tests.support.gunicorn_server import gunicorn_server
from tests.support.nginx import NGINX_CONF, nginx_in_front

SLOW_CLIENTS = 200
PROBE_SECONDS = 8
ANSWER_WITHIN = 2.0


def test_the_shipped_body_limit_is_the_service_default() -> None:
    limit = re.search(r"client_max_body_size (\d+)k;", NGINX_CONF.read_text())
    assert limit is not None
    assert int(limit.group(1)) * 1024 == Settings.__dataclass_fields__["max_body_bytes"].default


def test_the_shipped_config_replaces_x_forwarded_for_for_one_trusted_hop() -> None:
    text = NGINX_CONF.read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text
    assert "TRUSTED_PROXIES=1" in text


def _drip(sockets: list[socket.socket], stop: threading.Event) -> None:
    """Each client sends its request line and headers one byte a second, never finishing."""
    request = b"GET /health HTTP/1.1\r\nHost: accounts\r\nX-Slow: " + b"a" * 64
    for index in range(len(request)):
        if stop.wait(1.0 if index else 0):
            return
        for sock in sockets:
            with suppress(OSError):  # nginx drops a stalled client at its timeout
                sock.send(request[index : index + 1])


def test_200_slow_clients_leave_health_answering_behind_nginx(tmp_path: Path) -> None:
    with (
        gunicorn_server(tmp_path, {}, workers=2) as server,
        nginx_in_front(tmp_path, f"127.0.0.1:{server.port}") as port,
    ):
        sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(SLOW_CLIENTS)]
        stop = threading.Event()
        drip = threading.Thread(target=_drip, args=(sockets, stop))
        drip.start()
        try:
            time.sleep(1.5)  # every slow client has begun its request
            slowest, answered = 0.0, 0
            deadline = time.monotonic() + PROBE_SECONDS
            while time.monotonic() < deadline:
                started = time.monotonic()
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/health", timeout=ANSWER_WITHIN + 1
                ) as response:
                    assert response.status == 200
                slowest = max(slowest, time.monotonic() - started)
                answered += 1
                time.sleep(0.2)
        finally:
            stop.set()
            drip.join()
            for sock in sockets:
                sock.close()
    assert answered >= PROBE_SECONDS * 3
    assert slowest < ANSWER_WITHIN, f"/health took {slowest:.2f} s"


def test_nginx_refuses_a_body_over_the_limit_as_problem_details(tmp_path: Path) -> None:
    with (
        gunicorn_server(tmp_path, {}, workers=1) as server,
        nginx_in_front(tmp_path, f"127.0.0.1:{server.port}") as port,
    ):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/auth/login",
            data=b"x" * (64 * 1024 + 1),
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 413
    assert refused.value.headers["Content-Type"] == "application/problem+json"
    assert b'"status": 413' in refused.value.read()
