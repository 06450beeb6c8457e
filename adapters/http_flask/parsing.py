"""Request bodies and query strings in, pydantic models out, or a clear error."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from flask import current_app, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

from adapters.http_flask.problems import InvalidRequest

Model = TypeVar("Model", bound=BaseModel)


class DuplicateKey(ValueError):
    pass


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object with a key twice is ambiguous: parsers disagree on which one
    wins, so a proxy and this service could read two different requests."""
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise DuplicateKey("A JSON object has the same key twice.")
    return dict(pairs)


def _read_body() -> bytes:
    """The raw body, or 400 when its framing is broken (a malformed chunked
    encoding, a body shorter than its Content-Length). The server's exception
    is dropped, not logged: its message may quote body bytes, a password too."""
    try:
        return request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise
    except Exception:  # each server raises its own: gunicorn's ParseException, OSError...
        raise BadRequest("The request body is malformed.") from None


def _errors(error: ValidationError, location: str) -> list[dict[str, Any]]:
    """The errors of a pydantic failure, without the offending input (it may be a password)."""
    return [
        {"loc": [location, *e["loc"]], "msg": e["msg"], "type": e["type"]}
        for e in error.errors(include_url=False, include_input=False, include_context=False)
    ]


def has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")


def parse_body(model: type[Model]) -> Model:
    """413 before anything is read (S30), then 415, then 400, then 422."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    if not request.is_json:
        raise UnsupportedMediaType("The body must be JSON, sent as application/json.")
    data = _read_body()
    if request.content_length is None and len(data) >= limit:
        # Werkzeug cuts a chunked body at the limit instead of refusing it.
        raise RequestEntityTooLarge()
    try:
        json.loads(data, object_pairs_hook=_refuse_duplicates)
    except DuplicateKey as error:
        raise BadRequest(str(error)) from None
    except (ValueError, RecursionError):
        raise BadRequest("The body is not valid JSON.") from None
    try:
        return model.model_validate_json(data)
    except ValidationError as error:
        if any(e["type"] == "json_invalid" for e in error.errors()):
            raise BadRequest("The body is not valid JSON.") from None
        raise InvalidRequest(_errors(error, "body")) from None


def parse_query(model: type[Model]) -> Model:
    """422 for a bad value, and for a parameter the operation does not know:
    a misspelt ``limt`` ignored would look like a working filter."""
    unknown = sorted(set(request.args) - set(model.model_fields))
    if unknown:
        raise InvalidRequest(
            [
                {"loc": ["query", name], "msg": "Unknown parameter", "type": "extra_forbidden"}
                for name in unknown
            ]
        )
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as error:
        raise InvalidRequest(_errors(error, "query")) from None
