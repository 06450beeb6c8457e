"""Timing two ways through the service against each other (S10, S42, S49)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

K = TypeVar("K")


def alternating_medians(
    attempt: Callable[[K, int], None], kinds: Sequence[K], rounds: int
) -> list[float]:
    """The median milliseconds of ``attempt(kind, n)`` for each kind, after one
    warm-up each. The kinds alternate, so a change in the host's load hits
    them alike, and each is measured in the CPU time of the thread serving
    it (the test client serves in this thread): that is where two paths could
    differ, while wall time also counts whatever else the host runs."""
    samples: dict[int, list[float]] = {index: [] for index in range(len(kinds))}

    def timed(kind: K, n: int) -> float:
        start = time.thread_time()
        attempt(kind, n)
        return (time.thread_time() - start) * 1000

    for kind in kinds:
        timed(kind, rounds)
    for n in range(rounds):
        for index, kind in enumerate(kinds):
            samples[index].append(timed(kind, n))
    return [statistics.median(samples[index]) for index in range(len(kinds))]
