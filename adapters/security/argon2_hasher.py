"""argon2id password hashing (S6, S7, S10) with argon2-cffi."""

from __future__ import annotations

import secrets

from argon2 import Parameters, PasswordHasher, Type, profiles
from argon2.exceptions import InvalidHashError, VerificationError

# RFC 9106's second recommendation (t=3, m=64 MiB, p=4) is the default; OWASP's
# floor (m=19 MiB, t=2, p=1) costs a quarter of the memory per concurrent login.
PROFILES: dict[str, Parameters] = {
    "rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY,
    "owasp-minimum": Parameters(
        type=Type.ID,
        version=19,
        salt_len=16,
        hash_len=32,
        time_cost=2,
        memory_cost=19 * 1024,
        parallelism=1,
    ),
    # For test suites only: the composition root refuses it in production.
    "cheapest": profiles.CHEAPEST,
}


class Argon2Hasher:
    def __init__(self, parameters: Parameters) -> None:
        self._hasher = PasswordHasher.from_parameters(parameters)
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def verify_dummy(self, password: str) -> None:
        self.verify(self._dummy_hash, password)
