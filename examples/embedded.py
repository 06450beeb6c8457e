"""The core without a web framework: register, log in and list sessions in one process.

    .venv/bin/python -m examples.embedded

The same use cases the Flask adapter drives, wired here with the in-memory
storage and attempt counters, argon2 at its cheapest and HS256 tokens: what a
command-line tool, a test or another framework would do to embed the service.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import partial

from adapters.mail.composer import JinjaMailComposer
from adapters.mail.dev_mailbox import DevMailbox
from adapters.persistence.memory import InMemoryDatabase, InMemoryUnitOfWork
from adapters.security.argon2_hasher import PROFILES, Argon2Hasher
from adapters.security.cursors import SignedCursors
from adapters.security.jwt_access_tokens import JwtAccessTokens
from adapters.security.jwt_keys import KeySet
from adapters.security.refresh_tokens import OpaqueRefreshTokens
from adapters.security.secret_box import SecretBox
from adapters.security.user_agents import UaParserUserAgents
from adapters.security.webauthn_relying_party import WebAuthnRelyingParty
from adapters.system import SystemClock, UuidV7Generator
from adapters.throttle.memory import InMemoryAttemptCounter
from application.accounts.register import RegisterCommand
from application.audit.store import StoreAuditEvents
from application.core import Core, Ports, build_core
from application.mail.relay import MailDelivery
from application.mailing import LinkLifetimes
from application.sessions.login import LoginCommand
from application.sessions.tokens import SessionLifetimes, TokenPair
from domain.events import Event
from domain.mail import RETRY_DELAYS
from domain.origin import NO_ORIGIN, Origin
from domain.passwords import PasswordPolicy

LINKS = LinkLifetimes(
    verify_email=timedelta(hours=48),
    reset_password=timedelta(minutes=30),
    confirm_email=timedelta(hours=24),
    undo_email_change=timedelta(days=7),
)


class PrintedEvents:
    """An after-commit listener: each committed event, as a line."""

    def publish(self, event: Event) -> None:
        print(f"  event: {event.name}")


def no_request() -> Origin:
    """Where changes come from: an embedding program may say (its caller's address)."""
    return NO_ORIGIN


def embedded_core() -> Core:
    clock, ids = SystemClock(), UuidV7Generator()
    store = StoreAuditEvents(ids, clock, no_request)  # the stored audit trail
    return build_core(
        Ports(
            uow=partial(
                InMemoryUnitOfWork, InMemoryDatabase(), writers=[store], listeners=[PrintedEvents()]
            ),
            hasher=Argon2Hasher(PROFILES["cheapest"]),
            access_tokens=JwtAccessTokens(
                KeySet.hmac(secrets.token_bytes(32)),
                issuer="embedded",
                audience="embedded",
                lifetime=timedelta(minutes=15),
                clock=clock,
            ),
            refresh_tokens=OpaqueRefreshTokens(secrets.token_bytes(32)),
            clock=clock,
            ids=ids,
            origin=no_request,
            account_attempts=InMemoryAttemptCounter(limit=10, window_seconds=900),
            address_attempts=InMemoryAttemptCounter(limit=300, window_seconds=900),
            policy=PasswordPolicy(),
            lifetimes=SessionLifetimes(),
            # Mail: the words of the service's templates, kept in the outbox (no SMTP here).
            verification_attempts=InMemoryAttemptCounter(limit=1, window_seconds=60),
            reset_attempts=InMemoryAttemptCounter(limit=3, window_seconds=3600),
            composer=JinjaMailComposer("http://localhost", "embedded", LINKS),
            mailer=DevMailbox(),
            link_lifetimes=LINKS,
            delivery=MailDelivery(batch=50, retry_delays=RETRY_DELAYS),
            email_verification_required=False,
            cursors=SignedCursors(secrets.token_bytes(32)),
            secret_box=SecretBox(secrets.token_bytes(32)),
            random=secrets.token_bytes,
            service_name="embedded",
            webauthn=WebAuthnRelyingParty("https://embedded.example", "embedded"),
            user_agents=UaParserUserAgents(),
        )
    )


def main() -> None:
    core = embedded_core()
    password = "correct horse battery staple"  # noqa: S105 (an example's own account)
    user = core.accounts.register(RegisterCommand("Ada@Example.com", "Ada Lovelace", password))
    print(f"registered {user.email} ({user.id})")
    for device in ("laptop", "phone"):
        core.sessions.login(LoginCommand("ada@example.com", password, user_agent=device))
        print(f"logged in on the {device}")
    tokens = core.sessions.login(LoginCommand("ada@example.com", password, user_agent="desk"))
    if not isinstance(tokens, TokenPair):  # an account with a second factor: a second step
        raise SystemExit("this example's account has no second factor")
    caller = core.sessions.authenticate(tokens.access_token)
    sessions = core.sessions.list_sessions(caller)
    print(f"{len(sessions)} sessions:")
    for session in sessions:
        this = " (this one)" if session.id == caller.session_id else ""
        print(f"  {session.user_agent}{this}, started {session.created_at:%H:%M:%S}")
    activity = core.audit.own_activity(caller, limit=100).events
    print(f"{len(activity)} events stored, the newest: {activity[0].type}")


if __name__ == "__main__":
    main()
