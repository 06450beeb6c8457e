"""An admin's way out for a person who lost their second factors."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.caller import Caller
from application.mailing import Postman
from application.ports import Clock, UnitOfWorkFactory
from application.retry import retry_on_conflict
from application.second_factors.in_force import settle_second_step
from domain.errors import Forbidden, UserNotFound
from domain.events import SecondFactorsReset
from domain.mail import FactorChange


@dataclass(frozen=True, slots=True)
class ResetSecondFactors:
    """Remove every second factor of an account: its authenticator, enrolled
    or in force, its recovery codes and its passkeys. The person is told by mail (S50);
    their password is unchanged, so the address is what proves them next."""

    uow: UnitOfWorkFactory
    clock: Clock
    postman: Postman

    def __call__(self, caller: Caller, user_id: UUID) -> None:
        if not caller.is_admin:
            raise Forbidden("Only admins may reset another account's second factors.")
        retry_on_conflict(lambda: self._reset(caller, user_id))

    def _reset(self, caller: Caller, user_id: UUID) -> None:
        with self.uow() as uow:
            user = uow.users.get(user_id)
            if user is None:
                raise UserNotFound()
            uow.second_factors.delete_totp(user_id)
            uow.second_factors.replace_recovery_codes(user_id, [])
            uow.passkeys.delete_all(user_id)
            user = settle_second_step(uow, user_id, self.clock.now())
            uow.record(SecondFactorsReset(user_id=user_id, by=caller.user_id))
            self.postman.second_factors_changed(uow, user, FactorChange.RESET_BY_ADMIN)
            uow.commit()
