"""Prometheus metrics. Under gunicorn every worker counts into files in
``PROMETHEUS_MULTIPROC_DIR`` and ``render`` adds them up; in one process
the default registry is used."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import lru_cache

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric

from application.ports import OutboxSummary
from domain import events
from domain.errors import StorageUnavailable

log = logging.getLogger(__name__)

REQUESTS = Counter(
    "accounts_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "accounts_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
LOGINS = Counter("accounts_logins_total", "Login attempts by outcome", ["outcome"])
THROTTLED = Counter(
    "accounts_throttled_total", "Attempts refused by a throttle", ["scope", "action"]
)
SESSIONS_STARTED = Counter("accounts_sessions_started_total", "Sessions started by a login")
SESSIONS_ENDED = Counter("accounts_sessions_ended_total", "Sessions ended, by how", ["how"])
# Counted where they happen: queued by the web workers, the rest by the relay,
# which shares PROMETHEUS_MULTIPROC_DIR when it runs beside them (make run).
MAIL = Counter("accounts_mail_total", "Mail by what became of it", ["outcome", "kind"])

_MAIL_OUTCOMES: dict[type[events.Event], str] = {
    events.MailQueued: "queued",
    events.MailDelivered: "sent",
    events.MailDeliveryRetried: "retried",
    events.MailDeliveryFailed: "failed",
}

_ENDINGS: dict[type[events.Event], str] = {
    events.LoggedOut: "logout",
    events.LoggedOutEverywhere: "logout_all",
    events.SessionRevoked: "revoked",
    events.RefreshReused: "refresh_reused",
}


# A client can send any method; labels take only these, so it cannot grow the series.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@lru_cache(maxsize=512)
def _request_series(method: str, route: str, status: int) -> tuple[Counter, Histogram]:
    """The labelled children, looked up once: ``labels()`` locks and validates."""
    return REQUESTS.labels(method, route, str(status)), LATENCY.labels(method, route)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    count, latency = _request_series(method if method in METHODS else "OTHER", route, status)
    count.inc()
    latency.observe(seconds)


class MetricsEventPublisher:
    """Counts the domain events that operators watch: logins, throttling, sessions."""

    def publish(self, event: events.Event) -> None:
        if isinstance(event, events.LoginSucceeded):
            LOGINS.labels("success").inc()
            SESSIONS_STARTED.inc()
        elif isinstance(event, events.LoginFailed):
            LOGINS.labels(event.reason).inc()
        elif isinstance(event, events.AttemptThrottled):
            THROTTLED.labels(event.scope, event.action).inc()
            if event.action == "login":
                LOGINS.labels("throttled").inc()
        elif type(event) in _ENDINGS:
            SESSIONS_ENDED.labels(_ENDINGS[type(event)]).inc()
        elif isinstance(
            event,
            events.MailQueued
            | events.MailDelivered
            | events.MailDeliveryRetried
            | events.MailDeliveryFailed,
        ):
            MAIL.labels(_MAIL_OUTCOMES[type(event)], event.kind).inc()


class OutboxCollector:
    """The outbox as it stands, read from the database at each scrape: what
    waits, what failed, and how long the oldest unsent message has waited.
    Every process sees the same numbers, wherever the relays run."""

    def __init__(self, backlog: Callable[[], OutboxSummary], now: Callable[[], datetime]) -> None:
        self._backlog = backlog
        self._now = now

    def collect(self) -> Iterator[Metric]:
        try:
            summary = self._backlog()
        except StorageUnavailable:
            log.warning("the outbox could not be read for the metrics")
            return
        oldest = summary.oldest_pending_at
        yield GaugeMetricFamily(
            "accounts_mail_pending", "Messages waiting in the outbox", value=summary.pending
        )
        yield GaugeMetricFamily(
            "accounts_mail_failed", "Messages that failed for good", value=summary.failed
        )
        yield GaugeMetricFamily(
            "accounts_mail_oldest_unsent_age_seconds",
            "How long the oldest waiting message has waited (0: none waits)",
            value=(self._now() - oldest).total_seconds() if oldest else 0.0,
        )


def render(outbox: OutboxCollector | None = None) -> tuple[bytes, str]:
    """The exposition text of every worker's metrics (and the outbox's), and its content type."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    if outbox is not None:
        extra = CollectorRegistry()
        extra.register(outbox)
        text += generate_latest(extra)
    return text, CONTENT_TYPE_LATEST
