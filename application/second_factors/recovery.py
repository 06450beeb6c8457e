"""Recovery codes: a new set on request (S48)."""

from __future__ import annotations

from dataclasses import dataclass

from application.caller import Caller
from application.mailing import Postman
from application.password_confirmation import PasswordConfirmation
from application.ports import UnitOfWorkFactory
from application.second_factor_codes import SecondFactorCodes
from domain.errors import InvalidToken, SecondFactorNotEnabled
from domain.events import RecoveryCodesMade
from domain.mail import FactorChange


@dataclass(frozen=True, slots=True)
class RenewRecoveryCodes:
    """Ten new recovery codes, shown this once; the old ones die. Only for an
    account with an authenticator in force: the codes stand in for it."""

    uow: UnitOfWorkFactory
    confirmation: PasswordConfirmation
    codes: SecondFactorCodes
    postman: Postman

    def __call__(self, caller: Caller, current_password: str, ip: str | None) -> list[str]:
        user = caller.user
        self.confirmation.confirm(user, current_password, ip, "second_factor")
        with self.uow() as uow:
            factor = uow.second_factors.totp(user.id)
            if factor is None or factor.confirmed_at is None:
                raise SecondFactorNotEnabled()
            current = uow.users.get(user.id)
            if current is None:
                raise InvalidToken()
            codes = self.codes.new_recovery_codes(uow, user.id)
            uow.record(RecoveryCodesMade(user_id=user.id))
            self.postman.second_factors_changed(uow, current, FactorChange.RECOVERY_CODES_RENEWED)
            uow.commit()
        return codes
