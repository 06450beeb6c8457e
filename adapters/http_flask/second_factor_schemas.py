"""Request and response models of second factors (pydantic, at the edge only)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from adapters.http_flask.schemas import PasswordIn, RequestModel, omitted
from application.second_factor_codes import Proof
from application.second_factors.totp import TotpEnrolment
from application.sessions.second_step import SecondStepRequired
from domain.errors import InvalidInput
from domain.second_factors import Method

CodeIn = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        description="The 6 digits the authenticator app shows now (or, to turn it off, "
        "a recovery code)",
    ),
]
RecoveryCodeIn = Annotated[
    str, Field(min_length=1, max_length=64, description="One of the account's recovery codes")
]
MfaTokenIn = Annotated[
    str, Field(min_length=1, max_length=512, description="The mfa_token of the password step")
]


class CurrentPasswordRequest(RequestModel):
    current_password: PasswordIn


class TotpConfirmRequest(RequestModel):
    code: CodeIn


class TotpDisableRequest(RequestModel):
    current_password: PasswordIn
    code: CodeIn


class LoginSecondStepRequest(RequestModel):
    """``code`` or ``recovery_code``, one of them."""

    mfa_token: MfaTokenIn
    code: CodeIn = omitted()
    recovery_code: RecoveryCodeIn = omitted()

    def proof(self) -> Proof:
        if self.code is not None and self.recovery_code is None:
            return Proof(Method.TOTP, self.code)
        if self.recovery_code is not None and self.code is None:
            return Proof(Method.RECOVERY_CODE, self.recovery_code)
        raise InvalidInput("code", "Send a code or a recovery_code: one of them.")


class TotpEnrolmentResponse(BaseModel):
    """Not in force until a first code confirms it (``POST .../totp/confirm``)."""

    secret: str = Field(description="The shared secret, base32, for typing into an app")
    otpauth_uri: str = Field(description="The same as an otpauth:// URI, as QR codes carry it")

    @classmethod
    def of(cls, enrolment: TotpEnrolment) -> TotpEnrolmentResponse:
        return cls(secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri)


class RecoveryCodesResponse(BaseModel):
    recovery_codes: list[str] = Field(description="Shown this once; each works once")


class SecondStepResponse(BaseModel):
    """The password was right; no tokens until ``POST /api/v1/auth/login/mfa``."""

    mfa_required: Literal[True] = True
    mfa_token: str = Field(description="Good for one login, 5 minutes and 5 codes")
    methods: list[Method]
    expires_in: int = Field(description="Seconds the mfa_token lives")

    @classmethod
    def of(cls, required: SecondStepRequired) -> SecondStepResponse:
        return cls(
            mfa_token=required.mfa_token,
            methods=list(required.methods),
            expires_in=required.expires_in,
        )
