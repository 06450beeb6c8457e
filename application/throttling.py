"""Throttles: attempts counted per key before they are judged (S11), and what
an unreachable counter store means."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from application.events import record_alone
from application.ports import AttemptCounter, UnitOfWorkFactory
from domain.errors import Throttled, ThrottleUnavailable
from domain.events import AttemptThrottled

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AttemptLimit:
    """One throttle: the per-account one (logins and every other check of a
    password) or the looser per-address one, across accounts, that bounds
    password spraying and registration probing from one client address.

    An attempt over the limit is refused before anything is judged, and the
    refusal is an audit event.
    """

    counter: AttemptCounter
    uow: UnitOfWorkFactory
    scope: str  # "account" or "address": the key's prefix, and the event's scope

    def check(self, key: str | None, action: str) -> None:
        """Count an attempt at ``action`` for ``key`` (None: nothing to count by)."""
        if key is None:
            return
        wait = self.counter.attempt(f"{self.scope}:{key}")
        if wait:
            record_alone(self.uow, AttemptThrottled(scope=self.scope, action=action))
            raise Throttled(wait)

    def reset(self, key: str) -> None:
        """Forget ``key``'s attempts: its owner has just proved their password."""
        self.counter.reset(f"{self.scope}:{key}")


def counter_unreachable(error: Exception) -> ThrottleUnavailable:
    """What a counter store raises when it cannot be reached (logged here, once)."""
    log.warning("throttle store unreachable: %s", type(error).__name__)
    return ThrottleUnavailable()


class FailOpen:
    """A counter that lets attempts through while its store is unreachable.

    Without it a store outage is ``ThrottleUnavailable`` (503: fail closed,
    the default), which keeps brute force out at the price of logins; with it
    logins go on, unthrottled, until the store is back (``THROTTLE_FAIL_OPEN``).
    """

    def __init__(self, store: AttemptCounter) -> None:
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
