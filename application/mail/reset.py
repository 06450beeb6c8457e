"""A forgotten password: a link to the account's address, and the new password
it sets (S41-S43)."""

from __future__ import annotations

from dataclasses import dataclass

from application.mailing import Links, Postman
from application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from application.throttling import AttemptLimit
from domain.errors import InvalidLinkToken
from domain.events import PasswordReset, PasswordResetRequested
from domain.mail import Link, LinkPurpose, Mail, MailKind
from domain.passwords import PasswordPolicy
from domain.users import Email


@dataclass(frozen=True, slots=True)
class PasswordResetCommand:
    email: str
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class RequestPasswordReset:
    """Mail a reset link if the address is an active account's; answer the
    same either way, in about the same time (S42): for an unknown address
    the mail is composed all the same and thrown away."""

    uow: UnitOfWorkFactory
    links: Links
    postman: Postman
    address_limit: AttemptLimit
    reset_limit: AttemptLimit

    def __call__(self, command: PasswordResetCommand) -> None:
        self.address_limit.check(command.ip, "password_reset")
        email = Email.parse(command.email)
        self.reset_limit.check(email.value, "password_reset")
        with self.uow() as uow:
            user = uow.users.by_email(email)
            if user is None or not user.is_active:
                decoy = Link(LinkPurpose.RESET_PASSWORD, self.links.tokens.generate())
                self.postman.composer.compose(Mail(MailKind.RESET_PASSWORD, email.value, "", decoy))
                return  # nothing written: the unit of work rolls back
            link = self.links.issue(uow, LinkPurpose.RESET_PASSWORD, user, str(user.email))
            self.postman.queue(
                uow, user, Mail(MailKind.RESET_PASSWORD, str(user.email), user.name, link)
            )
            uow.record(PasswordResetRequested(user_id=user.id))
            uow.commit()


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
            found = uow.links.get(self.links.tokens.hash(token))
            user = None if found is None else uow.users.get(found.user_id)
        now = self.clock.now()
        if (
            found is None
            or user is None
            or not found.is_usable(LinkPurpose.RESET_PASSWORD, now)
            or str(user.email) != found.email
        ):
            raise InvalidLinkToken()
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
