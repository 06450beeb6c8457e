"""/api/v1/auth, the mail flows: verify an address, reset a forgotten
password, change the email with a confirmation and an undo (S41-S44)."""

from __future__ import annotations

from flask import Blueprint
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
    AcceptedResponse,
    EmailChangeRequest,
    EmptyRequest,
    LinkTokenRequest,
    PasswordResetConfirmRequest,
    PasswordResetRequest,
    UserResponse,
)
from application.mail.email_change import EmailChangeCommand
from application.mail.reset import PasswordResetCommand

bp = Blueprint("mail", __name__, url_prefix="/api/v1/auth")
TAGS = ("mail",)


def accepted(detail: str) -> Response:
    """202: the mail is in the outbox; the relay delivers it."""
    return json_response(AcceptedResponse(detail=detail), 202)


@bp.post("/email-verification")
@documented(
    Operation(
        "Mail a fresh verification link to the caller's address (one a minute)",
        {202: AcceptedResponse},
        body=EmptyRequest,
        body_required=False,
        bearer=True,
        errors=(409, 429),
        tags=TAGS,
    )
)
def request_verification() -> Response:
    caller = current_caller()
    if has_body():
        parse_body(EmptyRequest)
    core().mail.request_verification(caller)
    return accepted("A verification link is on its way to your address.")


@bp.post("/email-verification/confirm")
@documented(
    Operation(
        "Spend a verification link: the address is proved",
        {200: UserResponse},
        body=LinkTokenRequest,
        errors=(400,),
        tags=TAGS,
    )
)
def confirm_verification() -> Response:
    body = parse_body(LinkTokenRequest)
    return json_response(UserResponse.of(core().mail.confirm_verification(body.token)))


@bp.post("/password-reset")
@documented(
    Operation(
        "Mail a password reset link; the same answer whether or not the account exists",
        {202: AcceptedResponse},
        body=PasswordResetRequest,
        errors=(429,),
        tags=TAGS,
    )
)
def request_password_reset() -> Response:
    body = parse_body(PasswordResetRequest)
    _, ip = client_info()
    core().mail.request_password_reset(PasswordResetCommand(body.email, ip))
    # One answer whether or not the account exists (S42).
    return accepted("If an account has this address, a reset link is on its way to it.")


@bp.post("/password-reset/confirm")
@documented(
    Operation(
        "Set a new password with a reset link; every session ends",
        {204: None},
        body=PasswordResetConfirmRequest,
        errors=(400,),
        tags=TAGS,
    )
)
def confirm_password_reset() -> Response:
    body = parse_body(PasswordResetConfirmRequest)
    core().mail.confirm_password_reset(body.token, body.new_password)
    return no_content()


@bp.post("/email")
@documented(
    Operation(
        "Change the caller's email: a link to the new address, an undo link to the old",
        {202: AcceptedResponse},
        body=EmailChangeRequest,
        bearer=True,
        errors=(409, 429),
        tags=TAGS,
    )
)
def request_email_change() -> Response:
    caller = current_caller()
    body = parse_body(EmailChangeRequest)
    _, ip = client_info()
    core().mail.request_email_change(
        caller, EmailChangeCommand(body.new_email, body.current_password, ip)
    )
    return accepted("A confirmation link is on its way to the new address.")


@bp.post("/email/confirm")
@documented(
    Operation(
        "Spend an email-change link: the new address becomes the account's",
        {200: UserResponse},
        body=LinkTokenRequest,
        errors=(400, 409),
        tags=TAGS,
    )
)
def confirm_email_change() -> Response:
    body = parse_body(LinkTokenRequest)
    return json_response(UserResponse.of(core().mail.confirm_email_change(body.token)))


@bp.post("/email/undo")
@documented(
    Operation(
        "Undo an email change from the old address: every session ends, a reset link follows",
        {200: UserResponse},
        body=LinkTokenRequest,
        errors=(400, 409),
        tags=TAGS,
    )
)
def undo_email_change() -> Response:
    body = parse_body(LinkTokenRequest)
    return json_response(UserResponse.of(core().mail.undo_email_change(body.token)))
