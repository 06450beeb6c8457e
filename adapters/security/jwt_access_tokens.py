"""Access tokens as signed JWTs (RFC 9068 style), checked the RFC 8725 way."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import jwt

from adapters.security.jwt_keys import KeySet
from application.ports import AccessClaims, Clock, IssuedAccessToken
from domain.errors import InvalidToken

TOKEN_TYPE = "at+jwt"  # noqa: S105 (a media type, not a secret)
REQUIRED_CLAIMS = ["sub", "sid", "iat", "nbf", "exp", "iss", "aud", "jti"]
# PyJWT checks the signature, the claims' presence, iss and aud; the times are
# checked here, against the Clock port, so every adapter shares one clock.
_DECODE_OPTIONS: Any = {
    "require": REQUIRED_CLAIMS,
    "strict_aud": True,
    "verify_exp": False,
    "verify_nbf": False,
    "verify_iat": False,
}
MAX_LEEWAY = timedelta(seconds=30)
VERIFIED_CACHE_SIZE = 10_000


def _unverified_kid(token: str) -> object:
    """The header's ``kid``, read only to choose a key; PyJWT then verifies it all.

    Decodes the header segment alone: ``jwt.get_unverified_header`` would
    decode the whole token a first time.
    """
    segment = token.partition(".")[0]
    header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    return header.get("kid") if isinstance(header, dict) else None


class JwtAccessTokens:
    """One algorithm allowed (S15), every claim required (S16), ``typ``
    checked (S17), short keys refused by PyJWT itself (S18). The header's
    ``kid`` only chooses among our own verification keys; key material in a
    header (``jwk``, ``jku``, ``x5u``) is never used (S19)."""

    def __init__(
        self,
        keys: KeySet,
        *,
        issuer: str,
        audience: str,
        lifetime: timedelta,
        clock: Clock,
        leeway: timedelta = timedelta(seconds=10),
    ) -> None:
        if leeway > MAX_LEEWAY:
            raise ValueError("JWT leeway is at most 30 seconds")
        self._jwt = jwt.PyJWT(options={"enforce_minimum_key_length": True})
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._lifetime = int(lifetime.total_seconds())
        self._clock = clock
        self._leeway = leeway.total_seconds()
        self._verified: dict[str, tuple[AccessClaims, int, int]] = {}

    def issue(
        self, user_id: UUID, session_id: UUID, now: datetime, amr: Sequence[str] = ("pwd",)
    ) -> IssuedAccessToken:
        issued_at = int(now.timestamp())
        claims = {
            "sub": str(user_id),
            "sid": str(session_id),
            "amr": list(amr),  # RFC 8176: resource servers may ask for a second factor
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at + self._lifetime,
            "iss": self._issuer,
            "aud": self._audience,
            "jti": secrets.token_urlsafe(16),
        }
        token = self._jwt.encode(
            claims,
            self._keys.signing_key,
            algorithm=self._keys.algorithm,
            headers={"typ": TOKEN_TYPE, "kid": self._keys.signing_kid},
        )
        return IssuedAccessToken(token=token, expires_in=self._lifetime)

    def decode(self, token: str) -> AccessClaims:
        """Verify ``token``; a token verified before only has its times checked again.

        A client sends the same token for its whole lifetime, so the signature
        and claim checks are done once per token and process. Keys change only
        with a restart, which empties the cache; whether the token's session
        and user are still active is the caller's check, on every request.
        Speed: PyJWT parsed every token twice and its key on every decode;
        remembering verified tokens took ``me`` from 477 to 127 us in process
        together with the other changes of that round (docs/performance.md).
        """
        now = self._clock.now().timestamp()
        cached = self._verified.get(token)
        if cached is None:
            cached = self._verify(token)
            if len(self._verified) >= VERIFIED_CACHE_SIZE:
                self._verified.clear()  # bounded: at worst, tokens are verified again
            self._verified[token] = cached
        claims, not_before, expires = cached
        if not not_before - self._leeway <= now < expires + self._leeway:
            self._verified.pop(token, None)  # another thread may have dropped it already
            raise InvalidToken("The access token has expired or is not valid yet.")
        return claims

    def _verify(self, token: str) -> tuple[AccessClaims, int, int]:
        try:
            kid = _unverified_kid(token)
            key = self._keys.verification_keys.get(kid) if isinstance(kid, str) else None
            if key is None:
                raise InvalidToken("The token was not signed by a key of this service.")
            decoded = self._jwt.decode_complete(
                token,
                key,
                algorithms=[self._keys.algorithm],
                issuer=self._issuer,
                audience=self._audience,
                options=_DECODE_OPTIONS,
            )
            if decoded["header"].get("typ") != TOKEN_TYPE:
                raise InvalidToken("The token is not an access token.")
            payload = decoded["payload"]
            times = [payload[name] for name in ("iat", "nbf", "exp")]
            if not all(isinstance(t, int | float) and not isinstance(t, bool) for t in times):
                raise InvalidToken("The token's times are not numbers.")
            claims = AccessClaims(user_id=UUID(payload["sub"]), session_id=UUID(payload["sid"]))
            # Issued in the future is as unusable as not valid yet.
            not_before = max(int(payload["nbf"]), int(payload["iat"]))
            return claims, not_before, int(payload["exp"])
        except (jwt.PyJWTError, ValueError, TypeError, AttributeError) as error:
            raise InvalidToken() from error
