"""/api/v1/auth: register, log in, refresh, log out, me, change password."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, url_for
from werkzeug import Response

from adapters.http_flask.context import (
    client_info,
    core,
    current_caller,
    json_response,
    no_content,
)
from adapters.http_flask.openapi import Operation, documented
from adapters.http_flask.parsing import has_body, parse_body
from adapters.http_flask.schemas import (
    ChangePasswordRequest,
    EmptyRequest,
    LoginRequest,
    LogoutRequest,
    RefreshRequest,
    RegisterRequest,
    SessionListResponse,
    TokenResponse,
    UserResponse,
)
from adapters.http_flask.second_factor_schemas import LoginSecondStepRequest, SecondStepResponse
from application.accounts.password import ChangePasswordCommand
from application.accounts.register import RegisterCommand
from application.sessions.login import LoginCommand
from application.sessions.refresh import RefreshCommand
from application.sessions.second_step import SecondStepCommand, SecondStepRequired

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")
TAGS = ("auth",)


@bp.post("/register")
@documented(
    Operation(
        "Register an account",
        {201: UserResponse},
        body=RegisterRequest,
        errors=(409, 429),
        tags=TAGS,
        links={
            name: (target, {"user_id": "$response.body#/id"})
            for name, target in [
                ("GetUser", "users_get_user_get"),
                ("UpdateUser", "users_update_user_patch"),
                ("DeleteUser", "users_delete_user_delete"),
            ]
        },
    )
)
def register() -> Response:
    body = parse_body(RegisterRequest)
    _, ip = client_info()
    user = core().accounts.register(RegisterCommand(body.email, body.name, body.password, ip=ip))
    location = url_for("users.get_user", user_id=user.id)
    return json_response(UserResponse.of(user), 201, {"Location": location})


@bp.post("/login")
@documented(
    Operation(
        "Log in: exchange an email and password for tokens (202: a second factor is due)",
        {200: TokenResponse, 202: SecondStepResponse},
        body=LoginRequest,
        errors=(401, 429),
        tags=TAGS,
    )
)
def login() -> Response:
    body = parse_body(LoginRequest)
    user_agent, ip = client_info()
    result = core().sessions.login(LoginCommand(body.email, body.password, user_agent, ip))
    if isinstance(result, SecondStepRequired):
        return json_response(SecondStepResponse.of(result), 202)
    return json_response(TokenResponse.of(result))


@bp.post("/login/mfa")
@documented(
    Operation(
        "Log in, second step: an mfa_token and a TOTP code or a recovery code",
        {200: TokenResponse},
        body=LoginSecondStepRequest,
        errors=(401, 429),
        tags=TAGS,
    )
)
def login_second_step() -> Response:
    body = parse_body(LoginSecondStepRequest)
    user_agent, ip = client_info()
    command = SecondStepCommand(body.mfa_token, body.proof(), user_agent, ip)
    return json_response(TokenResponse.of(core().sessions.login_second_step(command)))


@bp.post("/refresh")
@documented(
    Operation(
        "Exchange a refresh token for a new pair",
        {200: TokenResponse},
        body=RefreshRequest,
        errors=(401, 429),
        tags=TAGS,
    )
)
def refresh() -> Response:
    body = parse_body(RefreshRequest)
    user_agent, ip = client_info()
    tokens = core().sessions.refresh(RefreshCommand(body.refresh_token, user_agent, ip))
    return json_response(TokenResponse.of(tokens))


@bp.post("/logout")
@documented(
    Operation(
        "End this session (and the session of a refresh token of yours)",
        {204: None},
        body=LogoutRequest,
        body_required=False,
        bearer=True,
        tags=TAGS,
    )
)
def logout() -> Response:
    caller = current_caller()
    body = parse_body(LogoutRequest) if has_body() else LogoutRequest()
    core().sessions.logout(caller, body.refresh_token)
    return no_content()


@bp.post("/logout-all")
@documented(
    Operation(
        "End every session of the caller",
        {204: None},
        body=EmptyRequest,
        body_required=False,
        bearer=True,
        tags=TAGS,
    )
)
def logout_all() -> Response:
    caller = current_caller()
    if has_body():
        parse_body(EmptyRequest)
    core().sessions.logout_all(caller)
    return no_content()


@bp.get("/me")
@documented(Operation("The caller's own account", {200: UserResponse}, bearer=True, tags=TAGS))
def me() -> Response:
    return json_response(UserResponse.of(current_caller().user))


@bp.get("/sessions")
@documented(
    Operation(
        "The caller's active sessions",
        {200: SessionListResponse},
        bearer=True,
        tags=TAGS,
        links={
            "RevokeSession": (
                "auth_revoke_session_delete",
                {"session_id": "$response.body#/sessions/0/id"},
            )
        },
    )
)
def list_sessions() -> Response:
    caller = current_caller()
    return json_response(
        SessionListResponse.of(core().sessions.list_sessions(caller), caller.session_id)
    )


@bp.delete("/sessions/<uuid:session_id>")
@documented(
    Operation(
        "End one of the caller's sessions", {204: None}, bearer=True, errors=(404,), tags=TAGS
    )
)
def revoke_session(session_id: UUID) -> Response:
    core().sessions.revoke_session(current_caller(), session_id)
    return no_content()


@bp.post("/password")
@documented(
    Operation(
        "Change the caller's password; other sessions end",
        {204: None},
        body=ChangePasswordRequest,
        bearer=True,
        tags=TAGS,
    )
)
def change_password() -> Response:
    caller = current_caller()
    body = parse_body(ChangePasswordRequest)
    _, ip = client_info()
    core().accounts.change_password(
        caller, ChangePasswordCommand(body.current_password, body.new_password, ip)
    )
    return no_content()
