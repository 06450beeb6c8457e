"""Second factors over SQLAlchemy Core: the TOTP authenticators and recovery codes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from adapters.persistence.sqlalchemy.tables import recovery_codes, totp_factors
from domain.second_factors import RecoveryCode, TotpFactor

_t = totp_factors.c
_r = recovery_codes.c


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
