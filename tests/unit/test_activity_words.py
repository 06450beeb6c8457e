"""The activity page's words: each stored event a person can see has a sentence."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from adapters.http_flask.pages.activity import WORDS, device, in_words, sentence
from domain import events
from domain.audit import AuditEvent

# Stored, but never about an account a person can read: a throttled attempt
# names no account, a deleted account reads nothing.
NOT_A_PERSONS = {"attempt_throttled", "user_deleted"}


def event_names() -> set[str]:
    """Every event the domain defines, but what became of a mail (never stored)."""
    return {
        re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()
        for cls in vars(events).values()
        if isinstance(cls, type)
        and issubclass(cls, events.Event)
        and not issubclass(cls, events.MailDeliveryEvent)
        and cls is not events.Event
    }


def test_every_event_a_person_can_see_has_words() -> None:
    assert event_names() - NOT_A_PERSONS == set(WORDS)


@pytest.mark.parametrize(
    ("user_agent", "words"),
    [
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Linux",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
            "Mobile Safari on iOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            "Chrome on Windows",
        ),
        ("curl/8.5.0", "curl"),
        ("pytest", None),
    ],
)
def test_a_user_agent_becomes_a_browser_and_a_system(user_agent: str, words: str | None) -> None:
    assert device(user_agent) == words


ADA = uuid4()


def stored(kind: str, data: dict, actor: UUID = ADA, **origin: str) -> AuditEvent:
    """An event about Ada's account."""
    return AuditEvent(
        uuid4(),
        kind,
        datetime.now(UTC),
        ADA,
        actor,
        None,
        origin.get("ip"),
        origin.get("user_agent"),
        None,
        data,
    )


def test_a_sentence_says_what_from_where_and_by_whom() -> None:
    failed = stored(
        "login_failed", {"reason": "wrong_password"}, ip="203.0.113.9", user_agent="curl/8"
    )
    assert sentence(failed, ADA) == "Failed sign-in: wrong password from curl, 203.0.113.9"
    changed = stored("role_changed", {"role": "admin"}, actor=uuid4())
    assert sentence(changed, ADA) == "Role changed to admin by an administrator"
    notice = stored("mail_queued", {"kind": "password_changed"})
    unknown = stored("login_failed", {"reason": "unknown_email"})
    check = stored("password_check_failed", {"action": "email_change"})
    shown = in_words([notice, unknown, check], ADA)
    assert [a.words for a in shown] == ["Wrong current password given to change the email address"]
