"""Sending mail from a use case: links issued and spent, messages queued in
the outbox of the use case's own unit of work (S41, S46). Shared by every
area that mails (accounts, mail), as the throttles are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.ports import Clock, IdGenerator, MailComposer, RefreshTokens, UnitOfWork
from domain.errors import InvalidLinkToken
from domain.events import MailQueued
from domain.mail import (
    FactorChange,
    Link,
    LinkPurpose,
    LinkToken,
    Mail,
    MailKind,
    OutboxMessage,
    SignInNotice,
)
from domain.users import User


@dataclass(frozen=True, slots=True)
class LinkLifetimes:
    verify_email: timedelta
    reset_password: timedelta
    confirm_email: timedelta
    undo_email_change: timedelta
    new_device: timedelta = timedelta(days=7)  # "this was not me", in a new-device mail

    def of(self, purpose: LinkPurpose) -> timedelta:
        return {
            LinkPurpose.VERIFY_EMAIL: self.verify_email,
            LinkPurpose.RESET_PASSWORD: self.reset_password,
            LinkPurpose.CONFIRM_EMAIL: self.confirm_email,
            LinkPurpose.UNDO_EMAIL_CHANGE: self.undo_email_change,
            LinkPurpose.NEW_DEVICE: self.new_device,
        }[purpose]


@dataclass(frozen=True, slots=True)
class Links:
    """Link tokens: 256 random bits handed out once in a mail, kept only as a hash."""

    tokens: RefreshTokens  # the opaque-token generator and hash of the sessions
    lifetimes: LinkLifetimes
    clock: Clock

    def issue(
        self,
        uow: UnitOfWork,
        purpose: LinkPurpose,
        user: User,
        email: str | None = None,
        session_id: UUID | None = None,
    ) -> Link:
        token = self.tokens.generate()
        uow.links.add(
            LinkToken.issue(
                self.tokens.hash(token),
                purpose,
                user.id,
                self.clock.now(),
                self.lifetimes.of(purpose),
                email,
                session_id,
            )
        )
        return Link(purpose, token)

    def usable(self, uow: UnitOfWork, purpose: LinkPurpose, token: str) -> LinkToken:
        """The stored token behind ``token``; ``InvalidLinkToken`` if it is
        unknown, expired, spent, or for another purpose."""
        found = uow.links.get(self.tokens.hash(token))
        if found is None or not found.is_usable(purpose, self.clock.now()):
            raise InvalidLinkToken()
        return found

    def spend(self, uow: UnitOfWork, purpose: LinkPurpose, token: str) -> LinkToken:
        """The stored token behind ``token``, spent now (compare-and-set)."""
        found = self.usable(uow, purpose, token)
        if not uow.links.spend(found.token_hash, self.clock.now()):
            raise InvalidLinkToken()  # spent by a simultaneous use
        return found


@dataclass(frozen=True, slots=True)
class Postman:
    """Composes a mail and writes it to the outbox of ``uow``: it leaves with
    the commit of its cause, or never."""

    composer: MailComposer
    ids: IdGenerator
    clock: Clock

    def queue(self, uow: UnitOfWork, user: User | None, mail: Mail) -> None:
        """``user``: the account the mail is about, if there is one."""
        composed = self.composer.compose(mail)
        uow.outbox.add(
            OutboxMessage(
                id=self.ids.new_id(),
                kind=mail.kind,
                to=mail.to,
                subject=composed.subject,
                text=composed.text,
                html=composed.html,
                created_at=self.clock.now(),
            )
        )
        uow.record(MailQueued(user_id=user.id if user else None, kind=mail.kind.value))

    def password_changed(self, uow: UnitOfWork, user: User) -> None:
        """The notice after every password change and reset (S43)."""
        self.queue(uow, user, Mail(MailKind.PASSWORD_CHANGED, str(user.email), user.name))

    def new_device(self, uow: UnitOfWork, user: User, link: Link, notice: SignInNotice) -> None:
        """A sign-in from a device unseen for 90 days, and the way to disown it (S52)."""
        mail = Mail(MailKind.NEW_DEVICE, str(user.email), user.name, link, sign_in=notice)
        self.queue(uow, user, mail)

    def second_factors_changed(self, uow: UnitOfWork, user: User, change: FactorChange) -> None:
        """The notice after every change of an account's second factors (S50)."""
        mail = Mail(MailKind.SECOND_FACTORS_CHANGED, str(user.email), user.name, change=change)
        self.queue(uow, user, mail)


@dataclass(frozen=True, slots=True)
class Verification:
    """Asking an account to prove its address: a link to it, and whether one is needed."""

    links: Links
    postman: Postman
    required: bool  # EMAIL_VERIFICATION=required: no login before the address is proved

    def send(self, uow: UnitOfWork, user: User) -> None:
        link = self.links.issue(uow, LinkPurpose.VERIFY_EMAIL, user, str(user.email))
        self.postman.queue(uow, user, Mail(MailKind.VERIFY_EMAIL, str(user.email), user.name, link))
