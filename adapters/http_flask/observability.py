"""One log line per request, request metrics, and the /metrics endpoint."""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable

from flask import Flask, Response, g, request

from adapters.http_flask.problems import Problem

RequestObserver = Callable[[str, str, int, float], None]  # method, route, status, seconds
MetricsRenderer = Callable[[], tuple[bytes, str]]  # body, content type

log = logging.getLogger("accounts.request")


def init_observability(
    app: Flask,
    *,
    observe: RequestObserver | None,
    render_metrics: MetricsRenderer | None,
    metrics_token: str | None,
) -> None:
    @app.before_request
    def start_clock() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        seconds = time.perf_counter() - g.get("started", time.perf_counter())
        # The route template, not the path: ids stay out of labels and logs.
        rule, method, status = request.url_rule, request.method, response.status_code
        route = rule.rule if rule is not None else "unmatched"
        if observe is not None:
            observe(method, route, status, seconds)
        if log.isEnabledFor(logging.INFO):
            log.info(
                "%s %s %s %.1f ms",
                method,
                route,
                status,
                seconds * 1000,
                extra={
                    "fields": {
                        "method": method,
                        "path": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                        "user_id": str(caller.user_id) if (caller := g.get("caller")) else None,
                    }
                },
            )
        return response

    if render_metrics is None:
        return

    @app.get("/metrics")
    def metrics() -> Response:
        if metrics_token is not None and not hmac.compare_digest(
            request.headers.get("Authorization", "").encode(), f"Bearer {metrics_token}".encode()
        ):
            raise Problem(401, "metrics-token", "Metrics token required", "Send the metrics token.")
        body, content_type = render_metrics()
        return Response(body, content_type=content_type)
