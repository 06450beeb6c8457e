"""The operating system's side of the core: wall clock and time-ordered ids."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime
from uuid import UUID

_RANDOM_BITS = 74
_RANDOM_LIMIT = 1 << _RANDOM_BITS


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class UuidV7Generator:
    """UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits.

    Within one millisecond the random part is incremented rather than drawn
    again (RFC 9562 section 6.2, method 2), so one process's ids sort in the
    order they were made: ids are the primary key and the listing order.
    Python 3.11 has no ``uuid.uuid7``.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._millis = 0
        self._random = 0

    def new_id(self) -> UUID:
        with self._lock:
            millis = time.time_ns() // 1_000_000
            if millis > self._millis:
                self._millis = millis
                self._random = int.from_bytes(os.urandom(10), "big") >> (80 - _RANDOM_BITS)
            else:  # the same millisecond, or the clock stepped back: stay monotonic
                self._random += 1
                if self._random == _RANDOM_LIMIT:
                    self._millis += 1
                    self._random = 0
            millis, rand = self._millis, self._random
        value = (millis & 0xFFFF_FFFF_FFFF) << 80
        value |= 0x7 << 76  # version
        value |= (rand >> 62) << 64  # rand_a, 12 bits
        value |= 0b10 << 62  # variant
        value |= rand & 0x3FFF_FFFF_FFFF_FFFF  # rand_b, 62 bits
        return UUID(int=value)
