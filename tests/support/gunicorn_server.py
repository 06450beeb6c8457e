"""The service under a real gunicorn, configured by gunicorn.conf.py as `make run` does.

Tests wait on what the workers write, never on a guessed sleep: the access
log (written once a response has gone out) and a ``started.log`` that a
``pre_request`` hook, added on top of the real settings, writes when a
worker begins a request.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command

from adapters.persistence.sqlalchemy.migrations import alembic_config
from settings import ROOT
from tests.support.hosts import Host
from tests.support.servers import free_port

# The real settings, plus a hook that records each request as a worker starts it.
TEST_CONFIG = """
import runpy
settings = runpy.run_path({settings!r})
globals().update((name, value) for name, value in settings.items() if not name.startswith("__"))

def pre_request(worker, request):
    with open({started!r}, "a") as log:
        log.write(f"{{worker.pid}} {{request.path}}\\n")
"""


@dataclass
class Server:
    address: str
    port: int
    process: subprocess.Popen[bytes]
    access_log: Path
    started_log: Path
    output: Path  # the server's standard error: its own log and the app's

    def log_text(self) -> str:
        return self.output.read_text(errors="replace")

    def pids_serving(self, path: str) -> set[str]:
        """The worker pids that answered ``path``, from the access log."""
        return _pids(self.access_log, path)

    def wait_for_pids_serving(self, path: str, count: int) -> None:
        """Until ``count`` workers have answered ``path`` (the log trails the response)."""
        _wait(lambda: len(self.pids_serving(path)) >= count, f"{count} workers answering {path}")

    def wait_for_requests_started(self, path: str, count: int) -> None:
        """Until workers have begun ``count`` requests for ``path``."""

        def started() -> int:
            lines = self.started_log.read_text().splitlines() if self.started_log.exists() else []
            return sum(line.endswith(f" {path}") for line in lines)

        _wait(lambda: started() >= count, f"{count} requests for {path} started")


def _pids(log: Path, path: str) -> set[str]:
    if not log.exists():
        return set()
    return {line.split()[0] for line in log.read_text().splitlines() if line.endswith(path)}


def _wait(condition: Callable[[], bool], what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.005)


@contextmanager
def gunicorn_server(
    folder: Path,
    environment: dict[str, str],
    workers: int = 2,
    host: Host | None = None,
) -> Iterator[Server]:
    """Serve from ``folder`` (its logs, and a migrated SQLite database unless
    ``environment`` names one), on loopback or on ``host``."""
    database = environment.get("DATABASE_URL") or f"sqlite:///{folder / 'accounts.db'}"
    if "DATABASE_URL" not in environment:
        command.upgrade(alembic_config(database), "head")
    address = host.address if host else "127.0.0.1"
    port, access_log, started_log = free_port(), folder / "access.log", folder / "started.log"
    config = folder / "gunicorn.test.conf.py"
    config.write_text(
        TEST_CONFIG.format(settings=str(ROOT / "gunicorn.conf.py"), started=str(started_log))
    )
    env = {
        **os.environ,
        "APP_ENV": "development",
        "SECRET_KEY": "s" * 32,
        "JWT_SECRET_KEY": "j" * 32,
        "DATABASE_URL": database,
        "ARGON2_PROFILE": "cheapest",
        "HOST": address,
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
        **environment,
    }
    with (folder / "server.log").open("wb") as output:  # the child keeps its own copy
        argv = [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(config),
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(p)s %(s)s %(U)s",
            "main:create_app()",
        ]
        process = subprocess.Popen(
            host.command(argv) if host else argv, cwd=ROOT, env=env, stderr=output
        )
    server = Server(address, port, process, access_log, started_log, folder / "server.log")
    try:
        # Ready means every worker answers, not just the first one to boot.
        deadline = time.monotonic() + 30
        while len(server.pids_serving("/health")) < workers:
            assert time.monotonic() < deadline, "gunicorn's workers did not all start"
            try:
                urllib.request.urlopen(f"http://{address}:{port}/health", timeout=1)
            except OSError:
                time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=30)
