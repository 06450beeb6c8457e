"""The mail an app wrote (its outbox, which ``MAIL_URL=dev://`` keeps), and
an outbox filled by hand for the relays' tests and benchmark."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from flask import Flask
from sqlalchemy import Engine

from adapters.http_flask.context import EXTENSION
from adapters.persistence.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from application.core import Core
from domain.mail import MailKind, OutboxMessage
from tests.support.fakes import link_in, link_line


def outbox(app: Flask) -> list[OutboxMessage]:
    """Every message, newest first (the reset requests answered first, as
    the relay's pass does)."""
    core: Core = app.extensions[EXTENSION]
    core.mail.answer_password_resets()
    return core.mail.list_mail(1000)


def newest(app: Flask, kind: MailKind, to: str | None = None) -> OutboxMessage:
    return next(m for m in outbox(app) if m.kind is kind and (to is None or m.to == to))


def link(app: Flask, kind: MailKind, to: str | None = None) -> str:
    """The link of the newest mail of ``kind``."""
    return link_line(newest(app, kind, to).text)


def token(app: Flask, kind: MailKind, to: str | None = None) -> str:
    return link_in(newest(app, kind, to).text)


def fill_outbox(engine: Engine, count: int) -> None:
    """``count`` pending messages, written in one transaction."""
    now = datetime.now(UTC)
    with SqlAlchemyUnitOfWork(engine) as uow:
        for n in range(count):
            uow.outbox.add(
                OutboxMessage(
                    uuid4(),
                    MailKind.VERIFY_EMAIL,
                    f"user{n}@example.com",
                    "Verify your email address",
                    f"message {n}\n",
                    None,
                    now,
                )
            )
        uow.commit()
