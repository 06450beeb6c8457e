from __future__ import annotations

from application.ports import EventPublisher
from domain.events import Event


class FanOut:
    """One publisher made of several: the audit log and the metrics both hear every event."""

    def __init__(self, *publishers: EventPublisher) -> None:
        self._publishers = publishers

    def publish(self, event: Event) -> None:
        for publisher in self._publishers:
            publisher.publish(event)
