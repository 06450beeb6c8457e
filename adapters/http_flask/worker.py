"""Background work from the command line: a use case run again and again."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable

log = logging.getLogger("accounts.worker")


def run_every(seconds: float, work: Callable[[], None]) -> None:
    """Run ``work`` now and then every ``seconds``, until SIGTERM or SIGINT.

    A stop signal ends the wait at once but never a run half way: the run in
    progress finishes first. A run that fails (the database is down, say) is
    logged and the loop goes on: a worker outlives an outage.
    """
    stop = threading.Event()
    previous = {
        number: signal.signal(number, lambda *_: stop.set())
        for number in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        while not stop.is_set():
            try:
                work()
            except Exception:
                log.exception("a run of the worker failed; trying again in %s s", seconds)
            stop.wait(seconds)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    log.info("worker stopped")
