"""Reading the mail an app wrote: its outbox, which ``MAIL_URL=dev://`` keeps."""

from __future__ import annotations

from flask import Flask

from adapters.http_flask.context import EXTENSION
from application.core import Core
from domain.mail import MailKind, OutboxMessage


def outbox(app: Flask) -> list[OutboxMessage]:
    """Every message, newest first."""
    core: Core = app.extensions[EXTENSION]
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
