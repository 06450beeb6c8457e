"""Signing and verification keys for access tokens, each named by a ``kid``.

A key id is a thumbprint of the key (SHA-256 of the HMAC secret or of the
public key's DER form), so rotating is "new key signs, old key stays among the
verification keys until its tokens expire", with no names to manage.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)
from jwt.algorithms import OKPAlgorithm, RSAAlgorithm

ALGORITHMS = ("HS256", "RS256", "EdDSA")
MIN_HMAC_BYTES = 32
MIN_RSA_BITS = 2048


class InvalidKey(ValueError):
    """A key that cannot serve the configured algorithm."""


def _hmac_kid(secret: bytes) -> str:
    return hashlib.sha256(b"hs256:" + secret).hexdigest()[:16]


def _public_kid(public: Any) -> str:
    der = public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()[:16]


@dataclass(frozen=True)
class KeySet:
    """One algorithm; the key that signs; every key that verifies, by kid."""

    algorithm: str
    signing_kid: str
    signing_key: Any = field(repr=False)
    verification_keys: dict[str, Any] = field(repr=False)

    @classmethod
    def hmac(cls, current: bytes, previous: tuple[bytes, ...] = ()) -> KeySet:
        for secret in (current, *previous):
            if len(secret) < MIN_HMAC_BYTES:
                raise InvalidKey(f"an HS256 key has at least {MIN_HMAC_BYTES} bytes")
        keys = {_hmac_kid(secret): secret for secret in (current, *previous)}
        return cls("HS256", _hmac_kid(current), current, keys)

    @classmethod
    def from_pem(
        cls, algorithm: str, private_pem: bytes, previous_public_pems: tuple[bytes, ...] = ()
    ) -> KeySet:
        try:
            private = load_pem_private_key(private_pem, password=None)
            publics = [private.public_key()] + [
                load_pem_public_key(p) for p in previous_public_pems
            ]
        except ValueError as error:
            raise InvalidKey(f"a key is not valid PEM: {error}") from None
        for public in publics:
            _check_public(algorithm, public)
        keys = {_public_kid(public): public for public in publics}
        return cls(algorithm, _public_kid(publics[0]), private, keys)

    def public_jwks(self) -> list[dict[str, str]]:
        """Every verification key as a public JWK (RFC 7517), the signing key
        first: what ``/.well-known/jwks.json`` publishes. HS256 secrets are
        never published: the list is empty."""
        if self.algorithm == "HS256":
            return []
        kids = [
            self.signing_kid,
            *(kid for kid in self.verification_keys if kid != self.signing_kid),
        ]
        return [self._jwk(kid, self.verification_keys[kid]) for kid in kids]

    def _jwk(self, kid: str, public: Any) -> dict[str, str]:
        codec = RSAAlgorithm if self.algorithm == "RS256" else OKPAlgorithm
        jwk: dict[str, str] = codec.to_jwk(public, as_dict=True)
        return jwk | {"kid": kid, "alg": self.algorithm, "use": "sig"}


def _check_public(algorithm: str, public: Any) -> None:
    if algorithm == "RS256":
        if not isinstance(public, rsa.RSAPublicKey) or public.key_size < MIN_RSA_BITS:
            raise InvalidKey(f"RS256 needs RSA keys of at least {MIN_RSA_BITS} bits")
    elif algorithm == "EdDSA":
        if not isinstance(public, ed25519.Ed25519PublicKey):
            raise InvalidKey("EdDSA needs Ed25519 keys")
    else:
        raise InvalidKey(f"PEM keys serve RS256 or EdDSA, not {algorithm}")
