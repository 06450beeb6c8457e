"""An authenticator app (TOTP, S47): turning it on in two steps, and off."""

from __future__ import annotations

from dataclasses import dataclass, field

from application.caller import Caller
from application.mailing import Postman
from application.password_confirmation import PasswordConfirmation
from application.ports import Clock, RandomBytes, SecretBox, UnitOfWorkFactory
from application.retry import retry_on_conflict
from application.second_factor_codes import Proof, SecondFactorCodes, totp_context
from application.second_factors.in_force import settle_second_step
from application.throttling import AttemptLimit
from domain.errors import (
    EmailUnverified,
    InvalidMfaCode,
    SecondFactorAlreadyEnabled,
    SecondFactorNotEnabled,
)
from domain.events import RecoveryCodesMade, SecondFactorDisabled, SecondFactorEnabled
from domain.mail import FactorChange
from domain.second_factors import Method, TotpFactor
from domain.totp import SECRET_BYTES, TotpSecret
from domain.users import User


@dataclass(frozen=True, slots=True)
class TotpEnrolment:
    """A secret not yet confirmed, as an authenticator app takes it."""

    secret: str = field(repr=False)  # base32
    otpauth_uri: str = field(repr=False)


def _enrolment(secret: bytes, user: User, issuer: str) -> TotpEnrolment:
    shown = TotpSecret(secret)
    return TotpEnrolment(shown.base32, shown.otpauth_uri(str(user.email), issuer))


def _require_verified(user: User) -> None:
    # The address is how a person locked out of their second factor gets back in (S50).
    if not user.email_verified:
        raise EmailUnverified()


@dataclass(frozen=True, slots=True)
class StartTotp:
    """Begin turning on an authenticator: a new secret, kept sealed and not in
    force until a first code confirms it (``ConfirmTotp``).

    With ``current_password`` (the API) the password is confirmed now; without
    it (the page that shows the QR code), when the first code is. Asking again
    before confirming gives the enrolment under way: a page reloaded shows
    the same QR code.
    """

    uow: UnitOfWorkFactory
    confirmation: PasswordConfirmation
    secret_box: SecretBox
    random: RandomBytes
    clock: Clock
    service_name: str

    def __call__(
        self, caller: Caller, current_password: str | None = None, ip: str | None = None
    ) -> TotpEnrolment:
        user = caller.user
        _require_verified(user)
        if current_password is not None:
            self.confirmation.confirm(user, current_password, ip, "second_factor")
        context = totp_context(user.id)
        with self.uow() as uow:
            factor = uow.second_factors.totp(user.id)
            if factor is not None and factor.confirmed_at is not None:
                raise SecondFactorAlreadyEnabled()
            if factor is not None and current_password is None:
                secret = self.secret_box.open(factor.sealed_secret, context)
            else:
                secret = self.random(SECRET_BYTES)
                sealed = self.secret_box.seal(secret, context)
                uow.second_factors.put_totp(TotpFactor(user.id, sealed, self.clock.now()))
                uow.commit()
        return _enrolment(secret, user, self.service_name)


@dataclass(frozen=True, slots=True)
class ConfirmTotp:
    """Put an enrolled authenticator in force with its first code: login asks
    for it from now on, and ten recovery codes are made, shown this once (S48)."""

    uow: UnitOfWorkFactory
    confirmation: PasswordConfirmation
    codes: SecondFactorCodes
    clock: Clock
    postman: Postman

    def __call__(
        self,
        caller: Caller,
        code: str,
        current_password: str | None = None,
        ip: str | None = None,
    ) -> list[str]:
        user = caller.user
        _require_verified(user)
        if current_password is not None:
            self.confirmation.confirm(user, current_password, ip, "second_factor")
        return retry_on_conflict(lambda: self._confirm(user, code))

    def _confirm(self, user: User, code: str) -> list[str]:
        with self.uow() as uow:
            factor = uow.second_factors.totp(user.id)
            if factor is None:
                raise InvalidMfaCode("Start again: no authenticator is waiting for its first code.")
            if factor.confirmed_at is not None:
                raise SecondFactorAlreadyEnabled()
            step = self.codes.step_of(factor, code)
            if step is None:
                raise InvalidMfaCode()
            now = self.clock.now()
            factor.confirmed_at = now
            factor.last_used_step = step  # the confirming code is spent (S47)
            uow.second_factors.put_totp(factor)
            recovery_codes = self.codes.new_recovery_codes(uow, user.id)
            current = settle_second_step(uow, user.id, now)
            uow.record(SecondFactorEnabled(user_id=user.id, method=Method.TOTP.value))
            uow.record(RecoveryCodesMade(user_id=user.id))
            self.postman.second_factors_changed(uow, current, FactorChange.TOTP_ENABLED)
            uow.commit()
        return recovery_codes


@dataclass(frozen=True, slots=True)
class DisableTotp:
    """Turn the authenticator off, with the password and a code (a TOTP code
    or a recovery code, S50); the recovery codes go with it.

    Wrong codes count on a throttle of their own, which only a right code
    resets: the password alone (confirmed and reset on every try) must not
    open a way to guess codes."""

    uow: UnitOfWorkFactory
    confirmation: PasswordConfirmation
    codes: SecondFactorCodes
    account_limit: AttemptLimit
    clock: Clock
    postman: Postman

    def __call__(self, caller: Caller, current_password: str, code: str, ip: str | None) -> None:
        user = caller.user
        self.confirmation.confirm(user, current_password, ip, "second_factor")
        code_key = f"second-factor-code:{user.id}"
        self.account_limit.check(code_key, "second_factor_code")
        retry_on_conflict(lambda: self._disable(user, proof_of(code)))
        self.account_limit.reset(code_key)

    def _disable(self, user: User, proof: Proof) -> None:
        with self.uow() as uow:
            factor = uow.second_factors.totp(user.id)
            if factor is None or factor.confirmed_at is None:
                raise SecondFactorNotEnabled()
            if not self.codes.verify(uow, user.id, proof):
                raise InvalidMfaCode()
            uow.second_factors.delete_totp(user.id)
            uow.second_factors.replace_recovery_codes(user.id, [])
            current = settle_second_step(uow, user.id, self.clock.now())
            uow.record(SecondFactorDisabled(user_id=user.id, method=Method.TOTP.value))
            self.postman.second_factors_changed(uow, current, FactorChange.TOTP_DISABLED)
            uow.commit()


def proof_of(code: str) -> Proof:
    """A code as typed: six digits are a TOTP code, anything else a recovery code."""
    compact = code.strip().replace(" ", "")
    method = Method.TOTP if compact.isdigit() and len(compact) <= 8 else Method.RECOVERY_CODE
    return Proof(method, code)
