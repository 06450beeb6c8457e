"""make bench: the service against the ceiling of its own stack, in one run on one machine.

A bare Flask hello-world and the service run under the same gunicorn.conf.py;
wrk drives each on loopback for a bounded time; the results, with the ratios
that matter, go to bench/results/ as JSON and Markdown.

    .venv/bin/python -m bench.run_bench [--seconds 10]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from adapters.security.argon2_hasher import PROFILES
from bench.seed_users import ADMIN_EMAIL, PASSWORD, prepare, user_email

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WRK = ROOT / "bench" / "wrk"
HOST = "127.0.0.1"
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/accounts_bench_http"
)
USERS = 1000
ME = "GET /auth/me"
ME_LOGGED = "GET /auth/me, request log on"
ACCOUNT = "GET /account, browser cookie"
CEILING = "hello-world"

Measure = Callable[[], dict[str, float]]  # one wrk run's figures


@dataclass
class Run:
    target: str
    scenario: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    each_run_rps: list[float]  # one entry, or one per round when runs were repeated

    @classmethod
    def of(cls, target: str, scenario: str, result: dict[str, float]) -> Run:
        return cls.mean(target, scenario, [result])

    @classmethod
    def mean(cls, target: str, scenario: str, results: list[dict[str, float]]) -> Run:
        """Rates and latencies averaged over ``results``; errors added up."""
        return cls(
            target,
            scenario,
            statistics.mean(r["rps"] for r in results),
            statistics.mean(r["p50"] for r in results),
            statistics.mean(r["p99"] for r in results),
            int(sum(r["non_2xx"] for r in results)),
            int(sum(r["socket_errors"] for r in results)),
            [round(r["rps"], 1) for r in results],
        )


# What production refuses to start without, besides the keys: mail waits in
# the outbox (no relay runs in these benchmarks).
PRODUCTION_REQUIRED = {
    "PUBLIC_URL": "https://accounts.bench.example",
    "MAIL_URL": "smtp://127.0.0.1:2525",
    "MAIL_FROM": "accounts <no-reply@bench.example>",
    "MFA_ENCRYPTION_KEY": "YmVuY2ggbWZhIGtleSwgbm90IGEgc2VjcmV0ISEhISE",
}


def publish(table: str, name: str) -> None:
    """Print a result table and keep it as bench/results/<name>.md."""
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.md").write_text(table + "\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(app: str, environment: dict[str, str]) -> Iterator[tuple[int, int]]:
    """Serve ``app`` with the project's gunicorn.conf.py; yields (port, master pid)."""
    port = free_port()
    env = {**os.environ, "HOST": HOST, "PORT": str(port), **environment}
    env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="bench-metrics-")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", app],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{app} did not start") from None
                time.sleep(0.2)
        time.sleep(1)  # every worker up
        yield port, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(env["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def wrk(
    url: str, seconds: float, connections: int, *args: str, env: dict[str, str] | None = None
) -> dict[str, float]:
    output = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{int(seconds)}s",
            "--latency",
            *args,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
        cwd=WRK,
    ).stdout
    return parse_wrk(output)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> dict[str, float]:
    percentiles = {
        p: _ms(v, u)
        for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    }
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50": percentiles.get("50", 0.0),
        "p99": percentiles.get("99", 0.0),
        "non_2xx": float(non_2xx.group(1)) if non_2xx else 0.0,
        "socket_errors": float(sum(int(n) for n in socket.groups())) if socket else 0.0,
    }


