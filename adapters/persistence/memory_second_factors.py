"""In-memory second factors and pending logins: tables of ``memory.InMemoryDatabase``."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.second_factors import PendingLogin, RecoveryCode, TotpFactor

if TYPE_CHECKING:
    from adapters.persistence.memory import InMemoryDatabase


class InMemorySecondFactors:
    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db

    def totp(self, user_id: UUID) -> TotpFactor | None:
        factor = self._db.totp_factors.get(user_id)
        return copy.copy(factor) if factor is not None else None

    def put_totp(self, factor: TotpFactor) -> None:
        self._db.totp_factors[factor.user_id] = copy.copy(factor)

    def use_totp_step(self, user_id: UUID, step: int) -> bool:
        factor = self._db.totp_factors.get(user_id)
        if factor is None or (factor.last_used_step is not None and step <= factor.last_used_step):
            return False
        self._db.totp_factors[user_id] = replace(factor, last_used_step=step)
        return True

    def delete_totp(self, user_id: UUID) -> None:
        self._db.totp_factors.pop(user_id, None)

    def replace_recovery_codes(self, user_id: UUID, codes: Sequence[RecoveryCode]) -> None:
        for key in [key for key in self._db.recovery_codes if key[0] == user_id]:
            del self._db.recovery_codes[key]
        for code in codes:
            self._db.recovery_codes[(code.user_id, code.code_hash)] = code

    def use_recovery_code(self, user_id: UUID, code_hash: str, now: datetime) -> bool:
        code = self._db.recovery_codes.get((user_id, code_hash))
        if code is None or code.used_at is not None:
            return False
        self._db.recovery_codes[(user_id, code_hash)] = replace(code, used_at=now)
        return True

    def unused_recovery_codes(self, user_id: UUID) -> int:
        return sum(
            1
            for (owner, _), code in self._db.recovery_codes.items()
            if owner == user_id and code.used_at is None
        )


class InMemoryPendingLogins:
    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db

    def add(self, pending: PendingLogin) -> None:
        self._db.pending_logins[pending.token_hash] = copy.copy(pending)

    def get(self, token_hash: str) -> PendingLogin | None:
        pending = self._db.pending_logins.get(token_hash)
        return copy.copy(pending) if pending is not None else None

    def count_try(self, token_hash: str, now: datetime) -> bool:
        pending = self._db.pending_logins.get(token_hash)
        if pending is None or not pending.is_usable(now):
            return False
        self._db.pending_logins[token_hash] = replace(pending, tries=pending.tries + 1)
        return True

    def spend(self, token_hash: str, now: datetime) -> bool:
        pending = self._db.pending_logins.get(token_hash)
        if pending is None or pending.spent_at is not None:
            return False
        self._db.pending_logins[token_hash] = replace(pending, spent_at=now)
        return True

    def delete_ended(self, before: datetime, limit: int) -> int:
        ended = [h for h, p in self._db.pending_logins.items() if p.ended_before(before)][:limit]
        for token_hash in ended:
            del self._db.pending_logins[token_hash]
        return len(ended)
