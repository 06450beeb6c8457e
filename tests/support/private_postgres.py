"""A PostgreSQL cluster of a test's own: initdb and pg_ctl in a temporary folder."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import free_port


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


class PrivateCluster:
    def __init__(self, folder: Path, port: int, as_postgres: list[str]) -> None:
        self.folder, self.port, self._as_postgres = folder, port, as_postgres
        self.data = folder / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str) -> None:
        pg_ctl = _binary("pg_ctl")
        assert pg_ctl is not None
        subprocess.run(
            [*self._as_postgres, pg_ctl, "-D", str(self.data), "-w", "-t", "30", *args],
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._pg_ctl("-o", options, "-l", str(self.folder / "log"), "start")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")


@contextlib.contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    initdb = _binary("initdb")
    if initdb is None or _binary("pg_ctl") is None:
        reason = "initdb and pg_ctl (PostgreSQL server binaries) are not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    folder = Path(tempfile.mkdtemp(prefix="accounts-pg-"))
    # PostgreSQL refuses to run as root: on a root machine the cluster is postgres's.
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(folder, "postgres")
    cluster = PrivateCluster(folder, free_port(), as_postgres)
    try:
        subprocess.run(
            [
                *as_postgres,
                initdb,
                "-D",
                str(cluster.data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        cluster.start()
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
