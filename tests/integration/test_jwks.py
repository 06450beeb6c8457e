"""The JWKS for resource servers: the public keys at /.well-known/jwks.json,
and another service verifying access tokens offline with them
(``examples/resource_server.py``), over a real socket."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest
from flask import Flask

from examples.resource_server import AccessTokenVerifier
from main import create_app
from tests.integration.test_key_rotation import ed25519_files
from tests.support.api import Api, make_settings

JWKS = "/.well-known/jwks.json"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Flask:
    """EdDSA tokens, with a retired key still listed."""
    private, _ = ed25519_files(tmp_path)
    (tmp_path / "old").mkdir()
    _, old_public = ed25519_files(tmp_path / "old")
    settings = make_settings(
        database_url,
        jwt_algorithm="EdDSA",
        jwt_private_key=private.read_text(),
        jwt_previous_public_keys=(old_public.read_text(),),
    )
    return create_app(settings)


def test_the_public_keys_are_published_and_cacheable(api: Api) -> None:
    answer = api.client.get(JWKS)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "public, max-age=300"
    assert "Set-Cookie" not in answer.headers  # a program's path: no browser session
    keys = answer.json["keys"]
    assert [(key["kty"], key["crv"], key["alg"], key["use"]) for key in keys] == [
        ("OKP", "Ed25519", "EdDSA", "sig")
    ] * 2
    assert "d" not in keys[0]  # never the private part
    signed = api.signup()["access_token"]
    assert jwt.get_unverified_header(signed)["kid"] == keys[0]["kid"]


def test_a_resource_server_verifies_tokens_offline(api: Api, base_url: str) -> None:
    tokens = api.signup()
    verifier = AccessTokenVerifier(base_url)
    claims = verifier.claims(tokens["access_token"])
    assert (claims["sub"], claims["amr"]) == (tokens["user"]["id"], ["pwd"])
    with pytest.raises(jwt.InvalidTokenError, match="second factor"):
        verifier.with_second_factor(tokens["access_token"])
    head, body, signature = tokens["access_token"].split(".")
    forged = f"{head}.{body}.{signature[:-4]}AAAA"
    with pytest.raises(jwt.InvalidTokenError):
        verifier.claims(forged)
    with pytest.raises(jwt.InvalidTokenError):
        AccessTokenVerifier(base_url, audience="another service").claims(tokens["access_token"])


def test_an_hs256_secret_is_never_published(database_url: str) -> None:
    answer = create_app(make_settings(database_url)).test_client().get(JWKS)
    assert (answer.status_code, answer.json) == (200, {"keys": []})
