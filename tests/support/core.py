"""The core on in-memory adapters, a fake hasher and a controllable clock."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import partial
from typing import Any

from adapters.persistence.memory import InMemoryDatabase, InMemoryUnitOfWork
from adapters.security.cursors import SignedCursors
from adapters.security.refresh_tokens import OpaqueRefreshTokens
from adapters.security.secret_box import SecretBox
from adapters.security.user_agents import UaParserUserAgents
from adapters.security.webauthn_relying_party import WebAuthnRelyingParty
from adapters.throttle.memory import InMemoryAttemptCounter
from application.accounts import Accounts
from application.accounts.register import RegisterCommand
from application.audit.store import StoreAuditEvents
from application.caller import Caller
from application.core import Core, Ports, build_core
from application.mail import MailFlows
from application.mail.relay import MailDelivery
from application.mailing import LinkLifetimes
from application.ports import EventWriter
from application.sessions import Sessions
from application.sessions.login import LoginCommand
from application.sessions.tokens import SessionLifetimes, TokenPair
from domain.mail import RETRY_DELAYS, OutboxMessage
from domain.passwords import PasswordPolicy
from domain.users import Role, User
from tests.support.fakes import (
    FakeAccessTokens,
    FakeClock,
    FakeHasher,
    PlainComposer,
    RecordingEvents,
    RecordingMailer,
    SequentialIds,
    SettableOrigin,
)

PASSWORD = "correct horse battery staple"
LINK_LIFETIMES = LinkLifetimes(
    verify_email=timedelta(hours=48),
    reset_password=timedelta(minutes=30),
    confirm_email=timedelta(hours=24),
    undo_email_change=timedelta(days=7),
)


@dataclass
class CoreUnderTest:
    core: Core
    ports: Ports
    db: InMemoryDatabase
    hasher: FakeHasher
    clock: FakeClock
    events: RecordingEvents
    mailer: RecordingMailer
    origin: SettableOrigin

    @property
    def accounts(self) -> Accounts:
        return self.core.accounts

    @property
    def sessions(self) -> Sessions:
        return self.core.sessions

    def register(self, email: str = "ada@example.com", role: Role = Role.USER) -> User:
        return self.core.accounts.register(RegisterCommand(email, "Ada Lovelace", PASSWORD, role))

    def login(self, email: str = "ada@example.com", password: str = PASSWORD) -> TokenPair:
        tokens = self.core.sessions.login(LoginCommand(email, password, "pytest", "127.0.0.1"))
        assert isinstance(tokens, TokenPair), tokens
        return tokens

    def caller(self, tokens: TokenPair) -> Caller:
        return self.core.sessions.authenticate(tokens.access_token)

    @property
    def mail(self) -> MailFlows:
        return self.core.mail

    def outbox(self) -> list[OutboxMessage]:
        """Every message written to the outbox, oldest first."""
        return sorted(self.db.outbox.values(), key=lambda message: message.id)

    def deliver(self) -> list[OutboxMessage]:
        """One pass of the relay (reset requests answered, then mail sent);
        what the mailer took in it."""
        before = len(self.mailer.sent)
        self.core.mail.answer_password_resets()
        self.core.mail.deliver_pending_mail()
        return self.mailer.sent[before:]


def mail_ports(
    mailer: RecordingMailer, seconds: Callable[[], float] = time.monotonic
) -> dict[str, Any]:
    """The mail fields of ``Ports``: plain words, a recording mailer, the
    contract's link lifetimes, throttles on the clock ``seconds``."""
    return {
        "verification_attempts": InMemoryAttemptCounter(1, 60, monotonic=seconds),
        "reset_attempts": InMemoryAttemptCounter(3, 3600, monotonic=seconds),
        "composer": PlainComposer(),
        "mailer": mailer,
        "link_lifetimes": LINK_LIFETIMES,
        "delivery": MailDelivery(batch=50, retry_delays=RETRY_DELAYS),
        "email_verification_required": False,
        "cursors": SignedCursors(b"c" * 32),
    }


ORIGIN = "https://id.example"  # the relying party's PUBLIC_URL in the core's tests


def second_factor_ports() -> dict[str, Any]:
    """The second-factor fields of ``Ports``: a fixed key, real randomness."""
    return {
        "secret_box": SecretBox(b"m" * 32),
        "random": os.urandom,
        "service_name": "accounts",
        "webauthn": WebAuthnRelyingParty(ORIGIN, "accounts"),
        "user_agents": UaParserUserAgents(),
    }


def make_core(writers: Sequence[EventWriter] = (), **overrides: Any) -> CoreUnderTest:
    """The core on in-memory adapters; ``overrides`` replace any of its ``Ports``,
    ``writers`` are in-transaction event writers run before the audit store's."""
    db = InMemoryDatabase()
    events = RecordingEvents()
    hasher = FakeHasher()
    clock = FakeClock()
    mailer = RecordingMailer()
    ids = SequentialIds()
    origin = SettableOrigin()
    store = StoreAuditEvents(ids, clock, origin)
    ports = Ports(
        uow=partial(InMemoryUnitOfWork, db, writers=[*writers, store], listeners=[events]),
        hasher=hasher,
        access_tokens=FakeAccessTokens(),
        refresh_tokens=OpaqueRefreshTokens(b"r" * 32),
        clock=clock,
        ids=ids,
        origin=origin,
        policy=PasswordPolicy(),
        lifetimes=SessionLifetimes(refresh_token=timedelta(days=30), session=timedelta(days=90)),
        account_attempts=InMemoryAttemptCounter(limit=10, window_seconds=900),
        address_attempts=InMemoryAttemptCounter(limit=1000, window_seconds=900),
        **mail_ports(mailer, clock.seconds),
        **second_factor_ports(),
    )
    ports = replace(ports, **overrides)
    return CoreUnderTest(build_core(ports), ports, db, hasher, clock, events, mailer, origin)
