from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

TOKEN_BYTES = 32  # 256 bits (S22)


class OpaqueRefreshTokens:
    """Random opaque tokens, stored as their SHA-256.

    A slow hash buys nothing here: with 256 random bits there is nothing to
    guess, and a fast one keeps the lookup an indexed equality. A successor is
    HMAC-SHA256 of its predecessor under a server key: as unguessable as a
    random token to anyone without the key and the predecessor, and
    reproducible for the reuse grace without storing any token.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) < TOKEN_BYTES:
            raise ValueError("the refresh-token key has at least 32 bytes")
        self._key = key

    def successor(self, token: str) -> str:
        digest = hmac.new(self._key, token.encode("utf-8", "surrogatepass"), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()

    def generate(self) -> str:
        return secrets.token_urlsafe(TOKEN_BYTES)

    def hash(self, token: str) -> str:
        return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
