"""Changing one's email safely: the new address confirms, the old one is told
and can undo (S44)."""

from __future__ import annotations

from dataclasses import dataclass

from application.caller import Caller
from application.mailing import Links, Postman
from application.password_confirmation import PasswordConfirmation
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from domain.errors import EmailTaken, InvalidEmail, InvalidLinkToken, InvalidToken
from domain.events import EmailChanged, EmailChangeRequested, EmailChangeUndone
from domain.mail import LinkPurpose, Mail, MailKind
from domain.users import Email, User, UserChange


@dataclass(frozen=True, slots=True)
class EmailChangeCommand:
    new_email: str
    current_password: str
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class RequestEmailChange:
    """Nothing changes yet: a confirmation link goes to the new address, a
    notice with an undo link to the old one."""

    uow: UnitOfWorkFactory
    links: Links
    postman: Postman
    confirmation: PasswordConfirmation

    def __call__(self, caller: Caller, command: EmailChangeCommand) -> None:
        new_email = Email.parse(command.new_email, field="new_email")
        user = caller.user
        if new_email == user.email:
            raise InvalidEmail("new_email", "This is already your email address.")
        self.confirmation.confirm(user, command.current_password, command.ip, "email_change")
        with self.uow() as uow:
            current = uow.users.get(user.id)
            if current is None:
                raise InvalidToken()
            if uow.users.by_email(new_email) is not None:
                raise EmailTaken()
            confirm = self.links.issue(uow, LinkPurpose.CONFIRM_EMAIL, current, new_email.value)
            undo = self.links.issue(uow, LinkPurpose.UNDO_EMAIL_CHANGE, current, str(current.email))
            self.postman.queue(
                uow,
                current,
                Mail(MailKind.CONFIRM_NEW_EMAIL, new_email.value, current.name, confirm),
            )
            self.postman.queue(
                uow,
                current,
                Mail(
                    MailKind.EMAIL_CHANGING,
                    str(current.email),
                    current.name,
                    undo,
                    new_email=new_email.value,
                ),
            )
            uow.record(EmailChangeRequested(user_id=current.id))
            uow.commit()


def _take_address(
    uow: UnitOfWork, links: Links, purpose: LinkPurpose, token: str, clock: Clock
) -> User:
    """Spend an email-change link and give its account the address the link
    was sent to, proved (the link reached it). ``EmailTaken`` if another
    account took the address meanwhile: then nothing is spent."""
    link = links.spend(uow, purpose, token)
    user = uow.users.get(link.user_id)
    if user is None or link.email is None:
        raise InvalidLinkToken()
    now = clock.now()
    user.apply(UserChange(email=Email(link.email)), now)
    user.verify_email(now)
    uow.users.update(user)
    return user


@dataclass(frozen=True, slots=True)
class ConfirmEmailChange:
    """The new address confirms: it becomes the account's, proved."""

    uow: UnitOfWorkFactory
    links: Links
    clock: Clock

    def __call__(self, token: str) -> User:
        with self.uow() as uow:
            user = _take_address(uow, self.links, LinkPurpose.CONFIRM_EMAIL, token, self.clock)
            uow.record(EmailChanged(user_id=user.id))
            uow.commit()
        return user


@dataclass(frozen=True, slots=True)
class UndoEmailChange:
    """The old address takes the account back: its email returns, every
    session ends, pending changes and resets die, and a reset link goes to it."""

    uow: UnitOfWorkFactory
    links: Links
    postman: Postman
    clock: Clock

    def __call__(self, token: str) -> User:
        with self.uow() as uow:
            user = _take_address(uow, self.links, LinkPurpose.UNDO_EMAIL_CHANGE, token, self.clock)
            now = self.clock.now()
            uow.sessions.revoke_all(user.id, now)
            for purpose in (LinkPurpose.CONFIRM_EMAIL, LinkPurpose.RESET_PASSWORD):
                uow.links.spend_all(user.id, purpose, now)
            reset = self.links.issue(uow, LinkPurpose.RESET_PASSWORD, user, str(user.email))
            self.postman.queue(
                uow, user, Mail(MailKind.RESET_PASSWORD, str(user.email), user.name, reset)
            )
            uow.record(EmailChangeUndone(user_id=user.id))
            uow.commit()
        return user
