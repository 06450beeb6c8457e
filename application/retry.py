"""Re-running a unit of work that lost an optimistic-locking race."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from domain.errors import ConcurrentUpdate

T = TypeVar("T")
ATTEMPTS = 3


def retry_on_conflict(work: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """Run ``work`` again, from a fresh read, when another writer got there first.

    Each attempt re-reads and re-decides, so no committed write is overwritten
    by a stale one; after ``attempts`` lost races the conflict is the caller's.
    """
    for _ in range(attempts - 1):
        try:
            return work()
        except ConcurrentUpdate:
            continue
    return work()
