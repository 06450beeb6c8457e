from __future__ import annotations

import logging
from dataclasses import asdict

from domain.events import Event

AUDIT_LOGGER = "accounts.audit"


class LoggingEventPublisher:
    """Each domain event becomes one record of the ``accounts.audit`` logger.

    Events hold ids and reasons, never secrets; the request id and client
    address are added by whatever filter the composition root installs.
    """

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._log = logger or logging.getLogger(AUDIT_LOGGER)

    def publish(self, event: Event) -> None:
        self._log.info(event.name, extra={"fields": {"event": event.name, **asdict(event)}})
