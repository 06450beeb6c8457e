"""/health (the process is up) and /health/ready (its dependencies answer)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import cast

from flask import Blueprint, current_app
from werkzeug import Response

from adapters.http_flask.context import json_response
from adapters.http_flask.openapi import Operation, documented
from adapters.http_flask.problems import problem_response
from adapters.http_flask.schemas import HealthResponse, ReadinessResponse

bp = Blueprint("health", __name__, url_prefix="/health")
TAGS = ("health",)
log = logging.getLogger(__name__)

READINESS_CHECKS = "accounts.readiness_checks"
ReadinessChecks = Mapping[str, Callable[[], object]]


@bp.get("")
@documented(Operation("The process is up", {200: HealthResponse}, tags=TAGS))
def health() -> Response:
    return json_response(HealthResponse())


@bp.get("/ready")
@documented(Operation("Every dependency answers", {200: ReadinessResponse}, tags=TAGS))
def ready() -> Response:
    checks = cast(ReadinessChecks, current_app.extensions[READINESS_CHECKS])
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception:
            log.warning("readiness check %s failed", name, exc_info=True)
            results[name] = "unavailable"
    failing = [name for name, result in results.items() if result != "ok"]
    if failing:
        return problem_response(
            503,
            "not-ready",
            "Service Unavailable",
            f"Failing checks: {', '.join(failing)}.",
            checks=results,
        )
    return json_response(ReadinessResponse(checks=results))
