"""The relay against a real SMTP server (aiosmtpd): delivery, the message's
headers, a link followed in the pages, the three connection modes, and an
outage that loses nothing (S45, S46)."""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from flask import Flask

from adapters.mail.smtp import SmtpMailer, SmtpServer
from domain.errors import MailNotDelivered
from domain.mail import DeliveryState, MailKind, OutboxMessage
from main import create_app
from tests.support.api import Api, make_settings
from tests.support.browser import Browser, csrf_token
from tests.support.mailbox import outbox
from tests.support.servers import free_port
from tests.support.smtp import PASSWORD as SMTP_PASSWORD
from tests.support.smtp import USERNAME, Certificates, certificates, smtp_server

LINK = re.compile(r"^(http://\S+)\r?$", re.M)


@pytest.fixture(scope="module")
def certs() -> Certificates:
    return certificates()


def mail_app(database_url: str, port: int, **settings: object) -> Flask:
    return create_app(
        make_settings(
            database_url,
            mail_url=f"smtp://127.0.0.1:{port}",
            mail_from="Accounts <no-reply@accounts.test>",
            public_url="http://accounts.test",
            **settings,
        )
    )


def relay_once(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["mail", "relay", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def message(to: str = "ada@example.com") -> OutboxMessage:
    return OutboxMessage(
        id=uuid4(),
        kind=MailKind.VERIFY_EMAIL,
        to=to,
        subject="Verify your email address",
        text="Hello\n",
        html="<p>Hello</p>",
        created_at=datetime.now(UTC),
    )


def test_the_relay_delivers_a_mail_whose_link_completes_the_flow(database_url: str) -> None:
    with smtp_server() as (inbox, port):
        app = mail_app(database_url, port)
        api = Api(app.test_client())
        assert api.register().status_code == 201
        assert "sent 1" in relay_once(app)
    [mail] = inbox.messages
    assert mail["From"] == "Accounts <no-reply@accounts.test>"
    assert mail["To"] == "ada@example.com"
    assert mail["Subject"] == "Verify your email address"
    assert re.fullmatch(r"<[0-9a-f-]{36}@accounts\.test>", mail["Message-ID"])
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    [url] = LINK.findall(text)
    assert url.startswith("http://accounts.test/verify-email/")
    assert url in html
    path = url.removeprefix("http://accounts.test")
    browser = Browser(app.test_client())
    page = browser.get(path)  # opening the link spends nothing (S41)
    assert page.status_code == 200
    assert "Verify email" in page.text
    assert outbox(app)[0].state is DeliveryState.SENT
    done = browser.client.post(
        path, data={"csrf_token": csrf_token(page)}, headers={"Origin": "http://localhost"}
    )
    assert done.status_code == 303
    assert api.tokens()["user"]["email_verified"] is True


def test_s46_an_outage_loses_nothing_and_delivery_resumes(database_url: str) -> None:
    port = free_port()
    app = mail_app(database_url, port, mail_retry_delays=(timedelta(seconds=1),) * 3)
    api = Api(app.test_client())
    assert api.register().status_code == 201  # the server is down: the request answers
    assert "to retry 1" in relay_once(app)
    [pending] = outbox(app)
    assert pending.state is DeliveryState.PENDING
    assert pending.last_error == "ConnectionRefusedError talking to the SMTP server"
    with smtp_server(port=port) as (inbox, _):
        inbox.answer = "451 4.3.0 Try again later"
        wait_until_due(app)
        assert "to retry 1" in relay_once(app)
        assert outbox(app)[0].last_error == "SMTP 451: 4.3.0 Try again later"
        inbox.answer = None
        wait_until_due(app)
        assert "sent 1" in relay_once(app)
    assert len(inbox.messages) == 1
    assert outbox(app)[0].attempts == 3


def test_s46_a_permanent_refusal_fails_at_once_and_mail_status_lists_it(
    database_url: str,
) -> None:
    with smtp_server() as (inbox, port):
        inbox.answer = "550 5.1.1 No such user"
        app = mail_app(database_url, port)
        Api(app.test_client()).register()
        assert "failed 1" in relay_once(app)
    status = app.test_cli_runner().invoke(args=["mail", "status"])
    assert "pending 0 (oldest -), failed 1" in status.output
    assert "verify_email to ada@example.com, 1 tries, last: SMTP 550: 5.1.1 No such user" in (
        status.output
    )


def test_the_message_id_is_the_same_at_every_try(database_url: str) -> None:
    mail = message()
    with smtp_server() as (inbox, port):
        mailer = SmtpMailer(SmtpServer.from_url(f"smtp://127.0.0.1:{port}"), "a@b.test", "b.test")
        mailer.send(mail)
        mailer.send(mail)
    assert inbox.message_ids() == [f"<{mail.id}@b.test>"] * 2


def test_starttls_with_a_login(certs: Certificates, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    url = f"smtp+starttls://{USERNAME}:{SMTP_PASSWORD.replace(' ', '%20')}@127.0.0.1:{{}}"
    with smtp_server("starttls", certs) as (inbox, port):
        server = SmtpServer.from_url(url.format(port))
        SmtpMailer(server, "a@b.test", "b.test", tls=certs.client).send(message())
        wrong = SmtpServer.from_url(url.format(port).replace("secret", "guess"))
        with pytest.raises(MailNotDelivered) as refused:
            SmtpMailer(wrong, "a@b.test", "b.test", tls=certs.client).send(message())
    assert len(inbox.messages) == 1
    assert refused.value.reason.startswith("SMTP 535")
    assert SMTP_PASSWORD not in repr(server)  # S46: credentials stay out of reprs and logs
    assert SMTP_PASSWORD not in caplog.text


def test_starttls_refuses_a_server_it_does_not_trust(certs: Certificates) -> None:
    with smtp_server("starttls", certs) as (inbox, port):
        server = SmtpServer.from_url(f"smtp+starttls://127.0.0.1:{port}")
        with pytest.raises(MailNotDelivered, match="SSLCertVerificationError"):
            SmtpMailer(server, "a@b.test", "b.test").send(message())
    assert inbox.messages == []


def test_implicit_tls(certs: Certificates) -> None:
    with smtp_server("tls", certs) as (inbox, port):
        server = SmtpServer.from_url(f"smtps://127.0.0.1:{port}")
        SmtpMailer(server, "a@b.test", "b.test", tls=certs.client).send(message())
        with pytest.raises(MailNotDelivered, match="SSLCertVerificationError"):
            SmtpMailer(server, "a@b.test", "b.test").send(message())
    assert len(inbox.messages) == 1


def test_s45_no_header_takes_a_line_break() -> None:
    with smtp_server() as (inbox, port):
        mailer = SmtpMailer(SmtpServer.from_url(f"smtp://127.0.0.1:{port}"), "a@b.test", "b.test")
        with pytest.raises(ValueError, match="linefeed"):
            mailer.send(message(to="ada@example.com\r\nBcc: eve@example.com"))
    assert inbox.messages == []


def wait_until_due(app: Flask) -> None:
    """Sleep until the pending message's next try is due."""
    [pending] = outbox(app)
    assert pending.next_attempt_at is not None
    time.sleep(max(0.0, (pending.next_attempt_at - datetime.now(UTC)).total_seconds()) + 0.05)
