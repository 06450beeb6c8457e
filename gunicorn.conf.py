"""gunicorn settings: ``gunicorn -c gunicorn.conf.py "main:create_app()"`` (``make run``).

Every setting here can be changed from the environment: HOST, PORT,
WEB_CONCURRENCY, WORKER_CLASS, GRACEFUL_TIMEOUT, FORWARDED_ALLOW_IPS,
PROMETHEUS_MULTIPROC_DIR.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from adapters.http_flask import server_errors

# Each login in flight holds the argon2 memory cost (64 MiB at the default
# profile) on top of the worker's own resident size (about 60 MiB measured).
RELAY_BESIDE = "MAIL_RELAY_BESIDE"
ARGON2_MIB = 64
WORKER_MIB = 60


def _available_mib() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 2048


def default_workers() -> int:
    """2 x cores + 1, but never more than half the free memory can carry."""
    by_cores = 2 * (os.cpu_count() or 1) + 1
    by_memory = max(1, (_available_mib() // 2) // (WORKER_MIB + ARGON2_MIB))
    return min(by_cores, by_memory)


bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or default_workers())
# Sync workers: requests are short and CPU-bound (argon2, JSON, JWT), so a
# process per request in flight beats threads that share one GIL; measured
# in bench/ (docs/deployment.md, "gunicorn").
worker_class = os.environ.get("WORKER_CLASS", "sync")
timeout = 30
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "30"))
keepalive = 5
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # the app writes one JSON line per request
errorlog = "-"
# What gunicorn refuses before the app sees it (an over-long request line,
# oversized headers) is answered as problem details too, not an HTML page.
server_errors.install()

# gunicorn >= 25 opens a control socket at ~/.gunicorn/gunicorn.ctl (or in
# XDG_RUNTIME_DIR), one path for every instance of the same user, which take
# it from each other; nothing here uses gunicornc.
control_socket_disable = True

# Prometheus multiprocess mode: every worker counts into files here.
metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(
    prefix="accounts-metrics-"
)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir


def on_starting(_server: Any) -> None:
    """Refuse a bad configuration here, once: a worker that exits while
    booting is only replaced by another, forever. The metrics start afresh
    first (counts of a previous run must not leak into this one): importing
    the app opens its metric files there."""
    shutil.rmtree(metrics_dir, ignore_errors=True)
    os.makedirs(metrics_dir, exist_ok=True)
    from main import settings_or_exit

    settings_or_exit()


# `make run` (serve.py --with-mail-relay): a mail relay beside the workers,
# started once they are up and stopped with them. It shares the metrics
# directory, so its counts show in /metrics. In production it runs apart.
relay: subprocess.Popen[bytes] | None = None


def when_ready(_server: Any) -> None:
    global relay
    if os.environ.get(RELAY_BESIDE) == "1":
        relay = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "main", "mail", "relay"],
            cwd=Path(__file__).resolve().parent,
        )


def on_exit(_server: Any) -> None:
    if relay is not None:
        relay.terminate()  # it finishes the message in hand, then stops
        relay.wait(timeout=60)


def child_exit(_server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
