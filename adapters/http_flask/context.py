"""What a view needs from the current request: the core's use cases, the caller."""

from __future__ import annotations

import json
from typing import cast

from flask import current_app, g, has_request_context, request
from pydantic import BaseModel
from werkzeug import Response

from adapters.http_flask.problems import Problem
from adapters.http_flask.request_id import request_id_of
from application.caller import Caller
from application.core import Core
from domain.origin import NO_ORIGIN, Origin

EXTENSION = "accounts.core"


def core() -> Core:
    return cast(Core, current_app.extensions[EXTENSION])


def current_caller() -> Caller:
    """The caller proved by ``Authorization: Bearer``, the only place a token is read."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Problem(
            401,
            "authentication-required",
            "Authentication required",
            "Send an access token as 'Authorization: Bearer <token>'.",
        )
    return known_caller(core().sessions.authenticate(token))


def known_caller(caller: Caller) -> Caller:
    """Keep the request's authenticated caller: its log line names the account,
    its stored audit events the actor and session."""
    g.caller = caller
    return caller


def request_origin() -> Origin:
    """Where the current change was asked from: the core's ``OriginSource``.
    Empty outside a request (the relay, the command line)."""
    if not has_request_context():
        return NO_ORIGIN
    caller: Caller | None = g.get("caller")
    environ = request.environ  # read as werkzeug's properties would, without building them
    return Origin(
        ip=environ.get("REMOTE_ADDR"),
        user_agent=environ.get("HTTP_USER_AGENT") or None,
        request_id=request_id_of(environ),
        actor_id=caller.user_id if caller else None,
        session_id=caller.session_id if caller else None,
    )


def client_info() -> tuple[str | None, str | None]:
    """The user agent and address recorded on a session."""
    return request.user_agent.string or None, request.remote_addr


def json_response(
    model: BaseModel,
    status: int = 200,
    headers: dict[str, str] | None = None,
    *,
    exclude_unset: bool = False,
) -> Response:
    return current_app.response_class(
        model.model_dump_json(exclude_unset=exclude_unset),
        status=status,
        headers=headers,
        mimetype="application/json",
    )


def json_response_of(data: object) -> Response:
    """A JSON response for plain data (the OpenAPI document)."""
    return current_app.response_class(json.dumps(data, sort_keys=True), mimetype="application/json")


def no_content() -> Response:
    """A 204: no body, so no Content-Type either (werkzeug would say text/html)."""
    response = current_app.response_class(status=204)
    del response.headers["Content-Type"]
    return response