def login(port: int, email: str) -> str:
    request = urllib.request.Request(
        f"http://{HOST}:{port}/api/v1/auth/login",
        data=json.dumps({"email": email, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.load(response)["access_token"])


def browser_cookie(port: int, email: str) -> str:
    """Sign in through the page, as a browser does; the ``Cookie`` header it then sends."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    connection.request("GET", "/sign-in")
    page = connection.getresponse()
    visit = page.headers["Set-Cookie"].split(";")[0]
    csrf = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page.read().decode())
    assert csrf is not None
    form = {"csrf_token": csrf.group(1), "email": email, "password": PASSWORD}
    connection.request(
        "POST",
        "/sign-in",
        body=urllib.parse.urlencode(form),
        headers={
            "Cookie": visit,
            "Origin": f"http://{HOST}:{port}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    signed_in = connection.getresponse()
    signed_in.read()
    assert signed_in.status == 303, signed_in.status
    connection.close()
    return str(signed_in.headers["Set-Cookie"].split(";")[0])


def worker_rss_mib(master: int) -> list[float]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def _production_hash() -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher.from_parameters(PROFILES["rfc9106-low-memory"])
    return hasher, hasher.hash(PASSWORD)


def argon2_verify_cpu_seconds(batches: int = 5, verifies: int = 5) -> float:
    """CPU seconds of one verify at the production profile (p=4 keeps ~1.6 cores
    busy): the least of ``batches`` batches, since whatever else wakes on the
    host only ever adds to it (20 verifies in one batch read 148 to 189 ms)."""
    hasher, encoded = _production_hash()
    per_batch = []
    for _ in range(batches):
        start = time.process_time()
        for _ in range(verifies):
            hasher.verify(encoded, PASSWORD)
        per_batch.append((time.process_time() - start) / verifies)
    return min(per_batch)


def _verify_many(start: Any, count: int) -> float:
    """Seconds for ``count`` verifies, timed from when every process is ready."""
    hasher, encoded = _production_hash()
    start.wait()
    began = time.perf_counter()
    for _ in range(count):
        hasher.verify(encoded, PASSWORD)
    return time.perf_counter() - began


def argon2_parallel_rate(processes: int, verifies: int = 10) -> float:
    """Verifies per second of argon2 alone, ``processes`` at once (as many as
    the service has workers): what the machine gives when verifies contend for
    its cores and memory, as logins under load do."""
    with multiprocessing.Manager() as manager, multiprocessing.Pool(processes) as pool:
        start = manager.Barrier(processes)
        seconds = pool.starmap(_verify_many, [(start, verifies)] * processes)
    return processes * verifies / max(seconds)


def against_ceiling(
    target: str, scenario: str, measure: Measure, ceiling: Measure, rounds: int, runs: list[Run]
) -> None:
    """``measure`` in ``rounds`` runs, each between two runs of the ceiling, so
    both see the same host: its speed drifts by 10% over the minutes of a bench."""
    ceilings, measured = [ceiling()], []
    for _ in range(rounds):
        measured.append(measure())
        ceilings.append(ceiling())
    runs.append(Run.mean(CEILING, f"next to {target}, {scenario}", ceilings))
    runs.append(Run.mean(target, scenario, measured))


def bench_service(
    target: str,
    database_url: str,
    seconds: float,
    ceiling: Measure,
    rounds: int,
    runs: list[Run],
) -> tuple[list[float], float]:
    """Drive the service on ``database_url``; its workers' memory, and the CPU
    seconds of one argon2 verify measured just before its login run."""
    prepare(database_url, USERS)
    environment = {
        "APP_ENV": "production",
        **PRODUCTION_REQUIRED,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        # Request logs off, as load benchmarks run; one more `me` run below has them on.
        "LOG_LEVEL": "WARNING",
        # the bench measures the work, not the throttle (it would answer 429)
        "LOGIN_THROTTLE_LIMIT": str(10**9),
        "ADDRESS_THROTTLE_LIMIT": str(10**9),
    }
    with gunicorn("main:create_app()", environment) as (port, master):
        base = f"http://{HOST}:{port}/api/v1"
        user = {"Authorization": f"Bearer {login(port, user_email(1))}"}
        admin = {"Authorization": f"Bearer {login(port, ADMIN_EMAIL)}"}
        body = json.dumps({"email": user_email(2), "password": PASSWORD})
        me = partial(
            wrk, f"{base}/auth/me", seconds, 16, "-H", f"Authorization: {user['Authorization']}"
        )
        against_ceiling(target, ME, me, ceiling, rounds, runs)
        cookie = f"Cookie: {browser_cookie(port, user_email(1))}"
        account = partial(wrk, f"http://{HOST}:{port}/account", seconds, 16, "-H", cookie)
        against_ceiling(target, ACCOUNT, account, ceiling, rounds, runs)
        scenarios = {
            "POST /auth/login": (f"{base}/auth/login", 8, ["-s", "post_json.lua"], {"BODY": body}),
            "POST /auth/register": (
                f"{base}/auth/register",
                8,
                ["-s", "register.lua"],
                {"RUN": secrets.token_hex(4)},
            ),
            "GET /users?page=25": (
                f"{base}/users?page=25",
                16,
                ["-H", f"Authorization: {admin['Authorization']}"],
                None,
            ),
        }
        verify_cpu = 0.0
        for scenario, (url, connections, args, env) in scenarios.items():
            if scenario == "POST /auth/login":
                # Next to the run it divides: the host's speed drifts over minutes.
                verify_cpu = argon2_verify_cpu_seconds()
            result = wrk(url, seconds, connections, *args, env=env)
            runs.append(Run.of(target, scenario, result))
        rss = worker_rss_mib(master)
    # The production default: one JSON line per request, written to stderr.
    with gunicorn("main:create_app()", {**environment, "LOG_LEVEL": "INFO"}) as (port, _):
        authorization = f"Authorization: Bearer {login(port, user_email(1))}"
        me = partial(wrk, f"http://{HOST}:{port}/api/v1/auth/me", seconds, 16, "-H", authorization)
        against_ceiling(target, ME_LOGGED, me, ceiling, rounds, runs)
    return rss, verify_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="each wrk run's length")
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs of each `me` case, between runs of the ceiling"
    )
    args = parser.parse_args()
    runs: list[Run] = []
    rss, verify_cpu = {}, {}
    # The ceiling serves for the whole bench (idle, it costs no CPU) and is
    # measured around every `me` run.
    with gunicorn("bench.hello:app", {}) as (port, _):
        ceiling = partial(wrk, f"http://{HOST}:{port}/", args.seconds, 16)
        with tempfile.TemporaryDirectory() as folder:
            rss["sqlite"], verify_cpu["sqlite"] = bench_service(
                "sqlite", f"sqlite:///{folder}/bench.db", args.seconds, ceiling, args.rounds, runs
            )
        rss["postgresql"], verify_cpu["postgresql"] = bench_service(
            "postgresql", POSTGRES_URL, args.seconds, ceiling, args.rounds, runs
        )
    report(runs, rss, verify_cpu, argon2_parallel_rate(len(rss["sqlite"])), args.rounds)


def report(
    runs: list[Run],
    rss: dict[str, list[float]],
    verify_cpu: dict[str, float],
    parallel_rate: float,
    rounds: int,
) -> None:
    cores = os.cpu_count() or 1
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    by = {(r.target, r.scenario): r for r in runs}

    def against_ceiling(target: str, scenario: str) -> float:
        ceiling = by[(CEILING, f"next to {target}, {scenario}")]
        return by[(target, scenario)].requests_per_second / ceiling.requests_per_second

    ceilings = [r.requests_per_second for r in runs if r.target == CEILING]
    ratios = {}
    for target in ("sqlite", "postgresql"):
        ratios[f"me / hello-world ({target})"] = against_ceiling(target, ME)
        ratios[f"me with request log / hello-world ({target})"] = against_ceiling(target, ME_LOGGED)
        ratios[f"account page / hello-world ({target})"] = against_ceiling(target, ACCOUNT)
        ratios[f"login / argon2 limit ({target})"] = by[
            (target, "POST /auth/login")
        ].requests_per_second / (cores / verify_cpu[target])
        ratios[f"login / argon2 alone at the same concurrency ({target})"] = (
            by[(target, "POST /auth/login")].requests_per_second / parallel_rate
        )
    lines = [
        f"{cores} cores, {today}. Each `me` and account-page case ran {rounds} times, "
        "each run between two runs of the ceiling (a bare Flask hello-world), "
        "and is divided by the mean of "
        f"those ceiling runs ({min(ceilings):.0f} to {max(ceilings):.0f} req/s). "
        "One argon2id verify (t=3, m=64 MiB, p=4), measured just "
        "before each login run, costs "
        + " and ".join(
            f"{seconds * 1000:.0f} ms of CPU ({target}: argon2 limit "
            f"{cores / seconds:.1f} logins/s)"
            for target, seconds in verify_cpu.items()
        )
        + f". Argon2 alone, one process per worker at once: {parallel_rate:.1f} verifies/s.",
        "",
        "| target | request | req/s | p50 ms | p99 ms | non-2xx | socket errors |",
        "|---|---|---:|---:|---:|---:|---:|",
        *(
            f"| {r.target} | {r.scenario} | {r.requests_per_second:.0f} | {r.p50_ms:.2f} "
            f"| {r.p99_ms:.2f} | {r.non_2xx} | {r.socket_errors} |"
            for r in runs
        ),
        "",
        "| ratio | value |",
        "|---|---:|",
        *(f"| {name} | {value:.2f} |" for name, value in ratios.items()),
        "",
        "| repeated run | each run, req/s |",
        "|---|---|",
        *(
            f"| {r.target}, {r.scenario} | {', '.join(f'{rps:.0f}' for rps in r.each_run_rps)} |"
            for r in runs
            if len(r.each_run_rps) > 1
        ),
        "",
        "| resident memory per worker after the run | MiB |",
        "|---|---:|",
        *(
            f"| {target} | {', '.join(f'{m:.0f}' for m in sizes)} |"
            for target, sizes in rss.items()
        ),
    ]
    table = "\n".join(lines)
    publish(table, f"bench-{today}")
    (RESULTS / f"bench-{today}.json").write_text(
        json.dumps(
            {
                "date": today,
                "cores": cores,
                "me_rounds": rounds,
                "argon2_verify_cpu_seconds": verify_cpu,
                "argon2_parallel_verifies_per_second": parallel_rate,
                "runs": [asdict(r) for r in runs],
                "ratios": ratios,
                "worker_rss_mib": rss,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
