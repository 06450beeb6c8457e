"""Rotating the signing key under live sessions, and asymmetric keys from the environment."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from adapters.security.jwt_keys import KeySet
from main import access_token_keys, create_app, load_settings
from settings import ConfigError, Settings
from tests.support.api import PRODUCTION_REQUIRED, Api, assert_problem, make_settings

OLD, NEW = "o" * 40, "n" * 40


def test_rotating_the_key_logs_nobody_out(database_url: str) -> None:
    before = Api(create_app(make_settings(database_url, jwt_secret_key=OLD)).test_client())
    live = before.signup()

    during = Api(
        create_app(
            make_settings(database_url, jwt_secret_key=NEW, jwt_previous_secret_keys=(OLD,))
        ).test_client()
    )
    assert during.call("GET", "/api/v1/auth/me", live).status_code == 200
    fresh = during.tokens()
    old_kid = jwt.get_unverified_header(live["access_token"])["kid"]
    new_kid = jwt.get_unverified_header(fresh["access_token"])["kid"]
    assert old_kid != new_kid
    # a refresh token outlives the key: the session goes on with a new-key token
    renewed = during.client.post(
        "/api/v1/auth/refresh", json={"refresh_token": live["refresh_token"]}
    ).json
    assert renewed is not None
    assert jwt.get_unverified_header(renewed["access_token"])["kid"] == new_kid

    after = Api(create_app(make_settings(database_url, jwt_secret_key=NEW)).test_client())
    assert_problem(after.call("GET", "/api/v1/auth/me", live), 401)  # its key has retired
    assert after.call("GET", "/api/v1/auth/me", renewed).status_code == 200


def ed25519_files(folder: Path) -> tuple[Path, Path]:
    key = ed25519.Ed25519PrivateKey.generate()
    private, public = folder / "signing.pem", folder / "previous.pem"
    private.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    public.write_bytes(
        key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    return private, public


def test_eddsa_keys_from_pem_files(database_url: str, tmp_path: Path) -> None:
    private, _ = ed25519_files(tmp_path)
    settings = Settings.from_env(
        {
            "APP_ENV": "production",
            "SECRET_KEY": "s" * 32,
            "JWT_ALGORITHM": "EdDSA",
            "JWT_PRIVATE_KEY_FILE": str(private),
            "DATABASE_URL": database_url,
            **PRODUCTION_REQUIRED,
        }
    )
    api = Api(create_app(settings).test_client())
    tokens = api.signup()
    assert jwt.get_unverified_header(tokens["access_token"])["alg"] == "EdDSA"
    assert api.call("GET", "/api/v1/auth/me", tokens).status_code == 200


def test_a_private_key_from_the_environment_and_previous_keys_from_files(tmp_path: Path) -> None:
    old_private, old_public = ed25519_files(tmp_path)
    new_folder = tmp_path / "new"
    new_folder.mkdir()
    new_private, _ = ed25519_files(new_folder)
    settings = Settings.from_env(
        {
            "SECRET_KEY": "s" * 32,
            "JWT_SECRET_KEY": "j" * 32,
            "JWT_ALGORITHM": "EdDSA",
            "JWT_PRIVATE_KEY": new_private.read_text(),
            "JWT_PREVIOUS_PUBLIC_KEY_FILES": str(old_public),
        }
    )
    keys = access_token_keys(settings)
    old_kid = KeySet.from_pem("EdDSA", old_private.read_bytes()).signing_kid
    assert keys.signing_kid != old_kid
    assert set(keys.verification_keys) == {keys.signing_kid, old_kid}


@pytest.mark.parametrize(
    ("environ", "reason"),
    [
        ({"JWT_ALGORITHM": "RS256"}, "JWT_PRIVATE_KEY"),
        ({"JWT_ALGORITHM": "none"}, "JWT_ALGORITHM"),
        ({"JWT_ALGORITHM": "EdDSA", "JWT_PRIVATE_KEY_FILE": "/nonexistent.pem"}, "cannot read"),
        ({"JWT_ALGORITHM": "EdDSA", "JWT_PRIVATE_KEY": "not a pem"}, "PEM"),
        ({"JWT_SECRET_KEY": "j" * 32, "JWT_PREVIOUS_SECRET_KEYS": "short"}, "32 bytes"),
    ],
)
def test_s18_bad_key_settings_refuse_to_start(environ: dict[str, str], reason: str) -> None:
    with pytest.raises(ConfigError, match=reason):
        load_settings(
            {"APP_ENV": "production", "SECRET_KEY": "s" * 32, **PRODUCTION_REQUIRED, **environ}
        )
