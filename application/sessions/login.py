from __future__ import annotations

from dataclasses import dataclass

from application.ports import Clock, IdGenerator
from application.sessions.password_login import PasswordLogin
from application.sessions.tokens import TokenIssuer, TokenPair
from domain.sessions import Session


@dataclass(frozen=True, slots=True)
class LoginCommand:
    email: str
    password: str
    user_agent: str | None = None
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class Login:
    """Exchange an email and password for a new API session's tokens."""

    password_login: PasswordLogin
    issuer: TokenIssuer
    clock: Clock
    ids: IdGenerator

    def __call__(self, command: LoginCommand) -> TokenPair:
        checked = self.password_login.check(command.email, command.password, command.ip)
        session = Session.start(
            self.ids.new_id(),
            checked.user.id,
            self.clock.now(),
            self.issuer.lifetimes.session,
            command.user_agent,
            command.ip,
        )
        return self.password_login.open(
            checked, session, lambda uow, user, now: self.issuer.issue(uow, session, user, now)
        )
