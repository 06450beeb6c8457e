"""Delivering the events a unit of work recorded: the part every adapter shares."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from application.ports import EventPublisher, UnitOfWorkFactory
from domain.events import Event

log = logging.getLogger(__name__)


def publish_committed(listeners: Sequence[EventPublisher], events: Iterable[Event]) -> None:
    """Hand committed events to each listener. The change is already stored,
    so a listener that fails is logged, never turned into the caller's error."""
    for event in events:
        for listener in listeners:
            try:
                listener.publish(event)
            except Exception:
                log.exception("event listener %s failed on %s", type(listener).__name__, event.name)


def record_alone(uow: UnitOfWorkFactory, *events: Event) -> None:
    """Commit ``events`` in a unit of work of their own: facts with no change
    beside them (a failed login, a throttled attempt) are recorded all the same."""
    with uow() as work:
        for event in events:
            work.record(event)
        work.commit()
