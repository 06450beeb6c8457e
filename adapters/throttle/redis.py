from __future__ import annotations

import logging

from redis import Redis, RedisError

from domain.errors import ThrottleUnavailable

log = logging.getLogger(__name__)


class RedisThrottle:
    """Fixed windows in Redis, shared by every worker and host.

    One MULTI/EXEC per attempt: ``SET key 0 EX window NX`` opens the window,
    ``INCR`` counts, ``TTL`` says how long is left. When Redis cannot be
    reached the throttle fails closed (``ThrottleUnavailable``: 503) unless
    configured to fail open, and never raises anything else.
    """

    def __init__(
        self,
        client: Redis,
        *,
        limit: int,
        window_seconds: int,
        prefix: str,
        fail_open: bool = False,
    ) -> None:
        self._redis = client
        self._limit = limit
        self._window = window_seconds
        self._prefix = prefix
        self._fail_open = fail_open

    def attempt(self, key: str) -> int:
        name = self._prefix + key
        try:
            with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(name, 0, ex=self._window, nx=True)
                pipe.incr(name)
                pipe.ttl(name)
                _, attempts, ttl = pipe.execute()
        except RedisError:
            return self._unavailable()
        return 0 if int(attempts) <= self._limit else max(int(ttl), 1)

    def reset(self, key: str) -> None:
        try:
            self._redis.delete(self._prefix + key)
        except RedisError:
            self._unavailable()

    def _unavailable(self) -> int:
        log.warning(
            "throttle store unreachable; failing %s", "open" if self._fail_open else "closed"
        )
        if self._fail_open:
            return 0
        raise ThrottleUnavailable()
