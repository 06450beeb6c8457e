"""Slow clients against a server: connections that send their request a
byte a second and never finish it, while ``/health`` is asked every 0.2 s.

gunicorn's sync workers each serve one connection, so ten such clients held
every worker of the bare service; nginx in front reads requests whole
before a worker sees them, so they should cost the service nothing."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from contextlib import suppress
from dataclasses import dataclass

SLOW_CLIENTS = 200
PROBE_SECONDS = 8
ANSWER_WITHIN = 2.0


@dataclass(frozen=True)
class Probe:
    answered: int  # /health answers 200 while the slow clients were connected
    slowest: float  # seconds


def _drip(sockets: list[socket.socket], stop: threading.Event) -> None:
    """Each client sends its request line and headers one byte a second, never finishing."""
    request = b"GET /health HTTP/1.1\r\nHost: accounts\r\nX-Slow: " + b"a" * 64
    for index in range(len(request)):
        if stop.wait(1.0 if index else 0):
            return
        for sock in sockets:
            with suppress(OSError):  # nginx drops a stalled client at its timeout
                sock.send(request[index : index + 1])


def health_beside_slow_clients(port: int, clients: int = SLOW_CLIENTS) -> Probe:
    """Ask 127.0.0.1:``port`` for ``/health`` for PROBE_SECONDS while
    ``clients`` slow connections are open on it."""
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(clients)]
    stop = threading.Event()
    drip = threading.Thread(target=_drip, args=(sockets, stop))
    drip.start()
    try:
        time.sleep(1.5)  # every slow client has begun its request
        slowest, answered = 0.0, 0
        deadline = time.monotonic() + PROBE_SECONDS
        while time.monotonic() < deadline:
            started = time.monotonic()
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/health", timeout=ANSWER_WITHIN + 1
            ) as response:
                assert response.status == 200
            slowest = max(slowest, time.monotonic() - started)
            answered += 1
            time.sleep(0.2)
    finally:
        stop.set()
        drip.join()
        for sock in sockets:
            sock.close()
    return Probe(answered, slowest)


def assert_unharmed(probe: Probe) -> None:
    assert probe.answered >= PROBE_SECONDS * 3
    assert probe.slowest < ANSWER_WITHIN, f"/health took {probe.slowest:.2f} s"
