"""Passkeys as second factors, and as a way to sign in alone (S51): adding
one in two steps (options for the browser, then its answer), listing,
renaming and removing them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.caller import Caller
from application.mailing import Postman
from application.passkey_ceremonies import PasskeyCeremonies
from application.password_confirmation import PasswordConfirmation
from application.ports import Clock, IdGenerator, UnitOfWorkFactory, WebAuthn, WebAuthnOptions
from application.retry import retry_on_conflict
from application.second_factors.in_force import settle_second_step
from domain.errors import EmailUnverified, InvalidPasskey, PasskeyNotFound, WrongPassword
from domain.events import PasskeyAdded, PasskeyRemoved, PasskeyRenamed
from domain.mail import FactorChange
from domain.passkeys import Ceremony, Passkey, passkey_name

# A browser signed in this recently proved the password: a page may add a
# passkey without asking for it again (the API always asks).
RECENT_SIGN_IN = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class PasskeyRegistrationOptions:
    """Begin adding a passkey: the options a browser makes it from, with a
    challenge good for five minutes. Needs a verified address and the
    current password (S50), or a sign-in of the last ten minutes."""

    uow: UnitOfWorkFactory
    confirmation: PasswordConfirmation
    ceremonies: PasskeyCeremonies
    webauthn: WebAuthn
    clock: Clock

    def __call__(
        self, caller: Caller, current_password: str | None = None, ip: str | None = None
    ) -> WebAuthnOptions:
        user = caller.user
        if not user.email_verified:
            raise EmailUnverified()
        if current_password is not None:
            self.confirmation.confirm(user, current_password, ip, "second_factor")
        elif self.needs_password(caller):
            raise WrongPassword()
        with self.uow() as uow:
            exclude = [passkey.credential_id for passkey in uow.passkeys.of_user(user.id)]
            challenge = self.ceremonies.issue(uow, Ceremony.REGISTER, user.id)
            uow.commit()
        return self.webauthn.registration_options(user, challenge, exclude)

    def needs_password(self, caller: Caller) -> bool:
        """Whether the caller's sign-in is too old to stand for the password."""
        with self.uow(read_only=True) as uow:
            session = uow.sessions.get(caller.session_id)
        return session is None or session.created_at < self.clock.now() - RECENT_SIGN_IN


@dataclass(frozen=True, slots=True)
class AddPasskey:
    """Keep the passkey a browser made from ``PasskeyRegistrationOptions``:
    login asks for a second factor from now on, and the person is told (S50)."""

    uow: UnitOfWorkFactory
    ceremonies: PasskeyCeremonies
    ids: IdGenerator
    clock: Clock
    postman: Postman

    def __call__(self, caller: Caller, credential: str, name: str) -> Passkey:
        if not caller.user.email_verified:
            raise EmailUnverified()
        return retry_on_conflict(lambda: self._add(caller, credential, passkey_name(name)))

    def _add(self, caller: Caller, credential: str, name: str) -> Passkey:
        with self.uow() as uow:
            made = self.ceremonies.registered(uow, credential, caller.user_id)
            if made is None:
                raise InvalidPasskey()
            now = self.clock.now()
            passkey = Passkey(
                id=self.ids.new_id(),
                user_id=caller.user_id,
                credential_id=made.credential_id,
                public_key=made.public_key,
                sign_count=made.sign_count,
                name=name,
                created_at=now,
            )
            uow.passkeys.add(passkey)
            current = settle_second_step(uow, caller.user_id, now)
            uow.record(
                PasskeyAdded(user_id=caller.user_id, passkey_id=passkey.id, passkey_name=name)
            )
            self.postman.second_factors_changed(uow, current, FactorChange.PASSKEY_ADDED)
            uow.commit()
        return passkey


@dataclass(frozen=True, slots=True)
class ListPasskeys:
    uow: UnitOfWorkFactory

    def __call__(self, caller: Caller) -> list[Passkey]:
        with self.uow(read_only=True) as uow:
            return uow.passkeys.of_user(caller.user_id)


@dataclass(frozen=True, slots=True)
class RenamePasskey:
    uow: UnitOfWorkFactory

    def __call__(self, caller: Caller, passkey_id: UUID, name: str) -> Passkey:
        new_name = passkey_name(name)
        with self.uow() as uow:
            renamed = uow.passkeys.rename(caller.user_id, passkey_id, new_name)
            if renamed is None:
                raise PasskeyNotFound()
            uow.record(
                PasskeyRenamed(user_id=caller.user_id, passkey_id=passkey_id, passkey_name=new_name)
            )
            uow.commit()
        return renamed


@dataclass(frozen=True, slots=True)
class RemovePasskey:
    """Remove one of the caller's passkeys; with the last factor gone, login
    asks for the password alone again. The person is told (S50)."""

    uow: UnitOfWorkFactory
    clock: Clock
    postman: Postman

    def __call__(self, caller: Caller, passkey_id: UUID) -> None:
        retry_on_conflict(lambda: self._remove(caller, passkey_id))

    def _remove(self, caller: Caller, passkey_id: UUID) -> None:
        with self.uow() as uow:
            removed = uow.passkeys.delete(caller.user_id, passkey_id)
            if removed is None:
                raise PasskeyNotFound()
            current = settle_second_step(uow, caller.user_id, self.clock.now())
            uow.record(
                PasskeyRemoved(
                    user_id=caller.user_id, passkey_id=passkey_id, passkey_name=removed.name
                )
            )
            self.postman.second_factors_changed(uow, current, FactorChange.PASSKEY_REMOVED)
            uow.commit()
