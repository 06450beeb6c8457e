"""Checking and making second-factor codes inside a unit of work: shared by
the second factors' own area (turning one off asks for a code) and by the
sessions' (a login's second step, where a passkey's answer is one more
kind of proof), as the password confirmation is."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from application.passkey_ceremonies import PasskeyCeremonies
from application.ports import Clock, RandomBytes, SecretBox, UnitOfWork
from domain.events import RecoveryCodeUsed
from domain.passkeys import Ceremony
from domain.recovery_codes import CODE_BYTES, RECOVERY_CODES, read_recovery_code, recovery_code
from domain.second_factors import Method, RecoveryCode, TotpFactor
from domain.totp import accepted_step


def totp_context(user_id: UUID) -> str:
    """What a sealed TOTP secret is bound to: its account's row (S47)."""
    return f"totp:{user_id}"


def recovery_context(user_id: UUID) -> str:
    return f"recovery-code:{user_id}"


@dataclass(frozen=True, slots=True)
class Proof:
    """What a person gave for a second factor: a TOTP code, a recovery code,
    or a passkey's answer (the browser's credential, as JSON text)."""

    method: Method
    value: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SecondFactorCodes:
    secret_box: SecretBox
    random: RandomBytes
    clock: Clock
    ceremonies: PasskeyCeremonies

    def verify(self, uow: UnitOfWork, user_id: UUID, proof: Proof) -> bool:
        """Whether ``proof`` is good, spending it in ``uow`` if so: a time step
        is used once (S47), a recovery code once (S48), a challenge once (S51)."""
        if proof.method is Method.TOTP:
            return self._use_totp(uow, user_id, proof.value)
        if proof.method is Method.RECOVERY_CODE:
            return self._use_recovery_code(uow, user_id, proof.value)
        signed = self.ceremonies.signed(uow, proof.value, Ceremony.SECOND_STEP, user_id)
        return signed is not None

    def step_of(self, factor: TotpFactor, code: str) -> int | None:
        """The time step ``code`` is good for now on ``factor``; None if none."""
        secret = self.secret_box.open(factor.sealed_secret, totp_context(factor.user_id))
        now = self.clock.now().timestamp()
        return accepted_step(secret, code, now, factor.last_used_step)

    def _use_totp(self, uow: UnitOfWork, user_id: UUID, code: str) -> bool:
        factor = uow.second_factors.totp(user_id)
        if factor is None or factor.confirmed_at is None:
            return False
        step = self.step_of(factor, code)
        # The compare-and-set: of two uses of one code at once, one wins (S47).
        if step is None or not uow.second_factors.use_totp_step(user_id, step):
            return False
        if self.secret_box.needs_reseal(factor.sealed_secret):  # under a retired key
            context = totp_context(user_id)
            secret = self.secret_box.open(factor.sealed_secret, context)
            factor.sealed_secret = self.secret_box.seal(secret, context)
            factor.last_used_step = step
            uow.second_factors.put_totp(factor)
        return True

    def _use_recovery_code(self, uow: UnitOfWork, user_id: UUID, typed: str) -> bool:
        code = read_recovery_code(typed)
        if code is None:
            return False
        now = self.clock.now()
        for digest in self.secret_box.digests(code, recovery_context(user_id)):
            if uow.second_factors.use_recovery_code(user_id, digest, now):
                left = uow.second_factors.unused_recovery_codes(user_id)
                uow.record(RecoveryCodeUsed(user_id=user_id, left=left))
                return True
        return False

    def new_recovery_codes(self, uow: UnitOfWork, user_id: UUID) -> list[str]:
        """A fresh set of codes, stored as digests only; the old set dies (S48).
        The codes themselves are for the person's eyes, this once."""
        codes = [recovery_code(self.random(CODE_BYTES)) for _ in range(RECOVERY_CODES)]
        now = self.clock.now()
        context = recovery_context(user_id)
        uow.second_factors.replace_recovery_codes(
            user_id,
            [
                RecoveryCode(user_id, self.secret_box.digests(code, context)[0], now)
                for code in codes
            ],
        )
        return codes
