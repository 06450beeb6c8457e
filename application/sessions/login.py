from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn
from uuid import UUID

from application.events import record_alone
from application.ports import Clock, IdGenerator, PasswordHasher, UnitOfWorkFactory
from application.retry import retry_on_conflict
from application.sessions.tokens import TokenIssuer, TokenPair
from application.throttling import AttemptLimit
from domain.errors import InvalidCredentials, InvalidEmail
from domain.events import LoginFailed, LoginSucceeded
from domain.passwords import normalize_password
from domain.sessions import Session
from domain.users import Email, User


@dataclass(frozen=True, slots=True)
class LoginCommand:
    email: str
    password: str
    user_agent: str | None = None
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class Login:
    """Exchange an email and password for a new session's tokens.

    Every failure is the same ``InvalidCredentials`` and costs one password
    verification (S9, S10). Hashing runs outside any transaction, so no
    database lock is held for the duration of argon2.
    """

    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    issuer: TokenIssuer
    clock: Clock
    ids: IdGenerator
    account_limit: AttemptLimit
    address_limit: AttemptLimit

    def __call__(self, command: LoginCommand) -> TokenPair:
        self.address_limit.check(command.ip, "login")
        email = _parse_email(command.email)
        # Unknown emails are throttled like known ones: a 429 reveals nothing (S11).
        account = email.value if email else command.email.strip().casefold()
        self.account_limit.check(account, "login")  # before any password is verified
        user = self._find_user(email)
        password = normalize_password(command.password)
        if user is None:
            self.hasher.verify_dummy(password)
            self._fail(None, "unknown_email")
        if not self.hasher.verify(user.password_hash, password):
            self._fail(user.id, "wrong_password")
        if not user.is_active:
            self._fail(user.id, "inactive")
        self.account_limit.reset(account)
        upgraded_hash = (
            self.hasher.hash(password) if self.hasher.needs_rehash(user.password_hash) else None
        )
        now = self.clock.now()
        session = Session.start(
            self.ids.new_id(),
            user.id,
            now,
            self.issuer.lifetimes.session,
            command.user_agent,
            command.ip,
        )
        return retry_on_conflict(lambda: self._start(session, user, upgraded_hash, now))

    def _fail(self, user_id: UUID | None, reason: str) -> NoReturn:
        record_alone(self.uow, LoginFailed(user_id=user_id, reason=reason))
        raise InvalidCredentials()

    def _start(
        self, session: Session, user: User, upgraded_hash: str | None, now: datetime
    ) -> TokenPair:
        with self.uow() as uow:
            current = uow.users.get(user.id)
            # The account may have changed while the password was being checked.
            if (
                current is None
                or not current.is_active
                or current.password_hash != user.password_hash
            ):
                raise InvalidCredentials()
            if upgraded_hash is not None:  # S7: old parameters are upgraded on login
                current.password_hash = upgraded_hash
                uow.users.update(current)
            uow.sessions.add(session)
            tokens = self.issuer.issue(uow, session, current, now)
            uow.record(LoginSucceeded(user_id=user.id, session_id=session.id))
            uow.commit()
        return tokens

    def _find_user(self, email: Email | None) -> User | None:
        if email is None:
            return None
        with self.uow(read_only=True) as uow:
            return uow.users.by_email(email)


def _parse_email(raw: str) -> Email | None:
    try:
        return Email.parse(raw)
    except InvalidEmail:
        return None
