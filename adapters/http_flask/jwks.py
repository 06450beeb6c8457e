"""``GET /.well-known/jwks.json``: the public keys that verify access tokens
(RS256 or EdDSA), so a resource server checks a token offline (RFC 7517).
During a rotation the retired keys stay listed until their tokens expire.
With HS256 the set is empty: a shared secret is never published."""

from __future__ import annotations

from flask import Blueprint, current_app
from pydantic import BaseModel, Field
from werkzeug import Response

from adapters.http_flask.context import json_response_of
from adapters.http_flask.openapi import Operation, documented

bp = Blueprint("jwks", __name__)
JWKS = "accounts.jwks"  # the app's extension: {"keys": [...]}, set by build_app
MAX_AGE_SECONDS = 300  # a new key is published before it signs: caches catch up


class JwksResponse(BaseModel):
    keys: list[dict[str, str]] = Field(
        description="Public JWKs (kty, kid, alg, use, and n, e or crv, x), the signing "
        "key first, then the retired ones whose tokens may still be live"
    )


@bp.get("/.well-known/jwks.json")
@documented(
    Operation(
        "The public keys that verify access tokens (empty with HS256)",
        {200: JwksResponse},
        tags=("auth",),
    )
)
def jwks() -> Response:
    response = json_response_of(current_app.extensions[JWKS])
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE_SECONDS}"
    return response
