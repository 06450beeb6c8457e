"""RFC 9457 problem details: the one place where every error becomes a response."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from adapters.http_flask.request_id import request_id
from adapters.http_flask.routing import is_api_path
from domain.errors import DomainError, InvalidInput, InvalidToken, Throttled

PROBLEM_BASE = "https://accounts.example/problems/"
MEDIA_TYPE = "application/problem+json"
BEARER_CHALLENGE = 'Bearer realm="accounts"'
INVALID_TOKEN_CHALLENGE = 'Bearer realm="accounts", error="invalid_token"'  # noqa: S105

log = logging.getLogger(__name__)

# code -> (status, type slug, title). Invalid input is rendered apart, as 422.
DOMAIN_PROBLEMS: dict[str, tuple[int, str, str]] = {
    "email_taken": (409, "email-taken", "Email already registered"),
    "invalid_credentials": (401, "invalid-credentials", "Invalid credentials"),
    "wrong_password": (401, "wrong-password", "Current password is incorrect"),
    "invalid_token": (401, "invalid-token", "Invalid access token"),
    "invalid_refresh_token": (401, "invalid-refresh-token", "Invalid refresh token"),
    "forbidden": (403, "forbidden", "Forbidden"),
    "user_not_found": (404, "not-found", "Not found"),
    "session_not_found": (404, "not-found", "Not found"),
    "post_not_found": (404, "not-found", "Not found"),
    "last_admin": (409, "last-admin", "Last active admin"),
    "conflict": (409, "conflict", "Conflicting update"),
    "storage_unavailable": (503, "service-unavailable", "Service Unavailable"),
    "throttle_unavailable": (503, "service-unavailable", "Service Unavailable"),
    "throttled": (429, "throttled", "Too Many Requests"),
    "invalid_link_token": (400, "invalid-link-token", "Invalid link"),
    "already_verified": (409, "already-verified", "Email already verified"),
    "email_not_verified": (403, "email-not-verified", "Email not verified"),
    "email_change_needs_confirmation": (
        403,
        "email-change-needs-confirmation",
        "Email change needs confirmation",
    ),
    "invalid_mfa_code": (400, "invalid-mfa-code", "Invalid code"),
    "second_step_failed": (401, "invalid-mfa-code", "Invalid code"),
    "second_factor_already_enabled": (409, "already-enabled", "Second factor already on"),
    "second_factor_not_enabled": (409, "not-enabled", "No second factor"),
    "email_unverified": (403, "email-not-verified", "Email not verified"),
    "invalid_passkey": (400, "invalid-passkey", "Invalid passkey"),
    "passkey_not_found": (404, "not-found", "Not found"),
    "passkey_login_failed": (401, "invalid-credentials", "Invalid credentials"),
}
RETRY_AFTER_SECONDS = "5"

# status, title, detail, headers -> an HTML page: set by the pages, for their paths.
ErrorPage = Callable[[int, str, str, Mapping[str, str]], Response]
ERROR_PAGE = "accounts.error_page"


class InvalidRequest(Exception):
    """A request that failed validation at the edge: rendered as 422 with ``errors``."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("invalid request")
        self.errors = errors


class Problem(Exception):
    """An error that only the HTTP edge knows (a missing bearer token, say)."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        self.headers = dict(headers or {})


def status_slug(status: int) -> str:
    """The problem type of a plain HTTP status: ``404`` -> ``not-found``."""
    return HTTPStatus(status).phrase.lower().replace(" ", "-")


def problem_body(
    status: int, slug: str, title: str, detail: str, request_id: str, **members: Any
) -> dict[str, Any]:
    """An RFC 9457 body; ``members`` adds ``instance`` and extensions."""
    return {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        **members,
        "request_id": request_id,
    }


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> Response:
    """Problem details; on a page's path, when the app serves pages, an HTML error page."""
    error_page: ErrorPage | None = current_app.extensions.get(ERROR_PAGE)
    if error_page is not None and not is_api_path(request.path):
        return error_page(status, title, detail, headers or {})
    body = problem_body(
        status, slug, title, detail, request_id(), instance=request.path, **extensions
    )
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    response.headers.update(headers or {})
    if status == 401 and "WWW-Authenticate" not in response.headers:
        response.headers["WWW-Authenticate"] = BEARER_CHALLENGE
    return response


def validation_problem(errors: list[dict[str, Any]]) -> Response:
    return problem_response(
        422,
        "validation-error",
        "Validation failed",
        "The request has invalid fields.",
        errors=errors,
    )


def _domain_error(error: DomainError) -> Response:
    if isinstance(error, InvalidInput):
        return validation_problem(
            [{"loc": [error.location, error.field], "msg": error.message, "type": error.rule}]
        )
    status, slug, title = DOMAIN_PROBLEMS[error.code]
    headers = {}
    if isinstance(error, InvalidToken):
        headers["WWW-Authenticate"] = INVALID_TOKEN_CHALLENGE
    if isinstance(error, Throttled):
        headers["Retry-After"] = str(error.retry_after)
    elif status == 503:
        headers["Retry-After"] = RETRY_AFTER_SECONDS
    return problem_response(status, slug, title, error.message, headers)


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    return problem_response(
        status, status_slug(status), error.name, error.description or error.name, headers
    )


def _problem(error: Problem) -> Response:
    return problem_response(error.status, error.slug, error.title, error.detail, error.headers)


def _unexpected(_error: Exception) -> Response:
    log.exception("unhandled error")
    return problem_response(
        500, "internal-error", "Internal Server Error", "The server could not complete the request."
    )


def init_problem_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Problem, _problem)
    app.register_error_handler(InvalidRequest, lambda error: validation_problem(error.errors))
    app.register_error_handler(Exception, _unexpected)
