"""Second factors over SQLAlchemy Core: the TOTP authenticators, recovery codes
and the logins waiting for their second step."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from adapters.persistence.sqlalchemy.tables import pending_logins, recovery_codes, totp_factors
from domain.second_factors import MFA_TOKEN_TRIES, PendingLogin, RecoveryCode, TotpFactor

_t = totp_factors.c
_r = recovery_codes.c
_p = pending_logins.c


def _factor(row: Any) -> TotpFactor:
    return TotpFactor(
        user_id=row.user_id,
        sealed_secret=row.sealed_secret,
        created_at=row.created_at,
        confirmed_at=row.confirmed_at,
        last_used_step=row.last_used_step,
    )


class SqlSecondFactors:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def totp(self, user_id: UUID) -> TotpFactor | None:
        row = self._db.execute(select(totp_factors).where(_t.user_id == user_id)).first()
        return _factor(row) if row is not None else None

    def put_totp(self, factor: TotpFactor) -> None:
        # One authenticator per account: a new enrolment replaces an unconfirmed one.
        self.delete_totp(factor.user_id)
        self._db.execute(
            insert(totp_factors).values(
                user_id=factor.user_id,
                sealed_secret=factor.sealed_secret,
                created_at=factor.created_at,
                confirmed_at=factor.confirmed_at,
                last_used_step=factor.last_used_step,
            )
        )

    def use_totp_step(self, user_id: UUID, step: int) -> bool:
        # A compare-and-set: of two logins with one code at once, one wins (S47).
        statement = (
            update(totp_factors)
            .where(
                _t.user_id == user_id,
                or_(_t.last_used_step.is_(None), _t.last_used_step < step),
            )
            .values(last_used_step=step)
        )
        return self._db.execute(statement).rowcount == 1

    def delete_totp(self, user_id: UUID) -> None:
        self._db.execute(delete(totp_factors).where(_t.user_id == user_id))

    def replace_recovery_codes(self, user_id: UUID, codes: Sequence[RecoveryCode]) -> None:
        self._db.execute(delete(recovery_codes).where(_r.user_id == user_id))
        if codes:
            self._db.execute(
                insert(recovery_codes),
                [
                    {
                        "user_id": code.user_id,
                        "code_hash": code.code_hash,
                        "created_at": code.created_at,
                        "used_at": code.used_at,
                    }
                    for code in codes
                ],
            )

    def use_recovery_code(self, user_id: UUID, code_hash: str, now: datetime) -> bool:
        statement = (
            update(recovery_codes)
            .where(_r.user_id == user_id, _r.code_hash == code_hash, _r.used_at.is_(None))
            .values(used_at=now)
        )
        return self._db.execute(statement).rowcount == 1

    def unused_recovery_codes(self, user_id: UUID) -> int:
        query = (
            select(func.count())
            .select_from(recovery_codes)
            .where(_r.user_id == user_id, _r.used_at.is_(None))
        )
        return int(self._db.execute(query).scalar_one())


class SqlPendingLogins:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, pending: PendingLogin) -> None:
        self._db.execute(
            insert(pending_logins).values(
                token_hash=pending.token_hash,
                user_id=pending.user_id,
                created_at=pending.created_at,
                expires_at=pending.expires_at,
                password_stamp=pending.password_stamp,
                remember=pending.remember,
                user_agent=pending.user_agent,
                ip=pending.ip,
                tries=pending.tries,
                spent_at=pending.spent_at,
            )
        )

    def get(self, token_hash: str) -> PendingLogin | None:
        row = self._db.execute(select(pending_logins).where(_p.token_hash == token_hash)).first()
        if row is None:
            return None
        return PendingLogin(
            token_hash=row.token_hash,
            user_id=row.user_id,
            created_at=row.created_at,
            expires_at=row.expires_at,
            password_stamp=row.password_stamp,
            remember=row.remember,
            user_agent=row.user_agent,
            ip=row.ip,
            tries=row.tries,
            spent_at=row.spent_at,
        )

    def count_try(self, token_hash: str, now: datetime) -> bool:
        # One statement: of concurrent tries, the database lets as many
        # through as are left, never more (S49).
        statement = (
            update(pending_logins)
            .where(
                _p.token_hash == token_hash,
                _p.spent_at.is_(None),
                _p.tries < MFA_TOKEN_TRIES,
                _p.expires_at > now,
            )
            .values(tries=_p.tries + 1)
        )
        return self._db.execute(statement).rowcount == 1

    def spend(self, token_hash: str, now: datetime) -> bool:
        statement = (
            update(pending_logins)
            .where(_p.token_hash == token_hash, _p.spent_at.is_(None))
            .values(spent_at=now)
        )
        return self._db.execute(statement).rowcount == 1

    def delete_ended(self, before: datetime, limit: int) -> int:
        ended = (
            select(_p.token_hash)
            .where(or_(_p.spent_at < before, _p.expires_at < before))
            .limit(limit)
        )
        hashes = list(self._db.execute(ended).scalars())
        if hashes:
            self._db.execute(delete(pending_logins).where(_p.token_hash.in_(hashes)))
        return len(hashes)
