"""``MAIL_URL=dev://``: nothing leaves the machine. The outbox is the mailbox:
the relay marks each message delivered, and ``/dev/mail`` shows them all."""

from __future__ import annotations

import logging

from domain.mail import OutboxMessage

log = logging.getLogger(__name__)


class DevMailbox:
    def send(self, message: OutboxMessage) -> None:
        # The subject and kind only: the body holds a live link.
        log.info("development mailbox: %s to %s", message.kind.value, message.to)
