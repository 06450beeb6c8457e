"""OpenAPI 3.1 from the code: each view declares its operation, pydantic gives the schemas.

The routes registered in Flask and the pydantic models the views already use
are the single source of truth; nothing here repeats a field or a path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from werkzeug.routing import Rule

from adapters.http_flask.schemas import ProblemDetails

View = TypeVar("View", bound=Callable[..., Any])
Mode = Literal["validation", "serialization"]

PROBLEM = "application/problem+json"
_CONVERTERS = {"uuid": {"type": "string", "format": "uuid"}, "default": {"type": "string"}}
_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    202: "Accepted: the mail is in the outbox, and the relay delivers it; at login, "
    "the password was right and a second factor is due (no tokens yet)",
    204: "No Content",
    400: "The body is not valid JSON, a token was sent in the query string, "
    "a mailed link's token is unknown, expired or spent (invalid-link-token), "
    "or a second factor's code is not right (invalid-mfa-code)",
    401: "Missing, invalid or expired credentials",
    403: "Not allowed for this caller",
    404: "Not found",
    409: "Conflict with the current state",
    413: "The body is larger than the limit",
    415: "The body is not application/json",
    422: "Invalid fields (see errors)",
    429: "Too many attempts (see Retry-After)",
    503: "A dependency (database, throttle store) is unavailable",
}


@dataclass(frozen=True)
class Operation:
    summary: str
    responses: Mapping[int, type[BaseModel] | None]  # None: no body
    body: type[BaseModel] | None = None
    body_required: bool = True
    query: type[BaseModel] | None = None
    bearer: bool = False
    tags: tuple[str, ...] = ()
    description: str = ""
    errors: tuple[int, ...] = field(default=())
    # OpenAPI links from the success response: name -> (operationId, parameters)
    links: Mapping[str, tuple[str, Mapping[str, str]]] = field(default_factory=dict)


def documented(operation: Operation) -> Callable[[View], View]:
    """Attach ``operation`` to a view, for ``openapi_document`` to find."""

    def mark(view: View) -> View:
        view.openapi_operation = operation  # type: ignore[attr-defined]
        return view

    return mark


def openapi_document(app: Flask, *, title: str, version: str) -> dict[str, Any]:
    operations = [
        (rule, method, view.openapi_operation)
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
        if (view := app.view_functions.get(rule.endpoint)) is not None
        and hasattr(view, "openapi_operation")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    ]
    models: list[tuple[type[BaseModel], Mode]] = [(ProblemDetails, "serialization")]
    for _, _, op in operations:
        if op.body is not None:
            models.append((op.body, "validation"))
        models += [(m, "serialization") for m in op.responses.values() if m is not None]
    refs, definitions = models_json_schema(
        list(dict.fromkeys(models)), ref_template="#/components/schemas/{model}"
    )
    paths: dict[str, dict[str, Any]] = {}
    for rule, method, op in operations:
        path, parameters = _path(rule)
        paths.setdefault(path, {})[method.lower()] = _operation(
            op, method, rule.endpoint, parameters, refs
        )
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def _path(rule: Rule) -> tuple[str, list[dict[str, Any]]]:
    """``/users/<uuid:user_id>`` -> ``/users/{user_id}`` and its parameters."""
    parameters = []
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", rule.rule):
        schema = _CONVERTERS.get(converter or "default", _CONVERTERS["default"])
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), parameters


def _operation(
    op: Operation,
    method: str,
    endpoint: str,
    parameters: list[dict[str, Any]],
    refs: Mapping[Any, Any],
) -> dict[str, Any]:
    problem = {PROBLEM: {"schema": refs[(ProblemDetails, "serialization")]}}
    responses: dict[str, Any] = {}
    for status, model in op.responses.items():
        response: dict[str, Any] = {"description": _STATUS_TEXT[status]}
        if op.links and status < 300:
            response["links"] = {
                name: {"operationId": target, "parameters": dict(parameters)}
                for name, (target, parameters) in op.links.items()
            }
        if model is not None:
            response["content"] = {"application/json": {"schema": refs[(model, "serialization")]}}
        responses[str(status)] = response
    errors = set(op.errors) | {400, 503}  # 400: a token in the query string, anywhere
    if op.body is not None:
        errors |= {400, 413, 415, 422}
    if op.query is not None:
        errors.add(422)
    if op.bearer:
        errors.add(401)
    for status in sorted(errors):
        responses[str(status)] = {"description": _STATUS_TEXT[status], "content": problem}
    document: dict[str, Any] = {
        "operationId": f"{endpoint.replace('.', '_')}_{method.lower()}",
        "summary": op.summary,
        "tags": list(op.tags),
        "responses": responses,
    }
    if op.description:
        document["description"] = op.description
    query = _query_parameters(op.query) if op.query is not None else []
    if parameters or query:
        document["parameters"] = parameters + query
    if op.body is not None:
        document["requestBody"] = {
            "required": op.body_required,
            "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
        }
    if op.bearer:
        document["security"] = [{"bearerAuth": []}]
    return document


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema["properties"].items()
    ]
