"""In-memory passkeys and WebAuthn challenges: tables of ``memory.InMemoryDatabase``."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.errors import InvalidPasskey
from domain.passkeys import Passkey, WebAuthnChallenge

if TYPE_CHECKING:
    from adapters.persistence.memory import InMemoryDatabase


class InMemoryPasskeys:
    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db

    def add(self, passkey: Passkey) -> None:
        if self.by_credential_id(passkey.credential_id) is not None:
            raise InvalidPasskey()
        self._db.passkeys[passkey.id] = copy.copy(passkey)

    def of_user(self, user_id: UUID) -> list[Passkey]:
        owned = [copy.copy(p) for p in self._db.passkeys.values() if p.user_id == user_id]
        return sorted(owned, key=lambda passkey: (passkey.created_at, passkey.id))

    def by_credential_id(self, credential_id: bytes) -> Passkey | None:
        found = (p for p in self._db.passkeys.values() if p.credential_id == credential_id)
        passkey = next(found, None)
        return copy.copy(passkey) if passkey is not None else None

    def record_use(self, passkey_id: UUID, seen_count: int, new_count: int, now: datetime) -> bool:
        passkey = self._db.passkeys.get(passkey_id)
        if passkey is None or passkey.sign_count != seen_count:
            return False
        self._db.passkeys[passkey_id] = replace(passkey, sign_count=new_count, last_used_at=now)
        return True

    def rename(self, user_id: UUID, passkey_id: UUID, name: str) -> Passkey | None:
        passkey = self._db.passkeys.get(passkey_id)
        if passkey is None or passkey.user_id != user_id:
            return None
        self._db.passkeys[passkey_id] = replace(passkey, name=name)
        return copy.copy(self._db.passkeys[passkey_id])

    def delete(self, user_id: UUID, passkey_id: UUID) -> Passkey | None:
        passkey = self._db.passkeys.get(passkey_id)
        if passkey is None or passkey.user_id != user_id:
            return None
        return self._db.passkeys.pop(passkey_id)

    def delete_all(self, user_id: UUID) -> None:
        for passkey_id in [p.id for p in self._db.passkeys.values() if p.user_id == user_id]:
            del self._db.passkeys[passkey_id]

    def add_challenge(self, challenge: WebAuthnChallenge) -> None:
        self._db.webauthn_challenges[challenge.challenge_hash] = challenge

    def take_challenge(self, challenge_hash: str, now: datetime) -> WebAuthnChallenge | None:
        challenge = self._db.webauthn_challenges.pop(challenge_hash, None)
        return challenge if challenge is not None and now < challenge.expires_at else None

    def delete_ended_challenges(self, before: datetime, limit: int) -> int:
        ended = [key for key, c in self._db.webauthn_challenges.items() if c.expires_at < before][
            :limit
        ]
        for key in ended:
            del self._db.webauthn_challenges[key]
        return len(ended)
