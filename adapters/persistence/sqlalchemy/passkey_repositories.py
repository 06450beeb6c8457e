"""Passkeys and WebAuthn challenges over SQLAlchemy Core."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from adapters.persistence.sqlalchemy.tables import passkeys, webauthn_challenges
from domain.errors import InvalidPasskey
from domain.passkeys import Ceremony, Passkey, WebAuthnChallenge

_k = passkeys.c
_c = webauthn_challenges.c


def _passkey(row: Any) -> Passkey:
    return Passkey(
        id=row.id,
        user_id=row.user_id,
        credential_id=bytes(row.credential_id),
        public_key=bytes(row.public_key),
        sign_count=row.sign_count,
        name=row.name,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
    )


class SqlPasskeys:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, passkey: Passkey) -> None:
        try:
            self._insert(passkey)
        except IntegrityError as error:  # the credential's unique key (S51)
            raise InvalidPasskey() from error

    def _insert(self, passkey: Passkey) -> None:
        self._db.execute(
            insert(passkeys).values(
                id=passkey.id,
                user_id=passkey.user_id,
                credential_id=passkey.credential_id,
                public_key=passkey.public_key,
                sign_count=passkey.sign_count,
                name=passkey.name,
                created_at=passkey.created_at,
                last_used_at=passkey.last_used_at,
            )
        )

    def of_user(self, user_id: UUID) -> list[Passkey]:
        query = select(passkeys).where(_k.user_id == user_id).order_by(_k.created_at, _k.id)
        return [_passkey(row) for row in self._db.execute(query)]

    def by_credential_id(self, credential_id: bytes) -> Passkey | None:
        row = self._db.execute(select(passkeys).where(_k.credential_id == credential_id)).first()
        return _passkey(row) if row is not None else None

    def record_use(self, passkey_id: UUID, seen_count: int, new_count: int, now: datetime) -> bool:
        # A compare-and-set on the count: of two logins with one passkey at once, one wins.
        statement = (
            update(passkeys)
            .where(_k.id == passkey_id, _k.sign_count == seen_count)
            .values(sign_count=new_count, last_used_at=now)
        )
        return self._db.execute(statement).rowcount == 1

    def rename(self, user_id: UUID, passkey_id: UUID, name: str) -> Passkey | None:
        statement = (
            update(passkeys).where(_k.id == passkey_id, _k.user_id == user_id).values(name=name)
        )
        if self._db.execute(statement).rowcount != 1:
            return None
        row = self._db.execute(select(passkeys).where(_k.id == passkey_id)).first()
        return _passkey(row) if row is not None else None

    def delete(self, user_id: UUID, passkey_id: UUID) -> Passkey | None:
        query = select(passkeys).where(_k.id == passkey_id, _k.user_id == user_id)
        row = self._db.execute(query).first()
        if row is None:
            return None
        gone = self._db.execute(delete(passkeys).where(_k.id == passkey_id)).rowcount == 1
        return _passkey(row) if gone else None

    def delete_all(self, user_id: UUID) -> None:
        self._db.execute(delete(passkeys).where(_k.user_id == user_id))

    def add_challenge(self, challenge: WebAuthnChallenge) -> None:
        self._db.execute(
            insert(webauthn_challenges).values(
                challenge_hash=challenge.challenge_hash,
                ceremony=challenge.ceremony.value,
                user_id=challenge.user_id,
                created_at=challenge.created_at,
                expires_at=challenge.expires_at,
            )
        )

    def take_challenge(self, challenge_hash: str, now: datetime) -> WebAuthnChallenge | None:
        query = select(webauthn_challenges).where(_c.challenge_hash == challenge_hash)
        row = self._db.execute(query).first()
        if row is None:
            return None
        # The delete is the claim: of two answers with one challenge, one deletes it (S51).
        statement = delete(webauthn_challenges).where(_c.challenge_hash == challenge_hash)
        if self._db.execute(statement).rowcount != 1 or row.expires_at <= now:
            return None
        return WebAuthnChallenge(
            challenge_hash=row.challenge_hash,
            ceremony=Ceremony(row.ceremony),
            user_id=row.user_id,
            created_at=row.created_at,
            expires_at=row.expires_at,
        )

    def delete_ended_challenges(self, before: datetime, limit: int) -> int:
        ended = select(_c.challenge_hash).where(_c.expires_at < before).limit(limit)
        hashes = list(self._db.execute(ended).scalars())
        if hashes:
            self._db.execute(delete(webauthn_challenges).where(_c.challenge_hash.in_(hashes)))
        return len(hashes)
