"""Signing in with a passkey: alone (it proves the person, with user
verification, S51), or as the second step after a password."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from application.events import record_alone
from application.passkey_ceremonies import PasskeyCeremonies
from application.ports import (
    Clock,
    IdGenerator,
    RefreshTokens,
    UnitOfWork,
    UnitOfWorkFactory,
    WebAuthn,
    WebAuthnOptions,
)
from application.sessions.browser import BrowserSignIn, browser_session
from application.sessions.login import api_session
from application.sessions.password_login import CheckedPassword, PasswordLogin
from application.sessions.tokens import SessionLifetimes, TokenIssuer, TokenPair
from application.throttling import AttemptLimit
from domain.errors import PasskeyLoginFailed, SecondStepExpired
from domain.events import LoginFailed
from domain.passkeys import Ceremony
from domain.second_factors import Amr
from domain.sessions import Session
from domain.users import User

Opened = TypeVar("Opened")
PASSKEY_AMR = (Amr.HARDWARE_KEY.value,)


@dataclass(frozen=True, slots=True)
class PasskeyLoginOptions:
    """The options a browser signs with: for a sign-in by passkey alone (any
    passkey of this site, user verification required), or, given an
    ``mfa_token``, for that login's second step (the account's passkeys)."""

    uow: UnitOfWorkFactory
    ceremonies: PasskeyCeremonies
    webauthn: WebAuthn
    refresh_tokens: RefreshTokens  # how an mfa_token is hashed
    clock: Clock

    def __call__(self, mfa_token: str | None = None, for_browser: bool = False) -> WebAuthnOptions:
        with self.uow() as uow:
            if mfa_token is None:
                challenge = self.ceremonies.issue(uow, Ceremony.SIGN_IN, None)
                allow: list[bytes] = []
            else:
                pending = uow.pending_logins.get(self.refresh_tokens.hash(mfa_token))
                if (
                    pending is None
                    or pending.for_browser != for_browser
                    or not pending.is_usable(self.clock.now())
                ):
                    raise SecondStepExpired()
                challenge = self.ceremonies.issue(uow, Ceremony.SECOND_STEP, pending.user_id)
                allow = [passkey.credential_id for passkey in uow.passkeys.of_user(pending.user_id)]
            uow.commit()
        return self.webauthn.login_options(challenge, allow, user_verification=mfa_token is None)


class _NotProven(Exception):
    """Raised inside the session's transaction, to roll it back."""


@dataclass(frozen=True, slots=True)
class PasskeyAlone:
    """A sign-in by a passkey alone: the passkey names the account, and its
    signature of a fresh challenge, with the user verified, proves it. The
    session records ``amr`` ["hwk"]. Failures count on the address's login
    throttle and are audit events; each is the same ``PasskeyLoginFailed``."""

    uow: UnitOfWorkFactory
    ceremonies: PasskeyCeremonies
    webauthn: WebAuthn
    password_login: PasswordLogin
    address_limit: AttemptLimit

    def sign_in(
        self,
        credential: str,
        ip: str | None,
        start: Callable[[User], Session],
        finish: Callable[[UnitOfWork, Session, User, datetime], Opened],
    ) -> Opened:
        self.address_limit.check(ip, "login")
        credential_id = self.webauthn.credential_id_of(credential)
        with self.uow(read_only=True) as uow:
            passkey = uow.passkeys.by_credential_id(credential_id) if credential_id else None
            user = uow.users.get(passkey.user_id) if passkey is not None else None
        if user is None:
            record_alone(self.uow, LoginFailed(user_id=None, reason="wrong_passkey"))
            raise PasskeyLoginFailed()
        session = start(user)

        def proven(uow: UnitOfWork, current: User, now: datetime) -> Opened:
            signed = self.ceremonies.signed(uow, credential, Ceremony.SIGN_IN, None)
            if signed is None or signed.user_id != current.id:
                raise _NotProven()
            return finish(uow, session, current, now)

        try:
            return self.password_login.open(CheckedPassword(user, None), session, proven)
        except _NotProven:
            record_alone(self.uow, LoginFailed(user_id=user.id, reason="wrong_passkey"))
            raise PasskeyLoginFailed() from None


@dataclass(frozen=True, slots=True)
class PasskeyLoginCommand:
    credential: str = field(repr=False)  # the browser's answer, as JSON text
    user_agent: str | None = None
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class PasskeyLogin:
    """Exchange a passkey's answer for a new API session's tokens."""

    passkey_alone: PasskeyAlone
    issuer: TokenIssuer
    clock: Clock
    ids: IdGenerator

    def __call__(self, command: PasskeyLoginCommand) -> TokenPair:
        def start(user: User) -> Session:
            return api_session(self, user.id, command.user_agent, command.ip, PASSKEY_AMR)

        return self.passkey_alone.sign_in(
            command.credential,
            command.ip,
            start,
            lambda uow, session, user, now: self.issuer.issue(uow, session, user, now),
        )


@dataclass(frozen=True, slots=True)
class PasskeySignIn:
    """Exchange a passkey's answer for a new browser session, not remembered."""

    passkey_alone: PasskeyAlone
    refresh_tokens: RefreshTokens
    lifetimes: SessionLifetimes
    clock: Clock
    ids: IdGenerator

    def __call__(self, command: PasskeyLoginCommand) -> BrowserSignIn:
        token = self.refresh_tokens.generate()

        def start(user: User) -> Session:
            return browser_session(
                self, token, user.id, False, command.user_agent, command.ip, PASSKEY_AMR
            )

        return self.passkey_alone.sign_in(
            command.credential,
            command.ip,
            start,
            lambda _uow, session, user, _now: BrowserSignIn(token, session.id, user),
        )
