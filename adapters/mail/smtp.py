"""Delivery by SMTP on the standard library: plain, STARTTLS or implicit TLS."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from enum import StrEnum
from urllib.parse import unquote, urlsplit

from domain.errors import MailNotDelivered
from domain.mail import OutboxMessage

TIMEOUT_SECONDS = 30.0


class Security(StrEnum):
    PLAIN = "smtp"
    STARTTLS = "smtp+starttls"
    TLS = "smtps"


@dataclass(frozen=True, slots=True)
class SmtpServer:
    security: Security
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # never in a log (S46)

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """``smtp://[user:pass@]host:port``, ``smtp+starttls://...`` or ``smtps://...``."""
        parts = urlsplit(url)
        security = Security(parts.scheme)
        default_port = {Security.PLAIN: 25, Security.STARTTLS: 587, Security.TLS: 465}
        if not parts.hostname:
            raise ValueError("an SMTP URL names its host")
        return cls(
            security,
            parts.hostname,
            parts.port or default_port[security],
            unquote(parts.username) if parts.username else None,
            unquote(parts.password) if parts.password else None,
        )


def build_message(message: OutboxMessage, sender: str, message_id_domain: str) -> EmailMessage:
    """The message's headers come from validated values through the ``email``
    package, which refuses a CR or LF in any of them (S45)."""
    email = EmailMessage(policy=SMTP)
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = f"<{message.id}@{message_id_domain}>"  # the same at every try
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.text)
    if message.html is not None:
        email.add_alternative(message.html, subtype="html")
    return email


class SmtpMailer:
    def __init__(
        self,
        server: SmtpServer,
        sender: str,
        message_id_domain: str,
        timeout: float = TIMEOUT_SECONDS,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self._server = server
        self._sender = sender
        self._domain = message_id_domain
        self._timeout = timeout
        self._tls = tls or ssl.create_default_context()

    def send(self, message: OutboxMessage) -> None:
        email = build_message(message, self._sender, self._domain)
        try:
            with self._connect() as smtp:
                if self._server.security is Security.STARTTLS:
                    smtp.starttls(context=self._tls)
                if self._server.username is not None:
                    smtp.login(self._server.username, self._server.password or "")
                smtp.send_message(email)
        except smtplib.SMTPResponseException as error:
            raise MailNotDelivered(
                f"SMTP {error.smtp_code}: {_text(error.smtp_error)}",
                permanent=500 <= error.smtp_code < 600,
            ) from None
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise MailNotDelivered(
                f"recipient refused: SMTP {codes}", permanent=all(c >= 500 for c in codes)
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            # The class only: a message could quote the server's greeting or our login.
            raise MailNotDelivered(f"{type(error).__name__} talking to the SMTP server") from None

    def _connect(self) -> smtplib.SMTP:
        server = self._server
        if server.security is Security.TLS:
            return smtplib.SMTP_SSL(
                server.host, server.port, timeout=self._timeout, context=self._tls
            )
        return smtplib.SMTP(server.host, server.port, timeout=self._timeout)


def _text(raw: bytes | str) -> str:
    return raw.decode(errors="replace") if isinstance(raw, bytes) else raw
