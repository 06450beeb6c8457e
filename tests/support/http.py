"""JSON over a real socket, for the tests that talk to a running server
rather than to Flask's test client."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any


def call(
    url: str,
    body: dict[str, Any] | None = None,
    token: str = "",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    """POST ``body`` (GET without one); the status and the JSON answer, if any."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {})
        | (headers or {}),
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def wait_until_ready(base: str, seconds: float = 90) -> None:
    """Until ``base``/health/ready answers 200: the server is up and its
    database (and Redis) answer."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if call(f"{base}/health/ready")[0] == 200:
                return
        except OSError:  # not listening yet
            pass
        assert time.monotonic() < deadline, f"{base} was not ready within {seconds} s"
        time.sleep(0.5)
