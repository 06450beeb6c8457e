"""Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), as S47 sets them:
HMAC-SHA-1, 6 digits, 30-second steps, one step of drift either way, and each
time step accepted at most once per account.

Pure functions of the secret and the time: where the secret comes from and
how it is kept (encrypted, S47) is the adapters' business.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote, urlencode

DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1  # a code of the step before or after is still accepted
SECRET_BYTES = 20  # 160 bits, RFC 4226's recommendation for HMAC-SHA-1


def hotp(secret: bytes, counter: int, digits: int = DIGITS) -> str:
    """RFC 4226: the HMAC-SHA-1 of the counter, dynamically truncated."""
    mac = hmac.new(secret, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFF_FFFF
    return str(value % 10**digits).zfill(digits)


def time_step(unix_seconds: float, step: int = STEP_SECONDS) -> int:
    return int(unix_seconds // step)


def totp(secret: bytes, unix_seconds: float, digits: int = DIGITS) -> str:
    """RFC 6238: HOTP with the number of 30-second steps since the epoch."""
    return hotp(secret, time_step(unix_seconds), digits)


def accepted_step(
    secret: bytes, code: str, unix_seconds: float, last_used_step: int | None
) -> int | None:
    """The time step ``code`` is good for, within one step of now, and later
    than the last step this account used (a replay is refused); None if none.
    Every candidate is compared in constant time, whether or not one matched."""
    now = time_step(unix_seconds)
    candidate = code.strip().replace(" ", "")
    matched = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(hotp(secret, step), candidate) and matched is None:
            matched = step
    if matched is None or (last_used_step is not None and matched <= last_used_step):
        return None
    return matched


@dataclass(frozen=True, slots=True)
class TotpSecret:
    """A TOTP secret and how an authenticator app is told of it."""

    value: bytes

    @property
    def base32(self) -> str:
        """RFC 4648 base32 without padding, as authenticator apps take it."""
        return base64.b32encode(self.value).decode().rstrip("=")

    def otpauth_uri(self, account: str, issuer: str) -> str:
        """The ``otpauth://totp/...`` URI of Google Authenticator's key-URI format."""
        label = quote(f"{issuer}:{account}", safe=":@")
        query = urlencode(
            {
                "secret": self.base32,
                "issuer": issuer,
                "algorithm": "SHA1",
                "digits": DIGITS,
                "period": STEP_SECONDS,
            },
            quote_via=quote,
        )
        return f"otpauth://totp/{label}?{query}"
