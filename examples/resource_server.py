"""Another service checking this service's access tokens offline, by its JWKS.

    .venv/bin/python -m examples.resource_server https://id.example <access token>

What a resource server needs: the signing keys, fetched from
``/.well-known/jwks.json`` and cached (PyJWKClient keeps them, and fetches
again when a token names a key id it has not seen: a rotation), the issuer
and audience it expects, and the ``amr`` claim when an action needs a second
factor. No call to this service per request. Needs RS256 or EdDSA tokens
(``JWT_ALGORITHM``): an HS256 secret is never published.
"""

from __future__ import annotations

import sys
from typing import Any

import jwt

SECOND_FACTORS = {"otp", "hwk"}  # RFC 8176: a code, or a passkey


class AccessTokenVerifier:
    def __init__(self, base_url: str, issuer: str = "accounts", audience: str = "accounts") -> None:
        self._keys = jwt.PyJWKClient(f"{base_url.rstrip('/')}/.well-known/jwks.json")
        self._issuer, self._audience = issuer, audience

    def claims(self, token: str) -> dict[str, Any]:
        """The token's claims if it is valid now; ``jwt.InvalidTokenError`` if not."""
        key = self._keys.get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256", "EdDSA"],  # never "none", never HS256 with a public key
            issuer=self._issuer,
            audience=self._audience,
            options={"require": ["exp", "iat", "sub", "sid"]},
        )
        return claims

    def with_second_factor(self, token: str) -> dict[str, Any]:
        """As ``claims``, for an action that wants more than a password."""
        claims = self.claims(token)
        if not SECOND_FACTORS & set(claims.get("amr", [])):
            raise jwt.InvalidTokenError("this action needs a sign-in with a second factor")
        return claims


def main() -> None:
    base_url, token = sys.argv[1], sys.argv[2]
    claims = AccessTokenVerifier(base_url).claims(token)
    print(f"user {claims['sub']}, session {claims['sid']}, signed in by {claims.get('amr')}")


if __name__ == "__main__":
    main()
