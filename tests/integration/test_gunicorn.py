"""The service under gunicorn: throttling across workers (S11), graceful stop, metrics."""

from __future__ import annotations

import json
import os
import runpy
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import serve
from settings import ROOT
from tests.support.api import PASSWORD, together
from tests.support.gunicorn_server import gunicorn_server
from tests.support.servers import redis_url

WORKERS = 2


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
        return error.code


@pytest.mark.parametrize("store", ["redis", "database"])
def test_s11_the_throttle_holds_across_two_gunicorn_workers(
    tmp_path: Path, prefix: str, store: str
) -> None:
    """With Redis, or without it through the database that the workers share."""
    environment = {"REDIS_URL": redis_url(), "REDIS_PREFIX": prefix} if store == "redis" else {}
    with gunicorn_server(tmp_path, environment, workers=WORKERS) as server:
        body = {"email": "ada@example.com", "name": "Ada", "password": PASSWORD}
        assert post(server.port, "/api/v1/auth/register", body) == 201
        wrong = {"email": "ada@example.com", "password": "wrong password"}
        answers = together(30, lambda _: post(server.port, "/api/v1/auth/login", wrong))
        assert sorted(answers) == [401] * 10 + [429] * 20
        # the attempts really were spread over both workers
        server.wait_for_pids_serving("/api/v1/auth/login", WORKERS)


def test_sigterm_lets_requests_in_flight_finish(tmp_path: Path) -> None:
    """Logins at the production argon2 profile take ~100 ms: SIGTERM arrives once both
    workers have begun theirs, so it lands in the middle of the password check."""
    with gunicorn_server(tmp_path, {"ARGON2_PROFILE": "rfc9106-low-memory"}) as server:
        body = {"email": "ada@example.com", "name": "Ada", "password": PASSWORD}
        assert post(server.port, "/api/v1/auth/register", body) == 201
        login = {"email": "ada@example.com", "password": PASSWORD}
        answers: list[int | str] = []

        def attempt() -> None:
            try:
                answers.append(post(server.port, "/api/v1/auth/login", login))
            except OSError as error:  # a cut connection would land here
                answers.append(repr(error))

        threads = [threading.Thread(target=attempt) for _ in range(WORKERS)]
        for thread in threads:
            thread.start()
        server.wait_for_requests_started("/api/v1/auth/login", WORKERS)
        server.process.send_signal(signal.SIGTERM)
        for thread in threads:
            thread.join()
        assert answers == [200] * WORKERS
        assert server.process.wait(timeout=30) == 0


def test_a_given_metrics_folder_is_used_and_no_temporary_one_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**_: object) -> str:
        raise AssertionError("a temporary folder was made")

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["metrics_dir"] == str(tmp_path / "metrics")
    # gunicorn >= 25's control socket has one path per user, which every
    # instance of that user would take from the others.
    assert config["control_socket_disable"] is True


@pytest.mark.parametrize("workers", ["abc", "0", "-2", "2.5"])
def test_serve_refuses_a_web_concurrency_that_is_no_whole_number_in_one_line(workers: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "serve"],
        env={"PATH": "/usr/bin:/bin", "WEB_CONCURRENCY": workers},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "accounts: refusing to start: WEB_CONCURRENCY must be a whole number above 0"
    ]


def test_serve_takes_an_empty_web_concurrency_for_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, object] = {}

    def run() -> None:
        seen["variable"] = os.environ.get("WEB_CONCURRENCY")
        seen["argv"] = list(sys.argv)

    monkeypatch.setattr("gunicorn.app.wsgiapp.run", run)  # imported before the variable
    monkeypatch.setenv("WEB_CONCURRENCY", "")
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(serve, "load_dotenv_file", lambda: None)
    serve.main([])
    assert seen["variable"] is None  # gunicorn itself would fail on int("")
    assert seen["argv"] == ["gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "main:create_app()"]


def test_metrics_add_up_every_workers_counts(tmp_path: Path) -> None:
    with gunicorn_server(tmp_path, {}, workers=WORKERS) as server:
        for _ in range(20):
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}/health", timeout=5)
        server.wait_for_pids_serving("/health", WORKERS)
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/metrics") as response:
            text = response.read().decode()
        served = sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith('accounts_http_requests_total{method="GET",route="/health"')
        )
        assert served >= 20 + WORKERS  # every worker's count, not one worker's


def raw_response(port: int, request: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send bytes as they are; the status line, headers and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return status, headers, body


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 431),
        (b"GET /" + b"a" * 5000 + b"?access_token=secret HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"NOT HTTP AT ALL\r\n\r\n", 400),
    ],
)
def test_s31_what_gunicorn_refuses_itself_is_problem_details_too(
    tmp_path: Path, request_bytes: bytes, status: int
) -> None:
    with gunicorn_server(tmp_path, {}, workers=1) as server:
        line, headers, body = raw_response(server.port, request_bytes)
    assert line.split(" ", 2)[1] == str(status)
    assert headers["Content-Type"] == "application/problem+json"
    assert headers["Cache-Control"] == "no-store"
    problem = json.loads(body)
    assert problem["status"] == status
    assert problem["request_id"] == headers["X-Request-ID"]
    assert {"type", "title", "detail"} <= set(problem)
    # nothing of the request is echoed
    assert b"secret" not in body
    assert b"aaaa" not in body


SECRET = b"hunter2-is-my-password"
LOGIN = b'{"email": "ada@example.com", "password": "' + SECRET + b'"}'
MALFORMED_CHUNKED_BODIES = {
    "size not hex": b"zz\r\n" + LOGIN + b"\r\n0\r\n\r\n",
    "negative size": b"-5\r\n" + LOGIN + b"\r\n0\r\n\r\n",
    "size too large to parse": b"f" * 40 + b"\r\n" + LOGIN + b"\r\n0\r\n\r\n",
    "no CRLF after the data": b"%x\r\n" % len(LOGIN) + LOGIN + b"XX0\r\n\r\n",
    "bad chunk extension": b"%x;\x01\r\n" % len(LOGIN) + LOGIN + b"\r\n0\r\n\r\n",
    "size line with spaces": b"%x  x\r\n" % len(LOGIN) + LOGIN + b"\r\n0\r\n\r\n",
    "data shorter than its size": b"ffff\r\n" + LOGIN,
    "no last chunk": b"%x\r\n" % len(LOGIN) + LOGIN + b"\r\n",
    "size line never ends": b"5",
    "nothing after the headers": b"",
    "last chunk without its CRLF": b"%x\r\n" % len(LOGIN) + LOGIN + b"\r\n0\r\nX",
}


def send_and_close(port: int, request: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send ``request``, then end the sending side, as a client whose body broke off does."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        connection.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, dict(line.split(": ", 1) for line in lines), body


def test_a_malformed_chunked_body_is_400_and_no_log_line_holds_its_bytes(tmp_path: Path) -> None:
    head = (
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    with gunicorn_server(tmp_path, {"LOG_LEVEL": "DEBUG"}, workers=1) as server:
        answers = {
            name: send_and_close(server.port, head + body)
            for name, body in MALFORMED_CHUNKED_BODIES.items()
        }
        log = server.log_text()
    for name, (line, headers, body) in answers.items():
        assert line.split(" ", 2)[1] == "400", (name, line, body)
        assert headers["Content-Type"] == "application/problem+json", name
        assert json.loads(body)["status"] == 400
    assert "Traceback" not in log
    assert SECRET.decode() not in log
