"""podman for the tests of the container deployment: the service's image and
the stand-ins for PostgreSQL, Redis and nginx, built once per run by the
Makefile with a base made here (no registry), and podman's settings for
this machine."""

from __future__ import annotations

import subprocess
import time
from functools import cache
from pathlib import Path

from settings import ROOT
from tests.support.tools import required_tool

IMAGE = "localhost/accounts:test"
STAND_INS = {
    "POSTGRES_IMAGE": "localhost/accounts-postgres:stand-in",
    "REDIS_IMAGE": "localhost/accounts-redis:stand-in",
    "NGINX_IMAGE": "localhost/accounts-nginx:stand-in",
}
# The limits this machine grants a container (as the Makefile's).
LIMITS = {"nofile": "4096:4096", "nproc": "4096:4096"}
RUN = ["--runtime", "runc", *(f"--ulimit={name}={value}" for name, value in LIMITS.items())]


def _make(*targets: str) -> None:
    required_tool("podman", "podman")
    started = time.monotonic()
    built = subprocess.run(
        ["make", *targets], cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    print(f"make {' '.join(targets)}: {time.monotonic() - started:.1f} s")


@cache
def image() -> str:
    """The service's image, built by `make image` from a local base."""
    _make("image", "IMAGE_BASE=local", f"IMAGE={IMAGE}")
    return IMAGE


@cache
def stand_ins() -> dict[str, str]:
    """compose.yaml's variables naming the stand-in images, once built."""
    _make("stand-ins")
    return STAND_INS


def podman(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["podman", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def containers_conf(folder: Path) -> Path:
    """A containers.conf (for ``CONTAINERS_CONF``) with what ``RUN`` passes,
    for the containers a compose tool starts."""
    limits = ", ".join(f'"{name}={value}"' for name, value in LIMITS.items())
    path = folder / "containers.conf"
    path.write_text(f'[containers]\ndefault_ulimits = [{limits}]\n[engine]\nruntime = "runc"\n')
    return path
