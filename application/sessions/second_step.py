"""A login's second step (S49): what the password step hands back for an
account with a second factor, and how the factor then opens the session.
Shared by the API's login and a browser's sign-in, as ``PasswordLogin`` is."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from application.events import record_alone
from application.ports import Clock, RefreshTokens, UnitOfWork, UnitOfWorkFactory
from application.second_factor_codes import Proof, SecondFactorCodes
from application.sessions.password_login import CheckedPassword, PasswordLogin
from application.throttling import AttemptLimit
from domain.errors import InvalidCredentials, SecondStepExpired, SecondStepFailed
from domain.events import LoginFailed
from domain.second_factors import MFA_TOKEN_LIFETIME, Amr, Method, PendingLogin
from domain.sessions import Session
from domain.users import User

Opened = TypeVar("Opened")
PASSKEY_FAILED = "This passkey did not prove it is you; try again."


@dataclass(frozen=True, slots=True)
class SecondStepRequired:
    """The password was right; the login waits for a second factor."""

    mfa_token: str = field(repr=False)
    methods: tuple[Method, ...]
    expires_in: int


@dataclass(frozen=True, slots=True)
class SecondStepCommand:
    mfa_token: str = field(repr=False)
    proof: Proof
    user_agent: str | None = None
    ip: str | None = None


def password_stamp(password_hash: str) -> str:
    """What a pending login keeps of the password it checked: enough to see
    that it changed, nothing to attack it with."""
    return hashlib.sha256(password_hash.encode()).hexdigest()


def amr_of(proof: Proof) -> tuple[str, ...]:
    """RFC 8176's methods of a login by password and ``proof``."""
    second = Amr.HARDWARE_KEY if proof.method is Method.WEBAUTHN else Amr.OTP
    return (Amr.PASSWORD.value, second.value)


class _WrongCode(Exception):
    """Raised inside the session's transaction, to roll it back."""


@dataclass(frozen=True, slots=True)
class SecondStep:
    """An ``mfa_token`` is 256 random bits, kept only as a hash, good for one
    login within five minutes and five codes (S49). Each code is counted
    before it is judged, in a transaction of its own, so no number of
    concurrent guesses gets past five; each wrong one also counts on the
    account's login throttle, as a wrong password does."""

    uow: UnitOfWorkFactory
    tokens: RefreshTokens  # the same opaque tokens and hash as the sessions'
    clock: Clock
    codes: SecondFactorCodes
    password_login: PasswordLogin
    account_limit: AttemptLimit
    address_limit: AttemptLimit

    def begin(
        self,
        checked: CheckedPassword,
        remember: bool | None,
        user_agent: str | None,
        ip: str | None,
    ) -> SecondStepRequired:
        """Hold the login of ``checked`` for its second step (``remember`` is
        None for the API, a browser's "remember me" otherwise)."""
        token = self.tokens.generate()
        now = self.clock.now()
        with self.uow() as uow:
            user = self._still_valid(uow, checked)
            methods = self._methods(uow, user)
            uow.pending_logins.add(
                PendingLogin(
                    token_hash=self.tokens.hash(token),
                    user_id=user.id,
                    created_at=now,
                    expires_at=now + MFA_TOKEN_LIFETIME,
                    password_stamp=password_stamp(user.password_hash),
                    remember=remember,
                    user_agent=user_agent,
                    ip=ip,
                )
            )
            uow.commit()
        return SecondStepRequired(token, methods, int(MFA_TOKEN_LIFETIME.total_seconds()))

    def _still_valid(self, uow: UnitOfWork, checked: CheckedPassword) -> User:
        """The account as stored now, its password hash upgraded if due (S7)."""
        current = uow.users.get(checked.user.id)
        if current is None or current.password_hash != checked.user.password_hash:
            raise InvalidCredentials()  # changed while the password was being checked
        if checked.upgraded_hash is not None:
            current.password_hash = checked.upgraded_hash
            uow.users.update(current)
        return current

    @staticmethod
    def _methods(uow: UnitOfWork, user: User) -> tuple[Method, ...]:
        factor = uow.second_factors.totp(user.id)
        methods = (Method.TOTP, Method.RECOVERY_CODE) if factor and factor.confirmed_at else ()
        return methods + ((Method.WEBAUTHN,) if uow.passkeys.of_user(user.id) else ())

    def finish(
        self,
        command: SecondStepCommand,
        for_browser: bool,
        start: Callable[[PendingLogin, tuple[str, ...]], Session],
        finish: Callable[[UnitOfWork, Session, User, datetime], Opened],
    ) -> Opened:
        """Check ``command``'s proof against its pending login and, if good,
        open the session ``start`` makes of it (given the session's ``amr``),
        with what ``finish`` adds, as ``PasswordLogin.open`` opens a session."""
        self.address_limit.check(command.ip, "login")
        token_hash = self.tokens.hash(command.mfa_token)
        with self.uow(read_only=True) as uow:
            pending = uow.pending_logins.get(token_hash)
            user = uow.users.get(pending.user_id) if pending is not None else None
        now = self.clock.now()
        if (
            pending is None
            or user is None
            or pending.for_browser != for_browser
            or not pending.is_usable(now)
        ):
            raise SecondStepExpired()
        self.account_limit.check(user.email.value, "login")
        with self.uow() as uow:  # counted, and committed, before the code is judged
            counted = uow.pending_logins.count_try(token_hash, now)
            uow.commit()
        if not counted:
            raise SecondStepExpired()
        if not user.is_active or password_stamp(user.password_hash) != pending.password_stamp:
            raise SecondStepExpired()

        def proven(uow: UnitOfWork, current: User, opened_at: datetime) -> Opened:
            # In the session's transaction: the code, the token and the session go together.
            if not self.codes.verify(uow, current.id, command.proof):
                raise _WrongCode()
            if not uow.pending_logins.spend(token_hash, opened_at):
                raise SecondStepExpired()  # a concurrent right code won
            return finish(uow, session, current, opened_at)

        session = start(pending, amr_of(command.proof))
        try:
            opened = self.password_login.open(CheckedPassword(user, None), session, proven)
        except _WrongCode:
            by_passkey = command.proof.method is Method.WEBAUTHN
            reason = "wrong_passkey" if by_passkey else "wrong_code"
            record_alone(self.uow, LoginFailed(user_id=user.id, reason=reason))
            raise (SecondStepFailed(PASSKEY_FAILED) if by_passkey else SecondStepFailed()) from None
        self.account_limit.reset(user.email.value)
        return opened
