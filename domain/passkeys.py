"""Passkeys: WebAuthn credentials bound to an account, and the single-use
challenges of the ceremonies that add them and sign in with them (S51).

The credential's public key is stored as the authenticator gave it (COSE);
checking what a browser answers is the ``WebAuthn`` port's job. A challenge
is kept only as a hash, found again by the hash of the challenge the
browser's answer carries, and is spent by the first answer that uses it.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.errors import InvalidInput

CHALLENGE_LIFETIME = timedelta(minutes=5)
CHALLENGE_BYTES = 32
PASSKEY_NAME_MAX = 64


class Ceremony(StrEnum):
    """What a challenge was issued for; an answer counts only for its own."""

    REGISTER = "register"
    SIGN_IN = "sign_in"  # a login by passkey alone: user verification required
    SECOND_STEP = "second_step"  # a passkey after the password


@dataclass(slots=True)
class Passkey:
    id: UUID
    user_id: UUID
    credential_id: bytes  # unique across accounts (S51)
    public_key: bytes  # COSE, as registered
    sign_count: int
    name: str
    created_at: datetime
    last_used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class WebAuthnChallenge:
    """A challenge handed to a browser, by its hash. ``user_id`` is the account
    it was issued to: the one registering, or the one whose second step it
    is; None for a passwordless sign-in, where the passkey names the account."""

    challenge_hash: str
    ceremony: Ceremony
    user_id: UUID | None
    created_at: datetime
    expires_at: datetime


class InvalidPasskeyName(InvalidInput):
    code = "invalid_passkey_name"


def passkey_name(text: str) -> str:
    """A passkey's name as a person gave it ("Work laptop"), trimmed."""
    name = unicodedata.normalize("NFC", text).strip()
    if not name:
        raise InvalidPasskeyName("name", "Give the passkey a name.")
    if len(name) > PASSKEY_NAME_MAX:
        raise InvalidPasskeyName("name", f"Use at most {PASSKEY_NAME_MAX} characters.")
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise InvalidPasskeyName("name", "Use letters, digits and punctuation only.")
    return name


def challenge_hash(challenge: bytes) -> str:
    """What is stored of a challenge: a browser's answer finds it by this."""
    return hashlib.sha256(challenge).hexdigest()
