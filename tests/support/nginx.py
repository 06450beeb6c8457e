"""The shipped nginx (deploy/nginx.conf) in front of servers of a test's or
a bench's: its listen address, upstreams and writable paths changed, nothing else."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from settings import ROOT
from tests.support.servers import free_port
from tests.support.tools import required_tool

NGINX_CONF = ROOT / "deploy" / "nginx.conf"


@contextmanager
def nginx_in_front(folder: Path, *upstreams: str) -> Iterator[int]:
    """deploy/nginx.conf as shipped, but for its listen address, its upstream
    servers (``address:port`` each) and the paths a test run may write to."""
    nginx = required_tool("nginx", "nginx")
    port = free_port()
    text = NGINX_CONF.read_text()
    text = text.replace("listen 80;", f"listen 127.0.0.1:{port};")
    servers = "\n        ".join(f"server {upstream};" for upstream in upstreams)
    text = text.replace("server 127.0.0.1:8000;", servers)
    # As root, nginx's workers would run as nobody, who cannot reach the test's folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    text = text.replace(
        "worker_processes auto;", f"worker_processes 1;\n{user}pid {folder}/nginx.pid;"
    )
    temporary = "\n".join(
        f"    {kind}_temp_path {folder}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = text.replace("http {\n", f"http {{\n{temporary}\n", 1)
    config = folder / "nginx.conf"
    config.write_text(text)
    with (folder / "nginx.log").open("wb") as output:
        process = subprocess.Popen(
            [nginx, "-p", str(folder), "-c", str(config), "-g", "daemon off;"], stderr=output
        )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except OSError:
                assert process.poll() is None, (folder / "nginx.log").read_text()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
