"""The container image (deploy/Containerfile), built by `make image` with
podman and a base made here (no registry), run as production runs it: a
read-only root filesystem, its own non-root user, migrations as their own
command, then gunicorn; a login through it against PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import containers
from tests.support.api import PASSWORD, PRODUCTION_REQUIRED
from tests.support.containers import RUN, podman
from tests.support.http import call, wait_until_ready
from tests.support.servers import free_port, fresh_database


@pytest.fixture(scope="module")
def image() -> str:
    return containers.image()


@pytest.fixture
def environment(tmp_path: Path) -> Iterator[list[str]]:
    with fresh_database("postgresql", tmp_path) as url:
        values = PRODUCTION_REQUIRED | {
            "SECRET_KEY": "s" * 40,
            "JWT_SECRET_KEY": "j" * 40,
            "DATABASE_URL": url,
            "WEB_CONCURRENCY": "2",
        }
        yield [part for name, value in values.items() for part in ("--env", f"{name}={value}")]


def test_the_image_runs_read_only_as_its_own_user(image: str, environment: list[str]) -> None:
    # /tmp: the container's own tmpfs (gunicorn's heartbeats, the workers' metrics).
    common = [*RUN, "--network", "host", "--read-only", "--tmpfs", "/tmp", *environment]  # noqa: S108
    migrated = podman("run", "--rm", *common, image, "flask", "--app", "main", "db", "upgrade")
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    port = free_port()
    name = f"accounts-test-{uuid.uuid4().hex[:8]}"
    started = podman("run", "--detach", "--name", name, *common, "--env", f"PORT={port}", image)
    assert started.returncode == 0, started.stderr
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(base, 60)
        credentials = {"email": "ada@example.com", "password": PASSWORD}
        registered, _ = call(f"{base}/api/v1/auth/register", credentials | {"name": "Ada"})
        assert registered == 201
        status, tokens = call(f"{base}/api/v1/auth/login", credentials)
        assert status == 200, tokens
        status, me = call(f"{base}/api/v1/auth/me", token=tokens["access_token"])
        assert (status, me["email"]) == (200, "ada@example.com")
        assert podman("exec", name, "id", "-u").stdout.strip() == "10001"
        written = podman("exec", name, "touch", "/app/written")
        assert written.returncode != 0
        assert "Read-only file system" in written.stderr
    finally:
        podman("rm", "--force", "--time", "2", name)


def test_the_image_is_labelled_as_this_projects(image: str) -> None:
    """``make image`` prunes this project's old builds by this label."""
    labels = podman("image", "inspect", image, "--format", "{{json .Labels}}")
    assert labels.returncode == 0, labels.stderr
    assert '"org.opencontainers.image.title":"accounts"' in labels.stdout.replace(" ", "")
