"""Hosts of a test's own on this one machine: network namespaces (``ip netns``)
joined to it by veth pairs, each with its own address and nothing listening
on it but what the test starts there.

A host reaches this machine's PostgreSQL, Redis and SMTP server, which
listen on loopback only, through forwarders (socat) on the machine's end of
its link. Making namespaces takes root; without it, or without ``ip`` and
``socat``, the tests skip saying so (in CI they fail).
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.support.tools import required_tool

# 10.77.N.0/24 for host N: the machine is .1, the host .2.
_NETWORKS = itertools.count(1)


@dataclass
class Host:
    name: str  # its namespace
    address: str  # where the machine reaches it
    gateway: str  # where it reaches the machine
    _forwarders: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def command(self, argv: Sequence[str]) -> list[str]:
        """``argv`` run on this host."""
        return ["ip", "netns", "exec", self.name, *argv]

    def run(self, argv: Sequence[str], **popen: Any) -> subprocess.Popen[bytes]:
        return subprocess.Popen(self.command(argv), **popen)

    def reach(self, port: int) -> None:
        """Make the machine's loopback ``port`` reachable from this host at
        ``gateway:port``."""
        self._forwarders.append(
            subprocess.Popen(
                [
                    required_tool("socat", "socat"),
                    f"TCP-LISTEN:{port},bind={self.gateway},fork,reuseaddr",
                    f"TCP:127.0.0.1:{port}",
                ],
                stderr=subprocess.DEVNULL,
            )
        )

    def crash(self) -> None:
        """Every process on the host killed, as a power cut would: nothing
        shuts down cleanly, open connections are reset. Returns once none is
        left, so nothing listens there any more."""
        deadline = time.monotonic() + 10
        while pids := _ip("netns", "pids", self.name).split():
            assert time.monotonic() < deadline, f"processes outlived SIGKILL on {self.name}"
            for pid in pids:
                with suppress(ProcessLookupError):  # gone since the listing
                    os.kill(int(pid), signal.SIGKILL)
            time.sleep(0.01)


def _ip(*args: str) -> str:
    return subprocess.run(["ip", *args], check=True, capture_output=True, text=True).stdout


def _require_root() -> None:
    required_tool("ip", "iproute2")
    required_tool("socat", "socat")
    if os.geteuid() != 0:
        reason = "network namespaces need root (run the tests as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@contextmanager
def network_host() -> Iterator[Host]:
    """A host of its own, removed with every process on it afterwards."""
    _require_root()
    number = next(_NETWORKS)
    name = f"accounts-{os.getpid()}-{number}"
    outside = f"acc{os.getpid() % 100000}h{number}"  # at most 15 characters
    host = Host(name, f"10.77.{number}.2", f"10.77.{number}.1")
    _ip("netns", "add", name)
    try:
        _ip("link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", name)
        _ip("addr", "add", f"{host.gateway}/24", "dev", outside)
        _ip("link", "set", outside, "up")
        inside = ["-n", name]
        _ip(*inside, "addr", "add", f"{host.address}/24", "dev", "eth0")
        _ip(*inside, "link", "set", "eth0", "up")
        _ip(*inside, "link", "set", "lo", "up")
        yield host
    finally:
        _stop_all(host._forwarders)
        host.crash()
        _ip("netns", "delete", name)  # takes its end of the link, and so both


def _stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=10)
