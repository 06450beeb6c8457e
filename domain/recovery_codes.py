"""Recovery codes (S48): ten per account, each of 60 random bits, usable once.

A code is 12 characters of Crockford's base32 in three groups,
``7k2m-q9xd-4hrt``: no I, L, O or U to misread, and what a person types is
read leniently (any case, spaces or dashes anywhere, I and L as 1, O as 0).
Drawing the random bits and hashing the codes are the adapters' business.
"""

from __future__ import annotations

RECOVERY_CODES = 10
CODE_BYTES = 8  # drawn per code; 60 of their 64 bits are used
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_LENGTH = 12  # 12 x 5 = 60 bits
_MISREAD = str.maketrans({"i": "1", "l": "1", "o": "0"})


def recovery_code(random: bytes) -> str:
    """The code that ``random`` (``CODE_BYTES`` bytes) spells."""
    if len(random) < CODE_BYTES:
        raise ValueError(f"a recovery code takes {CODE_BYTES} random bytes")
    value = int.from_bytes(random[:CODE_BYTES], "big") >> (8 * CODE_BYTES - 5 * _LENGTH)
    symbols = "".join(_ALPHABET[(value >> (5 * i)) & 0x1F] for i in reversed(range(_LENGTH)))
    return "-".join(symbols[i : i + 4] for i in range(0, _LENGTH, 4))


def read_recovery_code(typed: str) -> str | None:
    """What a person typed, as the code it means; None if it is no code."""
    compact = "".join(typed.lower().split()).replace("-", "").translate(_MISREAD)
    if len(compact) != _LENGTH or any(symbol not in _ALPHABET for symbol in compact):
        return None
    return "-".join(compact[i : i + 4] for i in range(0, _LENGTH, 4))
