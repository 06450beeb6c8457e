"""The per-address limit shared by login, register and refresh, and what an
unreachable throttle store means."""

from __future__ import annotations

import logging

from application.ports import EventPublisher, LoginThrottle
from domain.errors import Throttled, ThrottleUnavailable
from domain.events import AttemptThrottled

log = logging.getLogger(__name__)


class AddressLimit:
    """A looser limit than the per-account one, across accounts: it bounds
    password spraying and registration probing from one client address (S11)."""

    def __init__(self, throttle: LoginThrottle, events: EventPublisher) -> None:
        self._throttle = throttle
        self._events = events

    def check(self, ip: str | None, action: str) -> None:
        if ip is None:
            return
        wait = self._throttle.attempt(f"address:{ip}")
        if wait:
            self._events.publish(AttemptThrottled(scope="address", action=action))
            raise Throttled(wait)


class FailOpen:
    """A throttle that lets attempts through while its store is unreachable.

    Without it a store outage is ``ThrottleUnavailable`` (503: fail closed,
    the default), which keeps brute force out at the price of logins; with it
    logins go on, unthrottled, until the store is back (``THROTTLE_FAIL_OPEN``).
    """

    def __init__(self, store: LoginThrottle) -> None:
        self._store = store

    def attempt(self, key: str) -> int:
        try:
            return self._store.attempt(key)
        except ThrottleUnavailable:
            log.warning("throttle store unreachable; letting the attempt through")
            return 0

    def reset(self, key: str) -> None:
        try:
            self._store.reset(key)
        except ThrottleUnavailable:
            log.warning("throttle store unreachable; the count was not reset")
