"""Key ids, rotation and the asymmetric algorithms (S15, S18, S19)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from adapters.security.jwt_access_tokens import JwtAccessTokens
from adapters.security.jwt_keys import InvalidKey, KeySet
from adapters.system import SystemClock
from domain.errors import InvalidToken
from tests.unit.test_jwt_access_tokens import raw_token

OLD, NEW = b"o" * 32, b"n" * 32


def codec(keys: KeySet) -> JwtAccessTokens:
    return JwtAccessTokens(
        keys, issuer="i", audience="a", lifetime=timedelta(minutes=5), clock=SystemClock()
    )


def token(keys: KeySet) -> str:
    return codec(keys).issue(uuid.uuid4(), uuid.uuid4(), datetime.now(UTC)).token


@cache
def rsa_pem(bits: int = 2048) -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return _pems(key)


def ed25519_pem() -> tuple[bytes, bytes]:
    return _pems(ed25519.Ed25519PrivateKey.generate())


def _pems(key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> tuple[bytes, bytes]:
    private = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    public = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return private, public


def test_every_token_names_its_key() -> None:
    keys = KeySet.hmac(NEW)
    assert jwt.get_unverified_header(token(keys))["kid"] == keys.signing_kid
    assert KeySet.hmac(NEW).signing_kid == keys.signing_kid  # derived, stable
    assert KeySet.hmac(OLD).signing_kid != keys.signing_kid


def test_rotation_old_keys_verify_until_dropped() -> None:
    before = token(KeySet.hmac(OLD))
    rotated = KeySet.hmac(NEW, previous=(OLD,))
    assert codec(rotated).decode(before)  # live sessions survive the rotation
    after = token(rotated)
    assert jwt.get_unverified_header(after)["kid"] == KeySet.hmac(NEW).signing_kid
    dropped = KeySet.hmac(NEW)
    assert codec(dropped).decode(after)
    with pytest.raises(InvalidToken):
        codec(dropped).decode(before)


@pytest.mark.parametrize("kid", [None, "", "0123456789abcdef", "../../etc/passwd"])
def test_s19_a_missing_or_unknown_kid_is_refused(kid: str | None) -> None:
    claims = jwt.decode(token(KeySet.hmac(NEW)), options={"verify_signature": False})
    headers = {"typ": "at+jwt"} | ({"kid": kid} if kid is not None else {})
    forged = jwt.encode(claims, NEW, algorithm="HS256", headers=headers)
    with pytest.raises(InvalidToken):
        codec(KeySet.hmac(NEW)).decode(forged)


KEY_MAKERS: dict[str, Callable[[], tuple[bytes, bytes]]] = {
    "RS256": lambda: _pems(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    "EdDSA": ed25519_pem,
}


@pytest.mark.parametrize("algorithm", sorted(KEY_MAKERS))
def test_asymmetric_keys_round_trip_and_rotate(algorithm: str) -> None:
    old_private, old_public = KEY_MAKERS[algorithm]()
    new_private, _ = KEY_MAKERS[algorithm]()
    before = token(KeySet.from_pem(algorithm, old_private))
    assert jwt.get_unverified_header(before)["alg"] == algorithm
    rotated = KeySet.from_pem(algorithm, new_private, previous_public_pems=(old_public,))
    assert codec(rotated).decode(before)
    assert codec(rotated).decode(token(rotated))
    with pytest.raises(InvalidToken):
        codec(KeySet.from_pem(algorithm, new_private)).decode(before)


def test_s15_an_hs256_service_refuses_rs256_tokens_and_vice_versa() -> None:
    private, _ = rsa_pem()
    rs_keys = KeySet.from_pem("RS256", private)
    hs_keys = KeySet.hmac(NEW)
    rs_token = token(rs_keys)
    with pytest.raises(InvalidToken):
        codec(hs_keys).decode(rs_token)
    with pytest.raises(InvalidToken):
        codec(rs_keys).decode(token(hs_keys))


def test_s15_the_public_key_used_as_an_hmac_secret_is_refused() -> None:
    """The classic algorithm confusion: an HS256 token signed with the RSA public key."""
    private, public = rsa_pem()
    keys = KeySet.from_pem("RS256", private)
    claims = jwt.decode(token(keys), options={"verify_signature": False})
    header = {"alg": "HS256", "typ": "at+jwt", "kid": keys.signing_kid}
    with pytest.raises(InvalidToken):
        codec(keys).decode(raw_token(header, claims, public))


@pytest.mark.parametrize(
    ("algorithm", "pem", "message"),
    [
        ("RS256", lambda: rsa_pem(1024)[0], "2048"),
        ("RS256", lambda: ed25519_pem()[0], "RSA"),
        ("EdDSA", lambda: rsa_pem()[0], "Ed25519"),
        ("RS256", lambda: b"-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n", "PEM"),
        ("HS256", lambda: rsa_pem()[0], "RS256 or EdDSA"),
    ],
)
def test_s18_keys_that_cannot_serve_the_algorithm_are_refused(
    algorithm: str,
    pem,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    with pytest.raises(InvalidKey, match=message):
        KeySet.from_pem(algorithm, pem())


@pytest.mark.parametrize("algorithm", sorted(KEY_MAKERS))
def test_the_public_keys_are_published_as_jwks_retired_ones_too(algorithm: str) -> None:
    old_private, old_public = KEY_MAKERS[algorithm]()
    new_private, _ = KEY_MAKERS[algorithm]()
    before = token(KeySet.from_pem(algorithm, old_private))
    rotated = KeySet.from_pem(algorithm, new_private, previous_public_pems=(old_public,))
    published = rotated.public_jwks()
    assert [key["kid"] for key in published] == list(rotated.verification_keys)
    assert published[0]["kid"] == rotated.signing_kid
    assert {(key["alg"], key["use"]) for key in published} == {(algorithm, "sig")}
    assert not {"d", "p", "q", "dp", "dq", "qi"} & {name for key in published for name in key}
    keys = jwt.PyJWKSet.from_dict({"keys": published})
    for issued in (before, token(rotated)):
        kid = jwt.get_unverified_header(issued)["kid"]
        key = next(k for k in keys.keys if k.key_id == kid)
        assert jwt.decode(issued, key.key, algorithms=[algorithm], audience="a")["sub"]


def test_an_hs256_secret_is_never_published() -> None:
    assert KeySet.hmac(NEW, (OLD,)).public_jwks() == []
