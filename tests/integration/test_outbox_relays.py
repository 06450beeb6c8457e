"""Relays at once against one outbox, on every backend: each message claimed
by one relay and delivered once, counted by ``Message-ID`` at a real SMTP
server (S46)."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import func, select

from adapters.mail.smtp import SmtpMailer, SmtpServer
from adapters.persistence.sqlalchemy.engine import create_database_engine
from adapters.persistence.sqlalchemy.tables import outbox
from adapters.persistence.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from adapters.system import SystemClock
from application.mail.relay import DeliverPendingMail, MailDelivery
from domain.mail import RETRY_DELAYS, DeliveryState
from tests.support.api import together
from tests.support.mailbox import fill_outbox
from tests.support.servers import BACKENDS, migrated_database
from tests.support.smtp import smtp_server

MESSAGES = 2000


def relay_until_empty(relay: DeliverPendingMail) -> int:
    """Passes of ``relay`` until one finds nothing due; how many it sent."""
    sent = 0
    while (report := relay()).tried:
        sent += report.sent
    return sent


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_relays_deliver_an_outbox_of_2000_exactly_once(backend: str, tmp_path: Path) -> None:
    with migrated_database(backend, tmp_path) as url, smtp_server() as (inbox, port):
        engine = create_database_engine(url)
        fill_outbox(engine, MESSAGES)
        mailer = SmtpMailer(SmtpServer.from_url(f"smtp://127.0.0.1:{port}"), "a@b.test", "b.test")
        relay = DeliverPendingMail(
            partial(SqlAlchemyUnitOfWork, engine),
            mailer,
            SystemClock(),
            MailDelivery(batch=50, retry_delays=RETRY_DELAYS),
        )
        started = time.monotonic()
        sent = together(2, lambda _: relay_until_empty(relay))
        elapsed = time.monotonic() - started
        with engine.connect() as db:
            states = dict(
                db.execute(select(outbox.c.state, func.count()).group_by(outbox.c.state)).all()
            )
        engine.dispose()
    ids = inbox.message_ids()
    assert len(ids) == MESSAGES
    assert len(set(ids)) == MESSAGES  # none twice
    assert sum(sent) == MESSAGES
    assert all(share > 0 for share in sent)  # both relays took a part
    assert states == {DeliveryState.SENT.value: MESSAGES}
    print(f"{backend}: {MESSAGES} messages by two relays in {elapsed:.1f} s")
