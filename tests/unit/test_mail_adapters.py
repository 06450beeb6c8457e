"""The mail adapters without a server: the words of each mail, the SMTP URL,
the message built from an outbox row, and the mail settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from adapters.mail.composer import CHANGES, JinjaMailComposer
from adapters.mail.smtp import Security, SmtpServer, build_message
from domain.mail import FactorChange, Link, LinkPurpose, Mail, MailKind, OutboxMessage
from settings import ConfigError, Settings
from tests.support.core import LINK_LIFETIMES

TOKEN = "t" * 43
COMPOSER = JinjaMailComposer("https://id.example/", "Example ID", LINK_LIFETIMES)


@pytest.mark.parametrize(
    ("kind", "purpose", "valid_for"),
    [
        (MailKind.VERIFY_EMAIL, LinkPurpose.VERIFY_EMAIL, "2 days"),
        (MailKind.RESET_PASSWORD, LinkPurpose.RESET_PASSWORD, "30 minutes"),
        (MailKind.CONFIRM_NEW_EMAIL, LinkPurpose.CONFIRM_EMAIL, "1 day"),
        (MailKind.EMAIL_CHANGING, LinkPurpose.UNDO_EMAIL_CHANGE, "7 days"),
    ],
)
def test_a_mail_with_a_link_has_it_on_a_line_of_its_own(
    kind: MailKind, purpose: LinkPurpose, valid_for: str
) -> None:
    mail = Mail(kind, "ada@example.com", "Ada <Lovelace>", Link(purpose, TOKEN), "new@example.com")
    composed = COMPOSER.compose(mail)
    url = f"https://id.example/{purpose.value}/{TOKEN}"
    assert url in composed.text.splitlines()
    assert f"works for {valid_for}" in composed.text
    assert composed.html is not None
    assert f'href="{url}"' in composed.html
    assert "Ada &lt;Lovelace&gt;" in composed.html  # the name is escaped in HTML
    assert "Ada <Lovelace>" in composed.text


@pytest.mark.parametrize(
    ("kind", "page"),
    [(MailKind.PASSWORD_CHANGED, "forgot-password"), (MailKind.NO_ACCOUNT, "sign-up")],
)
def test_a_notice_carries_no_token_only_a_page_to_go_to(kind: MailKind, page: str) -> None:
    composed = COMPOSER.compose(Mail(kind, "ada@example.com", "Ada"))
    assert f"(https://id.example/{page})" in composed.text
    assert not [line for line in composed.text.splitlines() if line.startswith("http")]


def test_the_email_changing_notice_names_the_new_address() -> None:
    link = Link(LinkPurpose.UNDO_EMAIL_CHANGE, TOKEN)
    mail = Mail(MailKind.EMAIL_CHANGING, "ada@example.com", "Ada", link, "new@example.com")
    assert "new@example.com" in COMPOSER.compose(mail).text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example", SmtpServer(Security.PLAIN, "mail.example", 25)),
        (
            "smtp+starttls://u:p%40ss@mail.example",
            SmtpServer(Security.STARTTLS, "mail.example", 587, "u", "p@ss"),
        ),
        ("smtps://mail.example:2465", SmtpServer(Security.TLS, "mail.example", 2465)),
    ],
)
def test_smtp_urls(url: str, expected: SmtpServer) -> None:
    assert SmtpServer.from_url(url) == expected


def test_an_smtp_url_hides_its_password_from_repr() -> None:
    assert "hunter2" not in repr(SmtpServer.from_url("smtps://user:hunter2@mail.example"))


def test_the_built_message_has_both_parts_and_a_stable_message_id() -> None:
    message = OutboxMessage(
        uuid4(),
        MailKind.VERIFY_EMAIL,
        "ada@example.com",
        "Subject",
        "text\n",
        "<p>html</p>",
        datetime(2026, 12, 3, 7, 0, tzinfo=UTC),
    )
    built = build_message(message, "Accounts <no-reply@id.example>", "id.example")
    assert built["Message-ID"] == f"<{message.id}@id.example>"
    assert built["Date"] == "Thu, 03 Dec 2026 07:00:00 +0000"
    assert [part.get_content_type() for part in built.iter_parts()] == ["text/plain", "text/html"]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"public_url": "ftp://id.example"}, "PUBLIC_URL"),
        ({"public_url": "id.example"}, "PUBLIC_URL"),
        ({"mail_url": "sendmail://x"}, "MAIL_URL"),
        ({"email_verification": "sometimes"}, "EMAIL_VERIFICATION"),
        ({"mail_retry_delays": (timedelta(0),)}, "MAIL_RETRY_DELAYS_SECONDS"),
        (
            {"env": "production", "mail_url": "dev://", "mfa_encryption_key": "m" * 32},
            "refused in production",
        ),
    ],
)
def test_mail_settings_are_checked_at_start(overrides: dict[str, object], reason: str) -> None:
    with pytest.raises(ConfigError, match=reason):
        Settings(secret_key="s" * 32, jwt_secret_key="j" * 32, **overrides)  # type: ignore[arg-type]


def test_development_links_follow_host_and_port() -> None:
    settings = Settings.from_env(
        {"SECRET_KEY": "s" * 32, "JWT_SECRET_KEY": "j" * 32, "HOST": "localhost", "PORT": "9000"}
    )
    assert settings.public_url == "http://localhost:9000"
    assert settings.mail_url == "dev://"


@pytest.mark.parametrize("change", list(FactorChange))
def test_every_change_of_second_factors_is_told_in_words(change: FactorChange) -> None:
    mail = Mail(MailKind.SECOND_FACTORS_CHANGED, "ada@example.com", "Ada", change=change)
    composed = COMPOSER.compose(mail)
    assert " ".join(CHANGES[change].split()[:6]) in " ".join(composed.text.split())
    assert "https://id.example/account/security" in composed.text
