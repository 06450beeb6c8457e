"""Page cursors signed with HMAC-SHA256: opaque to clients, refused when forged
or carried to another list or filter."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from uuid import UUID

from domain.errors import InvalidCursor

SIGNATURE_BYTES = 16  # 128 bits: guessing one is out of reach


class SignedCursors:
    """A cursor is the position (a time-ordered id) and an HMAC of the
    listing and the position, in base64url. The listing (the list's name and
    its filter, say ``posts`` or ``posts:author=<id>``) is not carried, only
    signed: a cursor of one listing does not open another."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the cursor key has at least 32 bytes")
        self._key = key

    def issue(self, listing: str, position: UUID) -> str:
        raw = position.bytes + self._sign(listing, position.bytes)
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    def open(self, cursor: str, listing: str) -> UUID:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        except (binascii.Error, ValueError):
            raise InvalidCursor() from None
        position, signature = raw[:16], raw[16:]
        if len(position) != 16 or not hmac.compare_digest(signature, self._sign(listing, position)):
            raise InvalidCursor()
        return UUID(bytes=position)

    def _sign(self, listing: str, position: bytes) -> bytes:
        message = listing.encode() + b"\0" + position
        return hmac.new(self._key, message, hashlib.sha256).digest()[:SIGNATURE_BYTES]
