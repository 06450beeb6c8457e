from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from application.ports import Clock, IdGenerator
from application.sessions.password_login import PasswordLogin
from application.sessions.second_step import SecondStep, SecondStepCommand, SecondStepRequired
from application.sessions.tokens import TokenIssuer, TokenPair
from domain.second_factors import PendingLogin
from domain.sessions import Session


@dataclass(frozen=True, slots=True)
class LoginCommand:
    email: str
    password: str
    user_agent: str | None = None
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class Login:
    """Exchange an email and password for a new API session's tokens, or, for
    an account with a second factor, for an ``mfa_token`` (``LoginSecondStep``)."""

    password_login: PasswordLogin
    second_step: SecondStep
    issuer: TokenIssuer
    clock: Clock
    ids: IdGenerator

    def __call__(self, command: LoginCommand) -> TokenPair | SecondStepRequired:
        checked = self.password_login.check(command.email, command.password, command.ip)
        if checked.user.mfa_enabled:
            return self.second_step.begin(checked, None, command.user_agent, command.ip)
        session = api_session(self, checked.user.id, command.user_agent, command.ip)
        return self.password_login.open(
            checked, session, lambda uow, user, now: self.issuer.issue(uow, session, user, now)
        )


@dataclass(frozen=True, slots=True)
class LoginSecondStep:
    """Exchange an ``mfa_token`` and a second factor for the API session's tokens."""

    second_step: SecondStep
    issuer: TokenIssuer
    clock: Clock
    ids: IdGenerator

    def __call__(self, command: SecondStepCommand) -> TokenPair:
        def start(pending: PendingLogin, amr: tuple[str, ...]) -> Session:
            return api_session(self, pending.user_id, command.user_agent, command.ip, amr)

        return self.second_step.finish(
            command,
            False,
            start,
            lambda uow, session, user, now: self.issuer.issue(uow, session, user, now),
        )


class _StartsApiSessions(Protocol):
    @property
    def issuer(self) -> TokenIssuer: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def ids(self) -> IdGenerator: ...


def api_session(
    use_case: _StartsApiSessions,
    user_id: UUID,
    user_agent: str | None,
    ip: str | None,
    amr: tuple[str, ...] = ("pwd",),
) -> Session:
    """A new API session for ``user_id``, proved by ``amr``."""
    return Session.start(
        use_case.ids.new_id(),
        user_id,
        use_case.clock.now(),
        use_case.issuer.lifetimes.session,
        user_agent,
        ip,
        amr=amr,
    )
