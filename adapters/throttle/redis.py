from __future__ import annotations

from redis import Redis, RedisError

from application.throttling import counter_unreachable


class RedisAttemptCounter:
    """Fixed windows in Redis, shared by every worker and host.

    One MULTI/EXEC per attempt: ``SET key 0 EX window NX`` opens the window,
    ``INCR`` counts, ``TTL`` says how long is left. A Redis that cannot be
    reached is ``ThrottleUnavailable`` (``FailOpen`` decides what that
    means), never anything else.
    """

    def __init__(
        self,
        client: Redis,
        *,
        limit: int,
        window_seconds: int,
        prefix: str,
    ) -> None:
        self._redis = client
        self._limit = limit
        self._window = window_seconds
        self._prefix = prefix

    def attempt(self, key: str) -> int:
        name = self._prefix + key
        try:
            with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(name, 0, ex=self._window, nx=True)
                pipe.incr(name)
                pipe.ttl(name)
                _, attempts, ttl = pipe.execute()
        except RedisError as error:
            raise counter_unreachable(error) from error
        return 0 if int(attempts) <= self._limit else max(int(ttl), 1)

    def reset(self, key: str) -> None:
        try:
            self._redis.delete(self._prefix + key)
        except RedisError as error:
            raise counter_unreachable(error) from error
