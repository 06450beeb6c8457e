"""/api/v1/auth/mfa: an authenticator app and its recovery codes; an admin's
reset of an account's second factors. (The login's second step is in auth.py.)"""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint
from werkzeug import Response

from adapters.http_flask.context import client_info, core, current_caller, json_response, no_content
from adapters.http_flask.openapi import Operation, documented
from adapters.http_flask.parsing import parse_body
from adapters.http_flask.second_factor_schemas import (
    CurrentPasswordRequest,
    RecoveryCodesResponse,
    TotpConfirmRequest,
    TotpDisableRequest,
    TotpEnrolmentResponse,
)

bp = Blueprint("second_factors", __name__, url_prefix="/api/v1")
TAGS = ("second factors",)


@bp.post("/auth/mfa/totp")
@documented(
    Operation(
        "Start turning on an authenticator app (a verified email and the password)",
        {201: TotpEnrolmentResponse},
        body=CurrentPasswordRequest,
        bearer=True,
        errors=(403, 409, 429),
        tags=TAGS,
    )
)
def start_totp() -> Response:
    caller = current_caller()
    body = parse_body(CurrentPasswordRequest)
    _, ip = client_info()
    enrolment = core().second_factors.start_totp(caller, body.current_password, ip)
    return json_response(TotpEnrolmentResponse.of(enrolment), 201)


@bp.post("/auth/mfa/totp/confirm")
@documented(
    Operation(
        "Put the authenticator in force with its first code; the recovery codes, once",
        {200: RecoveryCodesResponse},
        body=TotpConfirmRequest,
        bearer=True,
        errors=(400, 403, 409),
        tags=TAGS,
    )
)
def confirm_totp() -> Response:
    caller = current_caller()
    body = parse_body(TotpConfirmRequest)
    codes = core().second_factors.confirm_totp(caller, body.code)
    return json_response(RecoveryCodesResponse(recovery_codes=codes))


@bp.delete("/auth/mfa/totp")
@documented(
    Operation(
        "Turn the authenticator off (the password and a code)",
        {204: None},
        body=TotpDisableRequest,
        bearer=True,
        errors=(400, 409, 429),
        tags=TAGS,
    )
)
def disable_totp() -> Response:
    caller = current_caller()
    body = parse_body(TotpDisableRequest)
    _, ip = client_info()
    core().second_factors.disable_totp(caller, body.current_password, body.code, ip)
    return no_content()


@bp.post("/auth/mfa/recovery-codes")
@documented(
    Operation(
        "Make new recovery codes; the old ones stop working",
        {200: RecoveryCodesResponse},
        body=CurrentPasswordRequest,
        bearer=True,
        errors=(409, 429),
        tags=TAGS,
    )
)
def renew_recovery_codes() -> Response:
    caller = current_caller()
    body = parse_body(CurrentPasswordRequest)
    _, ip = client_info()
    codes = core().second_factors.renew_recovery_codes(caller, body.current_password, ip)
    return json_response(RecoveryCodesResponse(recovery_codes=codes))


@bp.delete("/users/<uuid:user_id>/mfa")
@documented(
    Operation(
        "Remove an account's second factors (admin); the person is told by mail",
        {204: None},
        bearer=True,
        errors=(403, 404),
        tags=TAGS,
    )
)
def reset_second_factors(user_id: UUID) -> Response:
    core().second_factors.reset(current_caller(), user_id)
    return no_content()
