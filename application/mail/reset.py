"""A forgotten password: a link to the account's address, and the new password
it sets (S41-S43)."""

from __future__ import annotations

from dataclasses import dataclass

from application.mailing import Links, Postman
from application.ports import (
    Clock,
    IdGenerator,
    OriginSource,
    PasswordHasher,
    UnitOfWork,
    UnitOfWorkFactory,
)
from application.throttling import AttemptLimit
from domain.errors import InvalidLinkToken
from domain.events import PasswordReset, PasswordResetRequested
from domain.mail import LinkPurpose, Mail, MailKind, ResetRequest
from domain.passwords import PasswordPolicy
from domain.users import Email

BATCH = 50  # requests answered in one transaction


@dataclass(frozen=True, slots=True)
class PasswordResetCommand:
    email: str
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class RequestPasswordReset:
    """Store the request and nothing else: the same row, the same work and so
    about the same time for every address (S42). The relay answers it
    (``AnswerPasswordResets``). Throttled per client and per target address."""

    uow: UnitOfWorkFactory
    ids: IdGenerator
    clock: Clock
    origin: OriginSource
    address_limit: AttemptLimit
    reset_limit: AttemptLimit

    def __call__(self, command: PasswordResetCommand) -> None:
        self.address_limit.check(command.ip, "password_reset")
        email = Email.parse(command.email)
        self.reset_limit.check(email.value, "password_reset")
        with self.uow() as uow:
            request = ResetRequest(self.ids.new_id(), email.value, self.clock.now(), self.origin())
            uow.reset_requests.add(request)
            uow.commit()


@dataclass(frozen=True, slots=True)
class AnswerPasswordResets:
    """The relay's first step: each stored request becomes a mail, in one
    transaction with the link it carries. An active account's address gets a
    reset link; any other address a notice that no account has it (as
    django-allauth does), so its owner learns someone tried."""

    uow: UnitOfWorkFactory
    links: Links
    postman: Postman

    def __call__(self, limit: int = BATCH) -> int:
        with self.uow() as uow:
            requests = uow.reset_requests.claim(limit)
            for request in requests:
                self._answer(uow, request)
            uow.commit()
        return len(requests)

    def _answer(self, uow: UnitOfWork, request: ResetRequest) -> None:
        user = uow.users.by_email(Email(request.email))
        if user is None or not user.is_active:
            self.postman.queue(uow, None, Mail(MailKind.NO_ACCOUNT, request.email, ""))
            uow.record(PasswordResetRequested(user_id=None, origin=request.origin))
            return
        link = self.links.issue(uow, LinkPurpose.RESET_PASSWORD, user, str(user.email))
        self.postman.queue(
            uow, user, Mail(MailKind.RESET_PASSWORD, str(user.email), user.name, link)
        )
        uow.record(PasswordResetRequested(user_id=user.id, origin=request.origin))


@dataclass(frozen=True, slots=True)
class ConfirmPasswordReset:
    """Set the new password a reset link allows: every session ends, the
    address is proved (the link reached it), a notice is mailed (S43)."""

    uow: UnitOfWorkFactory
    links: Links
    postman: Postman
    hasher: PasswordHasher
    policy: PasswordPolicy
    clock: Clock

    def __call__(self, token: str, new_password: str) -> None:
        with self.uow(read_only=True) as uow:
            found = self.links.usable(uow, LinkPurpose.RESET_PASSWORD, token)
            user = uow.users.get(found.user_id)
        if user is None or str(user.email) != found.email:
            raise InvalidLinkToken()  # the address changed since the link was sent
        password = self.policy.check(new_password, user.email, field="new_password")
        new_hash = self.hasher.hash(password)  # slow: outside the transaction
        with self.uow() as uow:
            self.links.spend(uow, LinkPurpose.RESET_PASSWORD, token)
            current = uow.users.get(user.id)
            if current is None or current.email != user.email:
                raise InvalidLinkToken()
            now = self.clock.now()
            current.change_password(new_hash, now)
            current.verify_email(now)
            uow.users.update(current)
            uow.sessions.revoke_all(current.id, now)
            uow.links.spend_all(current.id, LinkPurpose.RESET_PASSWORD, now)
            uow.record(PasswordReset(user_id=current.id))
            self.postman.password_changed(uow, current)
            uow.commit()
