"""The relay's work: deliver what the outbox holds, retrying with growing delays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.ports import Clock, Mailer, OutboxSummary, UnitOfWorkFactory
from domain.errors import MailNotDelivered
from domain.events import MailDelivered, MailDeliveryFailed, MailDeliveryRetried
from domain.mail import DeliveryState, OutboxMessage

CLAIM_LEASE = timedelta(minutes=5)  # longer than any send can take (SMTP timeouts are 30 s)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def tried(self) -> int:
        return self.sent + self.retried + self.failed


@dataclass(frozen=True, slots=True)
class MailDelivery:
    """What decides how the relay tries: how many at a time and how long between tries."""

    batch: int
    retry_delays: Sequence[timedelta]


@dataclass(frozen=True, slots=True)
class DeliverPendingMail:
    """One pass of a relay: claim the due messages (each goes to one relay of
    many), hand each to the mailer, store each outcome.

    A relay that dies mid-pass leaves its claimed messages to be claimed
    again when the lease ends; the same ``Message-ID`` goes with every try.
    """

    uow: UnitOfWorkFactory
    mailer: Mailer
    clock: Clock
    delivery: MailDelivery

    def __call__(self) -> DeliveryReport:
        with self.uow() as uow:
            claimed = uow.outbox.claim_due(self.clock.now(), self.delivery.batch, CLAIM_LEASE)
            uow.commit()
        sent = retried = failed = 0
        for message in claimed:
            outcome = self._try(message)
            sent += outcome is DeliveryState.SENT
            failed += outcome is DeliveryState.FAILED
            retried += outcome is DeliveryState.PENDING
        return DeliveryReport(sent, retried, failed)

    def _try(self, message: OutboxMessage) -> DeliveryState:
        try:
            self.mailer.send(message)
        except MailNotDelivered as error:
            message.not_delivered(
                error.reason, self.clock.now(), self.delivery.retry_delays, error.permanent
            )
        else:
            message.delivered(self.clock.now())
        with self.uow() as uow:
            uow.outbox.update(message)
            uow.record(_outcome_event(message))
            uow.commit()
        return message.state


def _outcome_event(
    message: OutboxMessage,
) -> MailDelivered | MailDeliveryRetried | MailDeliveryFailed:
    if message.state is DeliveryState.SENT:
        return MailDelivered(message_id=message.id, kind=message.kind.value)
    if message.state is DeliveryState.FAILED:
        return MailDeliveryFailed(message_id=message.id, kind=message.kind.value)
    return MailDeliveryRetried(message_id=message.id, kind=message.kind.value)


@dataclass(frozen=True, slots=True)
class MailStatus:
    """The outbox at a glance, and the messages that failed for good."""

    uow: UnitOfWorkFactory

    def __call__(self, limit: int = 50) -> tuple[OutboxSummary, list[OutboxMessage]]:
        with self.uow(read_only=True) as uow:
            return uow.outbox.summary(), uow.outbox.newest(limit, DeliveryState.FAILED)


@dataclass(frozen=True, slots=True)
class MailBacklog:
    """What waits in the outbox, for the metrics."""

    uow: UnitOfWorkFactory

    def __call__(self) -> OutboxSummary:
        with self.uow(read_only=True) as uow:
            return uow.outbox.summary()


@dataclass(frozen=True, slots=True)
class ListMail:
    """The newest messages, whatever their state: the development mailbox."""

    uow: UnitOfWorkFactory

    def __call__(self, limit: int = 100) -> list[OutboxMessage]:
        with self.uow(read_only=True) as uow:
            return uow.outbox.newest(limit)


@dataclass(frozen=True, slots=True)
class ShowMail:
    uow: UnitOfWorkFactory

    def __call__(self, message_id: UUID) -> OutboxMessage | None:
        with self.uow(read_only=True) as uow:
            return uow.outbox.get(message_id)
