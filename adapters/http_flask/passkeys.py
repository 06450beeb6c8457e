"""/api/v1/auth/passkeys: adding, listing, renaming and removing passkeys, and signing
in with one, alone or as a login's second step (S51)."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, request
from werkzeug import Response

from adapters.http_flask.context import client_info, core, current_caller, json_response, no_content
from adapters.http_flask.openapi import Operation, documented
from adapters.http_flask.parsing import parse_body
from adapters.http_flask.passkey_schemas import (
    AddPasskeyRequest,
    PasskeyListResponse,
    PasskeyLoginOptionsRequest,
    PasskeyLoginRequest,
    PasskeyOptionsRequest,
    PasskeyResponse,
    RenamePasskeyRequest,
    WebAuthnOptionsResponse,
)
from adapters.http_flask.schemas import TokenResponse
from application.second_factor_codes import Proof
from application.sessions.passkey_login import PasskeyLoginCommand
from application.sessions.second_step import SecondStepCommand
from domain.second_factors import Method

bp = Blueprint("passkeys", __name__, url_prefix="/api/v1/auth/passkeys")
TAGS = ("passkeys",)


@bp.post("/registration-options")
@documented(
    Operation(
        "Begin adding a passkey (a verified email and the password): creation options",
        {200: WebAuthnOptionsResponse},
        body=PasskeyOptionsRequest,
        bearer=True,
        errors=(403, 429),
        tags=TAGS,
    )
)
def registration_options() -> Response:
    caller = current_caller()
    body = parse_body(PasskeyOptionsRequest)
    _, ip = client_info()
    options = core().second_factors.passkey_options(caller, body.current_password, ip)
    return json_response(WebAuthnOptionsResponse.model_validate(options))


@bp.post("")
@documented(
    Operation(
        "Keep the passkey the browser made; login asks for a second factor from now on",
        {201: PasskeyResponse},
        body=AddPasskeyRequest,
        bearer=True,
        errors=(400, 403),
        tags=TAGS,
    )
)
def add_passkey() -> Response:
    caller = current_caller()
    body = parse_body(AddPasskeyRequest)
    passkey = core().second_factors.add_passkey(caller, body.credential_text(), body.name)
    location = f"{request.path}/{passkey.id}"
    return json_response(PasskeyResponse.of(passkey), 201, {"Location": location})


@bp.get("")
@documented(Operation("The caller's passkeys", {200: PasskeyListResponse}, bearer=True, tags=TAGS))
def list_passkeys() -> Response:
    passkeys = core().second_factors.list_passkeys(current_caller())
    return json_response(PasskeyListResponse(passkeys=[PasskeyResponse.of(p) for p in passkeys]))


@bp.patch("/<uuid:passkey_id>")
@documented(
    Operation(
        "Rename one of the caller's passkeys",
        {200: PasskeyResponse},
        body=RenamePasskeyRequest,
        bearer=True,
        errors=(404,),
        tags=TAGS,
    )
)
def rename_passkey(passkey_id: UUID) -> Response:
    body = parse_body(RenamePasskeyRequest)
    passkey = core().second_factors.rename_passkey(current_caller(), passkey_id, body.name)
    return json_response(PasskeyResponse.of(passkey))


@bp.delete("/<uuid:passkey_id>")
@documented(
    Operation(
        "Remove one of the caller's passkeys; the person is told by mail",
        {204: None},
        bearer=True,
        errors=(404,),
        tags=TAGS,
    )
)
def remove_passkey(passkey_id: UUID) -> Response:
    core().second_factors.remove_passkey(current_caller(), passkey_id)
    return no_content()


@bp.post("/login-options")
@documented(
    Operation(
        "Request options to sign in with a passkey: alone, or with an mfa_token",
        {200: WebAuthnOptionsResponse},
        body=PasskeyLoginOptionsRequest,
        errors=(401,),
        tags=TAGS,
    )
)
def login_options() -> Response:
    body = parse_body(PasskeyLoginOptionsRequest)
    options = core().sessions.passkey_login_options(body.mfa_token)
    return json_response(WebAuthnOptionsResponse.model_validate(options))


@bp.post("/login")
@documented(
    Operation(
        "Log in with a passkey: alone (user verified), or as the second step of a password",
        {200: TokenResponse},
        body=PasskeyLoginRequest,
        errors=(401, 429),
        tags=TAGS,
    )
)
def login() -> Response:
    body = parse_body(PasskeyLoginRequest)
    user_agent, ip = client_info()
    sessions = core().sessions
    if body.mfa_token is None:
        command = PasskeyLoginCommand(body.credential_text(), user_agent, ip)
        return json_response(TokenResponse.of(sessions.passkey_login(command)))
    proof = Proof(Method.WEBAUTHN, body.credential_text())
    second_step = SecondStepCommand(body.mfa_token, proof, user_agent, ip)
    return json_response(TokenResponse.of(sessions.login_second_step(second_step)))
