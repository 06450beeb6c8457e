from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn
from uuid import UUID

from application.ports import (
    Clock,
    EventPublisher,
    IdGenerator,
    LoginThrottle,
    PasswordHasher,
    UnitOfWorkFactory,
)
from application.results import TokenPair
from application.retry import retry_on_conflict
from application.use_cases.throttling import AddressLimit
from application.use_cases.tokens import TokenIssuer
from domain.errors import InvalidCredentials, InvalidEmail, Throttled
from domain.events import AttemptThrottled, LoginFailed, LoginSucceeded
from domain.passwords import normalize_password
from domain.sessions import Session, clip_user_agent
from domain.users import Email, User


@dataclass(frozen=True, slots=True)
class LoginCommand:
    email: str
    password: str
    user_agent: str | None = None
    ip: str | None = None


class Login:
    """Exchange an email and password for a new session's tokens.

    Every failure is the same ``InvalidCredentials`` and costs one password
    verification (S9, S10). Hashing runs outside any transaction, so no
    database lock is held for the duration of argon2.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        issuer: TokenIssuer,
        clock: Clock,
        ids: IdGenerator,
        account_throttle: LoginThrottle,
        address_limit: AddressLimit,
        events: EventPublisher,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._issuer = issuer
        self._clock = clock
        self._ids = ids
        self._throttle = account_throttle
        self._address_limit = address_limit
        self._events = events

    def __call__(self, command: LoginCommand) -> TokenPair:
        self._address_limit.check(command.ip, "login")
        email = _parse_email(command.email)
        # Unknown emails are throttled like known ones: a 429 reveals nothing (S11).
        throttle_key = f"account:{email.value if email else command.email.strip().casefold()}"
        wait = self._throttle.attempt(throttle_key)
        if wait:
            self._events.publish(AttemptThrottled(scope="account", action="login"))
            raise Throttled(wait)  # before any password is verified
        user = self._find_user(email)
        password = normalize_password(command.password)
        if user is None:
            self._hasher.verify_dummy(password)
            self._fail(None, "unknown_email")
        if not self._hasher.verify(user.password_hash, password):
            self._fail(user.id, "wrong_password")
        if not user.is_active:
            self._fail(user.id, "inactive")
        self._throttle.reset(throttle_key)
        upgraded_hash = (
            self._hasher.hash(password) if self._hasher.needs_rehash(user.password_hash) else None
        )
        now = self._clock.now()
        session = Session(
            id=self._ids.new_id(),
            user_id=user.id,
            created_at=now,
            last_used_at=now,
            expires_at=now + self._issuer.lifetimes.session,
            user_agent=clip_user_agent(command.user_agent),
            ip=command.ip,
        )
        tokens = retry_on_conflict(lambda: self._start(session, user, upgraded_hash, now))
        self._events.publish(LoginSucceeded(user_id=user.id, session_id=session.id))
        return tokens

    def _fail(self, user_id: UUID | None, reason: str) -> NoReturn:
        self._events.publish(LoginFailed(user_id=user_id, reason=reason))
        raise InvalidCredentials()

    def _start(
        self, session: Session, user: User, upgraded_hash: str | None, now: datetime
    ) -> TokenPair:
        with self._uow() as uow:
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
            tokens = self._issuer.issue(uow, session, current, now)
            uow.commit()
        return tokens

    def _find_user(self, email: Email | None) -> User | None:
        if email is None:
            return None
        with self._uow(read_only=True) as uow:
            return uow.users.by_email(email)


def _parse_email(raw: str) -> Email | None:
    try:
        return Email.parse(raw)
    except InvalidEmail:
        return None
