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


def outbox(app: Flask) -> list[OutboxMessage]:
    """Every message, newest first (the reset requests answered first, as
    the relay's pass does)."""
    core: Core = app.extensions[EXTENSION]
    core.mail.answer_password_resets()
    return core.mail.list_mail(1000)


def newest(app: Flask, kind: MailKind, to: str | None = None) -> OutboxMessage:
    return next(m for m in outbox(app) if m.kind is kind and (to is None or m.to == to))


def link(app: Flask, kind: MailKind, to: str | None = None) -> str:
    """The newest mail of ``kind``'s link: the line that is only the link."""
    text = newest(app, kind, to).text
    [found] = [line.strip() for line in text.splitlines() if line.strip().startswith("http")]
    return found


def token(app: Flask, kind: MailKind, to: str | None = None) -> str:
    return link(app, kind, to).rsplit("/", 1)[1]


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
