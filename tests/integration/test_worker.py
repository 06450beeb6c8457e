"""A background worker: ``flask --app main sessions purge``, once or every N seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask

from adapters.http_flask.worker import run_every
from domain.errors import StorageUnavailable
from settings import ROOT
from tests.support.api import Api


def test_purge_deletes_the_sessions_that_ended_and_keeps_the_live_ones(
    app: Flask, api: Api
) -> None:
    tokens = api.signup()
    ended = api.tokens()
    assert api.call("POST", "/api/v1/auth/logout", ended).status_code == 204
    result = app.test_cli_runner().invoke(args=["sessions", "purge", "--older-than-days", "0"])
    assert (result.exit_code, result.output) == (0, "purged 1 ended sessions\n")
    sessions = api.call("GET", "/api/v1/auth/sessions", tokens).json
    assert sessions is not None
    assert len(sessions["sessions"]) == 1  # the live one was kept, and still works
    again = app.test_cli_runner().invoke(args=["sessions", "purge"])
    assert again.output == "purged 0 ended sessions\n"


def test_the_purge_worker_runs_every_n_seconds_and_stops_cleanly_on_sigterm(
    database_url: str, tmp_path: Path
) -> None:
    environment = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "s" * 32,
        "JWT_SECRET_KEY": "j" * 32,
        "DATABASE_URL": database_url,
        "ARGON2_PROFILE": "cheapest",
    }
    output = tmp_path / "worker.out"
    with output.open("w") as sink:
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "main", "sessions", "purge", "--every", "0.2"],
            cwd=ROOT,
            env=environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        deadline = time.monotonic() + 30
        while output.read_text().count("purged 0 ended sessions") < 3:
            assert worker.poll() is None, output.read_text()
            assert time.monotonic() < deadline, output.read_text()
            time.sleep(0.05)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=5) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    assert "worker stopped" in output.read_text()
    assert "Traceback" not in output.read_text()


def test_a_failing_run_is_logged_and_the_worker_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    runs: list[int] = []

    def work() -> None:
        runs.append(len(runs))
        if len(runs) == 1:
            raise StorageUnavailable()
        os.kill(os.getpid(), signal.SIGTERM)  # the second run asks the loop to stop

    previous = signal.getsignal(signal.SIGTERM)
    run_every(0.01, work)
    assert runs == [0, 1]
    assert "a run of the worker failed" in caplog.text
    assert signal.getsignal(signal.SIGTERM) == previous  # the handler is given back
