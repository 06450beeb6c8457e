"""Browser sessions: signing in through a page, and the cookie that proves it.

A browser session is one of the user's sessions like any other (listed,
revoked, ended by a password change or deactivation), proven by an opaque
token in a cookie instead of API tokens; only the token's hash is stored (S35).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from application.caller import Caller
from application.ports import Clock, IdGenerator, RefreshTokens, UnitOfWorkFactory
from application.sessions.password_login import PasswordLogin
from application.sessions.second_step import SecondStep, SecondStepCommand, SecondStepRequired
from application.sessions.tokens import SessionLifetimes
from domain.errors import InvalidToken
from domain.second_factors import PendingLogin
from domain.sessions import Session, SessionKind
from domain.users import User


@dataclass(frozen=True, slots=True)
class SignInCommand:
    email: str
    password: str
    remember: bool = False
    user_agent: str | None = None
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class BrowserSignIn:
    """What a browser keeps: ``token`` goes in its cookie, and nowhere else."""

    token: str
    session_id: UUID
    user: User


@dataclass(frozen=True, slots=True)
class SignIn:
    """Exchange an email and password for a new browser session: the same
    checks, throttles and single failure as the API's login (S40).

    Not remembered, the session ends after ``browser_idle`` unused (and the
    cookie with the browser); remembered, after the refresh token's idle limit.
    """

    password_login: PasswordLogin
    second_step: SecondStep
    refresh_tokens: RefreshTokens  # the same 256-bit opaque tokens, hashed with SHA-256
    lifetimes: SessionLifetimes
    clock: Clock
    ids: IdGenerator

    def __call__(self, command: SignInCommand) -> BrowserSignIn | SecondStepRequired:
        checked = self.password_login.check(command.email, command.password, command.ip)
        if checked.user.mfa_enabled:
            return self.second_step.begin(checked, command.remember, command.user_agent, command.ip)
        token = self.refresh_tokens.generate()
        session = browser_session(
            self, token, checked.user.id, command.remember, command.user_agent, command.ip
        )
        return self.password_login.open(
            checked, session, lambda _uow, user, _now: BrowserSignIn(token, session.id, user)
        )


@dataclass(frozen=True, slots=True)
class SignInSecondStep:
    """Finish a browser's sign-in with a second factor: the session it opens
    records the factors used (``amr``) and the "remember me" of the password step."""

    second_step: SecondStep
    refresh_tokens: RefreshTokens
    lifetimes: SessionLifetimes
    clock: Clock
    ids: IdGenerator

    def __call__(self, command: SecondStepCommand) -> BrowserSignIn:
        token = self.refresh_tokens.generate()

        def start(pending: PendingLogin, amr: tuple[str, ...]) -> Session:
            return browser_session(
                self,
                token,
                pending.user_id,
                bool(pending.remember),
                command.user_agent,
                command.ip,
                amr,
            )

        return self.second_step.finish(
            command,
            True,
            start,
            lambda _uow, session, user, _now: BrowserSignIn(token, session.id, user),
        )


class _StartsBrowserSessions(Protocol):
    @property
    def refresh_tokens(self) -> RefreshTokens: ...
    @property
    def lifetimes(self) -> SessionLifetimes: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def ids(self) -> IdGenerator: ...


def browser_session(
    use_case: _StartsBrowserSessions,
    token: str,
    user_id: UUID,
    remember: bool,
    user_agent: str | None,
    ip: str | None,
    amr: tuple[str, ...] = ("pwd",),
) -> Session:
    """A new browser session for ``token``: not remembered, it ends after
    ``browser_idle`` unused; remembered, after the refresh token's idle limit."""
    lifetimes = use_case.lifetimes
    return Session.start(
        use_case.ids.new_id(),
        user_id,
        use_case.clock.now(),
        lifetimes.session,
        user_agent,
        ip,
        browser_token_hash=use_case.refresh_tokens.hash(token),
        idle_timeout=lifetimes.refresh_token if remember else lifetimes.browser_idle,
        amr=amr,
    )


@dataclass(frozen=True, slots=True)
class AuthenticateBrowser:
    """Turn a browser's cookie token into the ``Caller`` of a request.

    Like a bearer token, the session and the user are read on every request,
    so a revoked session or a deactivated user is signed out at once. The
    session's last use is written at most once a minute (``TOUCH_INTERVAL``),
    so most page views stay reads.
    """

    uow: UnitOfWorkFactory
    refresh_tokens: RefreshTokens
    clock: Clock

    def __call__(self, token: str) -> Caller:
        token_hash = self.refresh_tokens.hash(token)
        with self.uow(read_only=True) as uow:
            found = uow.sessions.browser_session_with_user(token_hash)
        if found is None:
            raise InvalidToken()
        session, user = found
        now = self.clock.now()
        if session.kind is not SessionKind.BROWSER or not session.is_active(now):
            raise InvalidToken()
        if not user.is_active:
            raise InvalidToken()
        if session.is_due_a_touch(now):
            session.touch(now, None, None)
            with self.uow() as uow:
                uow.sessions.update(session)  # revoked meanwhile: the next request finds out
                uow.commit()
        return Caller(user=user, session_id=session.id)
