"""What an account's second factors are, for its owner to see."""

from __future__ import annotations

from dataclasses import dataclass

from application.caller import Caller
from application.ports import UnitOfWorkFactory
from domain.passkeys import Passkey


@dataclass(frozen=True, slots=True)
class SecondFactorState:
    totp_enabled: bool
    recovery_codes_left: int
    passkeys: list[Passkey]


@dataclass(frozen=True, slots=True)
class SecondFactorStatus:
    uow: UnitOfWorkFactory

    def __call__(self, caller: Caller) -> SecondFactorState:
        with self.uow(read_only=True) as uow:
            factor = uow.second_factors.totp(caller.user_id)
            enabled = factor is not None and factor.confirmed_at is not None
            left = uow.second_factors.unused_recovery_codes(caller.user_id) if enabled else 0
            passkeys = uow.passkeys.of_user(caller.user_id)
        return SecondFactorState(enabled, left, passkeys)
