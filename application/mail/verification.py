"""Proving an address: a link on request, and the link's use."""

from __future__ import annotations

from dataclasses import dataclass

from application.caller import Caller
from application.mailing import Links, Verification
from application.ports import Clock, UnitOfWorkFactory
from application.throttling import AttemptLimit
from domain.errors import AlreadyVerified, InvalidLinkToken, InvalidToken
from domain.events import EmailVerified
from domain.mail import LinkPurpose
from domain.users import User


@dataclass(frozen=True, slots=True)
class RequestVerification:
    """A fresh verification link to the caller's address, one a minute at most."""

    uow: UnitOfWorkFactory
    verification: Verification
    verification_limit: AttemptLimit

    def __call__(self, caller: Caller) -> None:
        if caller.user.email_verified:
            raise AlreadyVerified()
        self.verification_limit.check(str(caller.user_id), "email_verification")
        with self.uow() as uow:
            user = uow.users.get(caller.user_id)
            if user is None:
                raise InvalidToken()
            if user.email_verified:
                raise AlreadyVerified()
            self.verification.send(uow, user)
            uow.commit()


@dataclass(frozen=True, slots=True)
class ConfirmVerification:
    """Spend a verification link: the address it was sent to is proved, if it
    is still the account's."""

    uow: UnitOfWorkFactory
    links: Links
    clock: Clock

    def __call__(self, token: str) -> User:
        with self.uow() as uow:
            link = self.links.spend(uow, LinkPurpose.VERIFY_EMAIL, token)
            user = uow.users.get(link.user_id)
            if user is None or str(user.email) != link.email:
                raise InvalidLinkToken()  # the address changed since the link was sent
            if user.verify_email(self.clock.now()):
                uow.users.update(user)
                uow.record(EmailVerified(user_id=user.id))
            uow.commit()
        return user
