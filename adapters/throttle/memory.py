from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class InMemoryAttemptCounter:
    """Fixed windows in a dict: right for one process, not shared between workers."""

    def __init__(
        self, limit: int, window_seconds: int, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit = limit
        self._window = window_seconds
        self._now = monotonic
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window end, attempts)

    def attempt(self, key: str) -> int:
        now = self._now()
        with self._lock:
            ends, attempts = self._windows.get(key, (0.0, 0))
            if ends <= now:
                ends, attempts = now + self._window, 0
                self._forget_expired(now)
            attempts += 1
            self._windows[key] = (ends, attempts)
        return 0 if attempts <= self._limit else math.ceil(ends - now)

    def reset(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)

    def _forget_expired(self, now: float) -> None:
        """Bound memory: drop windows that have ended (amortised over new windows)."""
        if len(self._windows) > 10_000:
            for key in [k for k, (ends, _) in self._windows.items() if ends <= now]:
                del self._windows[key]
