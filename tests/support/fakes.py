"""Cheap stand-ins for the slow or time-bound ports, for unit tests only."""

from __future__ import annotations

import hmac
import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

from application.ports import AccessClaims, IssuedAccessToken
from domain.errors import InvalidToken, MailNotDelivered
from domain.events import Event
from domain.mail import ComposedMail, Mail, OutboxMessage
from domain.origin import NO_ORIGIN, Origin


class FakeHasher:
    """Reversible and instant; ``needs_rehash`` is true for hashes of an old 'version'."""

    def __init__(self, version: int = 2) -> None:
        self.version = version
        self.dummy_verifications = 0
        self.verifications = 0

    def hash(self, password: str) -> str:
        return f"fake-v{self.version}${password}"

    def verify(self, password_hash: str, password: str) -> bool:
        self.verifications += 1
        _, _, stored = password_hash.partition("$")
        return hmac.compare_digest(stored.encode(), password.encode())

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(f"fake-v{self.version}$")

    def verify_dummy(self, password: str) -> None:
        self.dummy_verifications += 1


class FakeClock:
    """A clock that moves only when a test says so."""

    def __init__(self) -> None:
        self.current = datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)

    def seconds(self) -> float:
        """The clock as seconds, for counters that take a monotonic clock."""
        return self.current.timestamp()


class SequentialIds:
    """Increasing ids, so creation order and id order agree as with UUIDv7."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def new_id(self) -> UUID:
        return UUID(int=(0x0190_0000_0000_7000_8000_0000_0000_0000 + next(self._counter)))


class FakeAccessTokens:
    """Readable tokens with no signature and no wall-clock checks; the JWT
    adapter has tests of its own."""

    def __init__(self, lifetime_seconds: int = 900) -> None:
        self.lifetime_seconds = lifetime_seconds

    def issue(
        self, user_id: UUID, session_id: UUID, now: datetime, amr: Sequence[str] = ("pwd",)
    ) -> IssuedAccessToken:
        """``<user>.<session>.<time>.<amr, joined by +>``."""
        token = f"{user_id}.{session_id}.{now.timestamp()}.{'+'.join(amr)}"
        return IssuedAccessToken(token, self.lifetime_seconds)

    def decode(self, token: str) -> AccessClaims:
        try:
            user_id, session_id, _ = token.split(".", 2)
            return AccessClaims(UUID(user_id), UUID(session_id))
        except ValueError as error:
            raise InvalidToken() from error


class RecordingEvents:
    """Keeps what the core publishes, for tests to read."""

    def __init__(self) -> None:
        self.published: list[Event] = []

    def publish(self, event: Event) -> None:
        self.published.append(event)

    @property
    def names(self) -> list[str]:
        return [event.name for event in self.published]


class PlainComposer:
    """Mail in a few plain words, the link on a line of its own, as the real one."""

    BASE = "http://accounts.test"

    def compose(self, mail: Mail) -> ComposedMail:
        lines = [f"{mail.kind.value} for {mail.name}"]
        if mail.new_email is not None:
            lines.append(f"new address: {mail.new_email}")
        if mail.change is not None:
            lines.append(f"change: {mail.change.value}")
        if mail.sign_in is not None:
            lines.append(f"sign-in: {mail.sign_in.device} from {mail.sign_in.ip}")
        if mail.link is not None:
            lines.append(f"{self.BASE}/{mail.link.purpose.value}/{mail.link.token}")
        return ComposedMail(subject=mail.kind.value, text="\n".join(lines) + "\n")


class RecordingMailer:
    """Keeps what it is handed; ``failing`` makes it refuse, as a server that is down."""

    def __init__(self) -> None:
        self.sent: list[OutboxMessage] = []
        self.failing: MailNotDelivered | None = None

    def send(self, message: OutboxMessage) -> None:
        if self.failing is not None:
            raise self.failing
        self.sent.append(message)


def link_line(text: str) -> str:
    """The one link of a mail's text: the line that is only the link."""
    links = [line.strip() for line in text.splitlines() if line.strip().startswith("http")]
    assert len(links) == 1, text
    return links[0]


def link_in(text: str) -> str:
    """The token of the one link in a mail's text: its last path segment."""
    return link_line(text).rsplit("/", 1)[1]


class SettableOrigin:
    """An ``OriginSource`` whose answer a test sets: where the next change comes from."""

    def __init__(self) -> None:
        self.current = NO_ORIGIN

    def __call__(self) -> Origin:
        return self.current
