"""A passkey authenticator in software, for tests: what a browser and a
security key would answer to WebAuthn options (ES256 keys, "none"
attestation), so the real relying party can be checked end to end."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, AT = 0x01, 0x04, 0x40  # authenticator data flags: present, verified, attested data


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Credential:
    credential_id: bytes
    key: ec.EllipticCurvePrivateKey
    user_handle: bytes
    sign_count: int = 0


@dataclass
class SoftAuthenticator:
    """``origin`` is where the browser says it ran; ``verifies_user`` whether
    it asks for a PIN or a fingerprint; ``counts`` whether it keeps a sign
    count (a synced passkey keeps none)."""

    origin: str
    verifies_user: bool = True
    counts: bool = True
    credentials: dict[bytes, Credential] = field(default_factory=dict)

    @property
    def rp_id_hash(self) -> bytes:
        return hashlib.sha256((urlsplit(self.origin).hostname or "").encode()).digest()

    def _flags(self) -> int:
        return UP | (UV if self.verifies_user else 0)

    def create(
        self, options: Mapping[str, Any], credential_id: bytes | None = None
    ) -> dict[str, Any]:
        """The answer to ``navigator.credentials.create(options)``; a new
        credential, under ``credential_id`` if given."""
        credential_id = credential_id or os.urandom(16)
        key = ec.generate_private_key(ec.SECP256R1())
        numbers = key.public_key().public_numbers()
        cose_key = cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )
        handle = base64.urlsafe_b64decode(options["user"]["id"] + "==")
        self.credentials[credential_id] = Credential(credential_id, key, handle)
        auth_data = (
            self.rp_id_hash
            + bytes([self._flags() | AT])
            + struct.pack(">I", 0)
            + bytes(16)  # aaguid
            + struct.pack(">H", len(credential_id))
            + credential_id
            + cose_key
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"])
        return {
            "id": b64url(credential_id),
            "rawId": b64url(credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
            },
            "clientExtensionResults": {},
        }

    def get(self, options: Mapping[str, Any], count_back: bool = False) -> dict[str, Any]:
        """The answer to ``navigator.credentials.get(options)``, by the first
        credential allowed (or, for a discoverable login, the first made)."""
        allowed = [base64.urlsafe_b64decode(c["id"] + "==") for c in options["allowCredentials"]]
        credential = next(c for cid, c in self.credentials.items() if not allowed or cid in allowed)
        if self.counts:
            credential.sign_count += -1 if count_back else 1
        auth_data = (
            self.rp_id_hash + bytes([self._flags()]) + struct.pack(">I", credential.sign_count)
        )
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = credential.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64url(credential.credential_id),
            "rawId": b64url(credential.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(credential.user_handle),
            },
            "clientExtensionResults": {},
        }

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        ).encode()


def as_text(answer: Mapping[str, Any]) -> str:
    return json.dumps(answer)
