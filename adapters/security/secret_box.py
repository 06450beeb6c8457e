"""Secrets kept encrypted at rest (S47: the TOTP secrets), with keys that rotate.

AES-256-GCM from ``cryptography``. A sealed secret is
``v1.<key id>.<nonce and ciphertext, base64url>``: the key id (the first 8
bytes of the key's SHA-256, in hex) says which key opens it, so the previous
keys still open what they sealed while the current one seals everything new
(``needs_reseal`` tells the caller to write a secret again under it). The
row's identity goes in as associated data: a sealed secret copied into
another account's row does not open there.

Digests (S48: recovery codes) are HMAC-SHA-256 under a key derived from each
encryption key: a copy of the database alone cannot test a guessed code.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12


def _from_base64url(text: str) -> bytes:
    """Strict: a character outside the alphabet is an error, not skipped."""
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


class SecretBoxError(Exception):
    """A sealed secret that no key opens: tampered, moved, or its key retired."""


def parse_key(text: str) -> bytes:
    """A key as configured: 32 bytes in base64url (``MFA_ENCRYPTION_KEY``)."""
    try:
        key = _from_base64url(text)
    except (binascii.Error, ValueError):
        raise ValueError("an encryption key is 32 bytes in base64url") from None
    if len(key) != KEY_BYTES:
        raise ValueError("an encryption key is 32 bytes in base64url")
    return key


def _key_id(key: bytes) -> str:
    return hashlib.sha256(key).digest()[:8].hex()


class SecretBox:
    def __init__(self, key: bytes, previous: tuple[bytes, ...] = ()) -> None:
        if any(len(k) != KEY_BYTES for k in (key, *previous)):
            raise ValueError(f"encryption keys have {KEY_BYTES} bytes")
        self._current = _key_id(key)
        self._keys = {_key_id(k): AESGCM(k) for k in (*previous, key)}
        # Current first: what is stored; then the previous keys, for lookups.
        self._digest_keys = [
            (_key_id(k), hmac.new(k, b"accounts digest key", hashlib.sha256).digest())
            for k in (key, *previous)
        ]

    def seal(self, secret: bytes, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self._current].encrypt(nonce, secret, context.encode())
        return f"{VERSION}.{self._current}.{_base64url(nonce + sealed)}"

    def open(self, sealed: str, context: str) -> bytes:
        version, _, rest = sealed.partition(".")
        key_id, _, body = rest.partition(".")
        cipher = self._keys.get(key_id)
        if version != VERSION or cipher is None:
            raise SecretBoxError("no key opens this secret")
        try:
            raw = _from_base64url(body)
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
        except (binascii.Error, ValueError, InvalidTag):
            raise SecretBoxError("the secret does not open") from None

    def needs_reseal(self, sealed: str) -> bool:
        """Sealed under a previous key: open it and seal it again."""
        return sealed.split(".", 2)[1:2] != [self._current]

    def digests(self, value: str, context: str) -> tuple[str, ...]:
        """``<key id>.<HMAC, base64url>`` under each key, the current one first."""
        message = f"{context}\n{value}".encode()
        return tuple(
            f"{key_id}.{_base64url(hmac.new(mac_key, message, hashlib.sha256).digest())}"
            for key_id, mac_key in self._digest_keys
        )


def _base64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
