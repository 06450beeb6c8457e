"""Request and response models of passkeys (pydantic, at the edge only)."""

from __future__ import annotations

import json
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from adapters.http_flask.schemas import PasswordIn, RequestModel, Timestamp, omitted
from adapters.http_flask.second_factor_schemas import MfaTokenIn
from domain.passkeys import PASSKEY_NAME_MAX, Passkey

CredentialIn = Annotated[
    dict[str, Any],
    Field(
        description="What navigator.credentials.create() or .get() gave, as JSON "
        "(PublicKeyCredential.toJSON(): id, rawId, type, response, ...)"
    ),
]


# The domain trims and judges it (422 naming the rule); this only bounds the input.
PasskeyNameIn = Annotated[
    str,
    Field(min_length=1, max_length=4 * PASSKEY_NAME_MAX, description="How the person knows it"),
]


class PasskeyOptionsRequest(RequestModel):
    current_password: PasswordIn


class AddPasskeyRequest(RequestModel):
    credential: CredentialIn
    name: PasskeyNameIn

    def credential_text(self) -> str:
        return json.dumps(self.credential)


class RenamePasskeyRequest(RequestModel):
    name: PasskeyNameIn


class PasskeyLoginOptionsRequest(RequestModel):
    """Empty for a sign-in by passkey alone; ``mfa_token`` for a login's second step."""

    mfa_token: MfaTokenIn = omitted()


class PasskeyLoginRequest(RequestModel):
    credential: CredentialIn
    mfa_token: MfaTokenIn = omitted()

    def credential_text(self) -> str:
        return json.dumps(self.credential)


class WebAuthnOptionsResponse(BaseModel):
    """WebAuthn options as JSON (PublicKeyCredentialCreationOptionsJSON or
    PublicKeyCredentialRequestOptionsJSON): give them to
    PublicKeyCredential.parseCreationOptionsFromJSON() or
    parseRequestOptionsFromJSON(). The challenge is good once, for 5 minutes."""

    model_config = ConfigDict(extra="allow")

    challenge: str = Field(description="base64url")
    timeout: int = Field(description="Milliseconds")


class PasskeyResponse(BaseModel):
    id: UUID
    name: str
    created_at: Timestamp
    last_used_at: Timestamp | None

    @classmethod
    def of(cls, passkey: Passkey) -> PasskeyResponse:
        return cls(
            id=passkey.id,
            name=passkey.name,
            created_at=passkey.created_at,
            last_used_at=passkey.last_used_at,
        )


class PasskeyListResponse(BaseModel):
    passkeys: list[PasskeyResponse] = Field(description="Oldest first")
