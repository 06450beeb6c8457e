"""The WebAuthn ceremonies inside a unit of work: issuing a challenge, and
taking it back with a browser's answer. Shared by the second factors' area
(adding a passkey) and the sessions' (signing in with one), as the codes are."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports import Clock, NewCredential, RandomBytes, UnitOfWork, WebAuthn
from domain.passkeys import (
    CHALLENGE_BYTES,
    CHALLENGE_LIFETIME,
    Ceremony,
    Passkey,
    WebAuthnChallenge,
    challenge_hash,
)


@dataclass(frozen=True, slots=True)
class PasskeyCeremonies:
    webauthn: WebAuthn
    random: RandomBytes
    clock: Clock

    def issue(self, uow: UnitOfWork, ceremony: Ceremony, user_id: UUID | None) -> bytes:
        """A new challenge for ``ceremony``, stored (as a hash) in ``uow``."""
        challenge = self.random(CHALLENGE_BYTES)
        now = self.clock.now()
        uow.passkeys.add_challenge(
            WebAuthnChallenge(
                challenge_hash(challenge), ceremony, user_id, now, now + CHALLENGE_LIFETIME
            )
        )
        return challenge

    def registered(self, uow: UnitOfWork, credential: str, user_id: UUID) -> NewCredential | None:
        """The credential ``user_id`` registered by this answer, if it holds for a
        challenge issued to them; None if not, or if it is registered already."""
        challenge = self._take(uow, credential, Ceremony.REGISTER, user_id)
        if challenge is None:
            return None
        made = self.webauthn.verify_registration(credential, challenge)
        if made is None or uow.passkeys.by_credential_id(made.credential_id) is not None:
            return None
        return made

    def signed(
        self, uow: UnitOfWork, credential: str, ceremony: Ceremony, user_id: UUID | None
    ) -> Passkey | None:
        """The passkey this answer proves, spending its challenge and moving
        its sign count on; None if it proves nothing. ``user_id`` is the
        account it must belong to (a second step's), or None for any."""
        challenge = self._take(uow, credential, ceremony, user_id)
        credential_id = self.webauthn.credential_id_of(credential)
        if challenge is None or credential_id is None:
            return None
        passkey = uow.passkeys.by_credential_id(credential_id)
        if passkey is None or (user_id is not None and passkey.user_id != user_id):
            return None
        # A passkey alone must prove its holder, not only their presence (S51).
        verified = ceremony is Ceremony.SIGN_IN
        count = self.webauthn.verify_login(credential, challenge, passkey, verified)
        now = self.clock.now()
        if count is None or not uow.passkeys.record_use(passkey.id, passkey.sign_count, count, now):
            return None
        passkey.sign_count, passkey.last_used_at = count, now
        return passkey

    def _take(
        self, uow: UnitOfWork, credential: str, ceremony: Ceremony, user_id: UUID | None
    ) -> bytes | None:
        challenge = self.webauthn.challenge_of(credential)
        if challenge is None:
            return None
        stored = uow.passkeys.take_challenge(challenge_hash(challenge), self.clock.now())
        if stored is None or stored.ceremony is not ceremony or stored.user_id != user_id:
            return None
        return challenge
