"""A real SMTP server for the tests: aiosmtpd on a free loopback port, plain,
STARTTLS or implicit TLS, optionally asking for a login, keeping what it is
given; and the certificates (trustme) its TLS modes need."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.support.servers import free_port

USERNAME = "relay"
PASSWORD = "smtp secret of the relay"


@dataclass
class Inbox:
    """What the server received; ``answer`` refuses each message with that reply."""

    messages: list[EmailMessage] = field(default_factory=list)
    answer: str | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.answer is not None:
            return self.answer
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"

    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.messages]


@dataclass(frozen=True)
class Certificates:
    server: ssl.SSLContext
    client: ssl.SSLContext  # trusts the server's certificate, and only it


def certificates() -> Certificates:
    authority = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server)
    client = ssl.create_default_context()
    authority.configure_trust(client)
    return Certificates(server, client)


def _login(_server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USERNAME.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


@contextmanager
def smtp_server(
    mode: str = "plain",
    certs: Certificates | None = None,
    port: int | None = None,
    inbox: Inbox | None = None,
    address: str = "127.0.0.1",
) -> Iterator[tuple[Inbox, int]]:
    """Serve on ``address`` until the block ends. ``mode``: plain, starttls
    (with a login required) or tls (implicit TLS; aiosmtpd offers no login there)."""
    inbox = inbox if inbox is not None else Inbox()
    port = port or free_port()
    options: dict[str, Any] = {}
    if mode == "starttls":
        assert certs is not None
        options = {
            "tls_context": certs.server,
            "require_starttls": True,
            "authenticator": _login,
            "auth_required": True,
        }
    if mode == "tls":
        assert certs is not None
        options = {"ssl_context": certs.server}
    controller = Controller(inbox, hostname=address, port=port, **options)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
