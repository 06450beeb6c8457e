"""The ``WebAuthn`` port with py_webauthn (the ``webauthn`` package), for the
origin and RP ID of ``PUBLIC_URL`` (S51).

What a browser answers is untrusted input: anything the package cannot
parse or verify is a plain "no" (None), never an error that escapes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import urlsplit

from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import parse_authentication_credential_json, parse_client_data_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from application.ports import NewCredential, WebAuthnOptions
from domain.passkeys import CHALLENGE_LIFETIME, Passkey
from domain.users import User

# What malformed input makes the package (and the CBOR and base64 it reads) raise.
_UNREADABLE = (WebAuthnException, ValueError, TypeError, KeyError, IndexError, AttributeError)
_TIMEOUT_MS = int(CHALLENGE_LIFETIME.total_seconds() * 1000)


class WebAuthnRelyingParty:
    def __init__(self, public_url: str, name: str) -> None:
        parts = urlsplit(public_url)
        self._rp_id = parts.hostname or "localhost"
        self._origin = f"{parts.scheme}://{parts.netloc}"
        self._name = name

    def registration_options(
        self, user: User, challenge: bytes, exclude: Sequence[bytes]
    ) -> WebAuthnOptions:
        options = generate_registration_options(
            rp_id=self._rp_id,
            rp_name=self._name,
            user_id=user.id.bytes,  # the user handle: no address, no name
            user_name=str(user.email),
            user_display_name=user.name or str(user.email),
            challenge=challenge,
            timeout=_TIMEOUT_MS,
            # Discoverable, so that a passkey can sign in without an address typed.
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED,
                user_verification=UserVerificationRequirement.PREFERRED,
            ),
            exclude_credentials=[PublicKeyCredentialDescriptor(id=cid) for cid in exclude],
        )
        return _as_json(options_to_json(options))

    def login_options(
        self, challenge: bytes, allow: Sequence[bytes], user_verification: bool
    ) -> WebAuthnOptions:
        options = generate_authentication_options(
            rp_id=self._rp_id,
            challenge=challenge,
            timeout=_TIMEOUT_MS,
            allow_credentials=[PublicKeyCredentialDescriptor(id=cid) for cid in allow],
            user_verification=(
                UserVerificationRequirement.REQUIRED
                if user_verification
                else UserVerificationRequirement.PREFERRED
            ),
        )
        return _as_json(options_to_json(options))

    def challenge_of(self, credential: str) -> bytes | None:
        try:
            response = json.loads(credential)["response"]
            client_data = parse_client_data_json(_bytes(response["clientDataJSON"]))
        except _UNREADABLE:
            return None
        return client_data.challenge

    def credential_id_of(self, credential: str) -> bytes | None:
        try:
            return parse_authentication_credential_json(credential).raw_id
        except _UNREADABLE:
            return None

    def verify_registration(self, credential: str, challenge: bytes) -> NewCredential | None:
        try:
            verified = verify_registration_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=self._rp_id,
                expected_origin=self._origin,
            )
        except _UNREADABLE:
            return None
        return NewCredential(
            verified.credential_id, verified.credential_public_key, verified.sign_count
        )

    def verify_login(
        self, credential: str, challenge: bytes, passkey: Passkey, user_verification: bool
    ) -> int | None:
        # The package refuses a count that does not move on, unless both are 0
        # (a synced passkey keeps none): a count gone back is a cloned key (S51).
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=self._rp_id,
                expected_origin=self._origin,
                credential_public_key=passkey.public_key,
                credential_current_sign_count=passkey.sign_count,
                require_user_verification=user_verification,
            )
        except _UNREADABLE:
            return None
        return verified.new_sign_count


def _as_json(text: str) -> WebAuthnOptions:
    options: WebAuthnOptions = json.loads(text)
    return options


def _bytes(value: object) -> bytes:
    if not isinstance(value, str):
        raise TypeError("clientDataJSON is not base64url text")
    return base64url_to_bytes(value)
