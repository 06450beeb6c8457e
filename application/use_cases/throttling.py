"""The per-address limit shared by login, register and refresh."""

from __future__ import annotations

from application.ports import EventPublisher, LoginThrottle
from domain.errors import Throttled
from domain.events import AttemptThrottled


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
