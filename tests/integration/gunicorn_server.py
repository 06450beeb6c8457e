"""The service under a real gunicorn, configured by gunicorn.conf.py as `make run` does."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command

from main import ROOT, alembic_config


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    access_log: Path

    def pids_serving(self, path: str) -> set[str]:
        """The worker pids that answered ``path``, from the access log."""
        if not self.access_log.exists():
            return set()
        lines = self.access_log.read_text().splitlines()
        return {line.split()[0] for line in lines if line.endswith(path)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn_server(
    folder: Path, environment: dict[str, str], workers: int = 2
) -> Iterator[Server]:
    database = f"sqlite:///{folder / 'accounts.db'}"
    command.upgrade(alembic_config(database), "head")
    port, access_log = free_port(), folder / "access.log"
    env = {
        **os.environ,
        "APP_ENV": "development",
        "SECRET_KEY": "s" * 32,
        "JWT_SECRET_KEY": "j" * 32,
        "DATABASE_URL": database,
        "ARGON2_PROFILE": "cheapest",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
        **environment,
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(p)s %(s)s %(U)s",
            "main:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    server = Server(port, process, access_log)
    try:
        # Ready means every worker answers, not just the first one to boot.
        deadline = time.monotonic() + 30
        while len(server.pids_serving("/health")) < workers:
            assert time.monotonic() < deadline, "gunicorn's workers did not all start"
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            except OSError:
                time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=30)
