"""The ports: what the core needs from the world, named for the need, not the technology."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from domain.audit import AuditEvent, AuditQuery, EventOrigin
from domain.events import Event
from domain.mail import (
    ComposedMail,
    DeliveryState,
    LinkPurpose,
    LinkToken,
    Mail,
    OutboxMessage,
    ResetRequest,
)
from domain.origin import Origin
from domain.passkeys import Passkey, WebAuthnChallenge
from domain.posts import Post
from domain.second_factors import PendingLogin, RecoveryCode, TotpFactor
from domain.sessions import RefreshToken, Session
from domain.users import Email, User


class UserRepository(Protocol):
    def get(self, user_id: UUID) -> User | None: ...

    def by_email(self, email: Email) -> User | None: ...

    def add(self, user: User) -> None:
        """Store a new user; raise ``EmailTaken`` if the email is in use."""

    def update(self, user: User) -> None:
        """Store changes to a user and bump ``user.version``.

        Raise ``EmailTaken`` if the new email is in use, and ``ConcurrentUpdate``
        if the stored version is no longer ``user.version`` (optimistic locking).
        """

    def delete(self, user_id: UUID) -> None:
        """Remove a user together with its sessions, refresh tokens, link
        tokens and posts, in the unit of work's transaction."""

    def list_page(
        self, offset: int, limit: int, email_prefix: str = "", after: UUID | None = None
    ) -> list[User]:
        """Users in creation order (ids are time-ordered), ``limit`` from ``offset``;
        only those whose canonical email starts with ``email_prefix``, and
        created after the user ``after`` (a keyset) if given."""

    def count(self, email_prefix: str = "") -> Count:
        """How many users there are (whose email starts with ``email_prefix``):
        exact, or, for a whole large table where an exact count would scan it,
        the database's estimate marked as such."""

    def names(self, user_ids: Collection[UUID]) -> dict[UUID, str]:
        """The names of those of ``user_ids`` that exist (to show authors)."""

    def count_active_admins(self) -> int:
        """The active admins. In a writing unit of work they stay counted until
        it ends: a concurrent writer that also counts them waits for it, so two
        admins demoting each other cannot both see the other as the last one."""


@dataclass(frozen=True, slots=True)
class Count:
    value: int
    exact: bool = True


class SessionRepository(Protocol):
    def get(self, session_id: UUID) -> Session | None: ...

    def get_with_user(self, session_id: UUID) -> tuple[Session, User] | None:
        """A session and its user in one read: the whole cost of authenticating."""

    def browser_session_with_user(self, token_hash: str) -> tuple[Session, User] | None:
        """The browser session whose cookie token hashes to ``token_hash``, and its user."""

    def add(self, session: Session) -> None: ...

    def update(self, session: Session) -> bool:
        """Store a session's use or revocation; False, storing nothing, if the
        stored session was revoked meanwhile (a concurrent logout wins)."""

    def list_active(self, user_id: UUID, now: datetime) -> list[Session]:
        """The user's active sessions: not revoked, not past their end, and
        (a browser's) not past their idle limit."""

    def revoke_all(self, user_id: UUID, now: datetime, keep: UUID | None = None) -> None:
        """Revoke every active session of a user, except ``keep``."""

    def delete_ended(self, before: datetime, limit: int) -> int:
        """Delete at most ``limit`` sessions that ended before ``before``
        (``Session.ended_before``), with their refresh tokens; how many went."""

    def add_refresh_token(self, token: RefreshToken) -> None: ...

    def find_refresh_token(self, token_hash: str) -> RefreshToken | None: ...

    def use_refresh_token(self, token_hash: str, now: datetime) -> bool:
        """Mark an unused token used. False if it was already used: the compare-and-set
        that lets two simultaneous refreshes yield at most one successor (S26)."""


class PostRepository(Protocol):
    def add(self, post: Post) -> None: ...

    def get(self, post_id: UUID) -> Post | None: ...

    def update(self, post: Post) -> None:
        """Store changes to a post and bump ``post.version``; ``ConcurrentUpdate``
        if the stored version is no longer ``post.version``."""

    def delete(self, post_id: UUID) -> None: ...

    def newest(
        self, limit: int, before: UUID | None = None, author_id: UUID | None = None
    ) -> list[Post]:
        """Up to ``limit`` posts, newest first (ids are time-ordered), only those
        older than the post ``before`` (a keyset: rows added or deleted
        meanwhile shift nothing), only ``author_id``'s if given."""


class AuditEventRepository(Protocol):
    """The stored audit trail (S53): written only by the unit of work's
    writer, in the transaction of each event's change."""

    def add(self, events: Sequence[AuditEvent]) -> None: ...

    def newest(self, query: AuditQuery, limit: int, before: UUID | None = None) -> list[AuditEvent]:
        """Up to ``limit`` events matching ``query``, newest first, only those
        older than the event ``before`` (a keyset, as posts page)."""

    def origins(
        self,
        user_id: UUID,
        types: Sequence[str],
        since: datetime | None,
        limit: int,
        before: UUID | None = None,
    ) -> list[EventOrigin]:
        """Where ``user_id``'s events of ``types`` since ``since`` came from,
        newest first, up to ``limit``, older than the event ``before``: the
        new-device check's read (S52), a few columns and no more."""

    def oldest(
        self, limit: int, after: UUID | None = None, since: datetime | None = None
    ) -> list[AuditEvent]:
        """Up to ``limit`` events, oldest first, only those newer than the
        event ``after`` and occurred at or after ``since``: an export in batches."""

    def delete_before(self, cutoff: datetime, limit: int) -> int:
        """Delete up to ``limit`` events that occurred before ``cutoff``; how many went."""


class SecondFactorRepository(Protocol):
    """An account's TOTP authenticator (its secret sealed) and recovery codes
    (hashed); both go with the account."""

    def totp(self, user_id: UUID) -> TotpFactor | None: ...

    def put_totp(self, factor: TotpFactor) -> None:
        """Add the account's authenticator, or replace the one it has."""

    def use_totp_step(self, user_id: UUID, step: int) -> bool:
        """Record ``step`` as used if it is later than the last one used; False
        if not: the compare-and-set by which, of two uses of one code, one wins (S47)."""

    def delete_totp(self, user_id: UUID) -> None: ...

    def replace_recovery_codes(self, user_id: UUID, codes: Sequence[RecoveryCode]) -> None:
        """The account's codes become ``codes``; the old ones die (S48)."""

    def use_recovery_code(self, user_id: UUID, code_hash: str, now: datetime) -> bool:
        """Spend an unused code; False if there is none of that hash, or it was spent."""

    def unused_recovery_codes(self, user_id: UUID) -> int: ...


class PendingLoginRepository(Protocol):
    """Logins waiting for their second step (S49), by their mfa_token's hash."""

    def add(self, pending: PendingLogin) -> None: ...

    def get(self, token_hash: str) -> PendingLogin | None: ...

    def count_try(self, token_hash: str, now: datetime) -> bool:
        """Count one code tried, before it is judged, if the login is still
        usable (``PendingLogin.is_usable``); False, counting nothing, if not.
        A compare-and-set: of concurrent tries, only as many as are left count."""

    def spend(self, token_hash: str, now: datetime) -> bool:
        """Mark it spent by the login it completes; False if it was already."""

    def delete_ended(self, before: datetime, limit: int) -> int:
        """Delete at most ``limit`` that ended before ``before``; how many went."""


class PasskeyRepository(Protocol):
    """An account's passkeys, and the challenges of the ceremonies under way (S51)."""

    def add(self, passkey: Passkey) -> None:
        """Store a new passkey; ``InvalidPasskey`` if its ``credential_id`` is
        registered already (S51), by this account or another."""

    def of_user(self, user_id: UUID) -> list[Passkey]:
        """The account's passkeys, oldest first."""

    def by_credential_id(self, credential_id: bytes) -> Passkey | None: ...

    def record_use(self, passkey_id: UUID, seen_count: int, new_count: int, now: datetime) -> bool:
        """Store ``new_count`` if the count is still ``seen_count``: of two
        logins with one passkey at once, one wins. False if it changed."""

    def rename(self, user_id: UUID, passkey_id: UUID, name: str) -> Passkey | None:
        """Rename the account's passkey; the one renamed, or None if it has none such."""

    def delete(self, user_id: UUID, passkey_id: UUID) -> Passkey | None:
        """Remove the account's passkey; the one removed, or None if it had none such."""

    def delete_all(self, user_id: UUID) -> None: ...

    def add_challenge(self, challenge: WebAuthnChallenge) -> None: ...

    def take_challenge(self, challenge_hash: str, now: datetime) -> WebAuthnChallenge | None:
        """Remove the challenge and give it back, if it is there and not
        expired: each is used once (S51). Of two takes at once, one gets it."""

    def delete_ended_challenges(self, before: datetime, limit: int) -> int:
        """Delete at most ``limit`` challenges expired before ``before``; how many went."""


class LinkTokenRepository(Protocol):
    def add(self, token: LinkToken) -> None: ...

    def get(self, token_hash: str) -> LinkToken | None: ...

    def spend(self, token_hash: str, now: datetime) -> bool:
        """Mark an unspent token spent. False if it was spent already: the
        compare-and-set by which, of two simultaneous uses, one wins (S41)."""

    def spend_all(self, user_id: UUID, purpose: LinkPurpose, now: datetime) -> None:
        """Spend every unspent token of a user for ``purpose`` (a password
        change kills the reset links already sent)."""


class Outbox(Protocol):
    """Mail waiting to be delivered, written in the transaction of its cause (S46)."""

    def add(self, message: OutboxMessage) -> None: ...

    def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[OutboxMessage]:
        """Up to ``limit`` pending messages due by ``now``, oldest first, each
        put out of every other claimant's reach for ``lease``: of relays
        claiming at once, each message goes to one (skipping rows another
        holds, where the database can)."""

    def update(self, message: OutboxMessage) -> None:
        """Store a try's outcome (``delivered`` or ``not_delivered``)."""

    def get(self, message_id: UUID) -> OutboxMessage | None: ...

    def newest(self, limit: int, state: DeliveryState | None = None) -> list[OutboxMessage]:
        """The newest messages first, of one state or all."""

    def summary(self) -> OutboxSummary: ...


class ResetRequests(Protocol):
    """Password resets asked for and not yet answered by mail."""

    def add(self, request: ResetRequest) -> None: ...

    def claim(self, limit: int) -> list[ResetRequest]:
        """Up to ``limit`` requests, oldest first, deleted as they are taken:
        they are answered in this unit of work or, rolled back, stay. Of
        relays claiming at once, each request goes to one."""


@dataclass(frozen=True, slots=True)
class OutboxSummary:
    pending: int
    failed: int
    oldest_pending_at: datetime | None


class UnitOfWork(Protocol):
    """One transaction over the repositories; leaving without ``commit`` rolls back.

    Events recorded in it are written by its in-transaction writers (what
    must be as durable as the change: the stored audit trail) as part of
    ``commit``, and handed to the after-commit listeners
    (log lines, metrics) only once the commit succeeded. A unit of work left
    without a commit delivers nothing.
    """

    @property
    def users(self) -> UserRepository: ...

    @property
    def sessions(self) -> SessionRepository: ...

    @property
    def posts(self) -> PostRepository: ...

    @property
    def links(self) -> LinkTokenRepository: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def reset_requests(self) -> ResetRequests: ...

    @property
    def audit(self) -> AuditEventRepository: ...

    @property
    def second_factors(self) -> SecondFactorRepository: ...

    @property
    def pending_logins(self) -> PendingLoginRepository: ...
    @property
    def passkeys(self) -> PasskeyRepository: ...

    def record(self, event: Event) -> None:
        """Keep ``event`` for the commit; a read-only unit of work refuses."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...


# Writes what must be exactly as durable as the change (the stored audit trail)
# through the unit of work's repositories, inside its transaction, at commit.
EventWriter = Callable[[UnitOfWork, Sequence[Event]], None]

# Where the current change was asked from (the driving adapter knows).
OriginSource = Callable[[], Origin]

# ``n`` bytes from the operating system's secure generator.
RandomBytes = Callable[[int], bytes]


class SecretBox(Protocol):
    """Secrets at rest under keys from the environment, which rotate (S47, S48).

    ``context`` binds a sealed secret or a digest to its owner: one copied to
    another account's row does not open or match there.
    """

    def seal(self, secret: bytes, context: str) -> str: ...

    def open(self, sealed: str, context: str) -> bytes:
        """The secret. No key opening it is a broken configuration (a key
        retired too early), not a user's error: the adapter raises its own."""

    def needs_reseal(self, sealed: str) -> bool:
        """Sealed under a previous key: open it and seal it again."""

    def digests(self, value: str, context: str) -> tuple[str, ...]:
        """Keyed digests of ``value``, by the current key first, then each
        previous one: what is stored is the first; a lookup tries them all."""


# What a browser is given to start a WebAuthn ceremony, ready to be sent as JSON.
WebAuthnOptions = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class NewCredential:
    """A credential an authenticator made, as its attestation proved it."""

    credential_id: bytes
    public_key: bytes
    sign_count: int


class WebAuthn(Protocol):
    """The relying party's side of WebAuthn (S51), for the origin and RP ID of
    ``PUBLIC_URL``: the options a browser needs, and the check of what it
    answers. An answer (``credential``) is the browser's credential as JSON
    text, unread: the adapter parses it and says no to anything malformed."""

    def registration_options(
        self, user: User, challenge: bytes, exclude: Sequence[bytes]
    ) -> WebAuthnOptions:
        """Options to make a discoverable credential for ``user``, not one of ``exclude``."""

    def login_options(
        self, challenge: bytes, allow: Sequence[bytes], user_verification: bool
    ) -> WebAuthnOptions:
        """Options to sign with one of ``allow`` (any discoverable one if
        empty); ``user_verification`` says whether it is required."""

    def challenge_of(self, credential: str) -> bytes | None:
        """The challenge the answer claims to sign; None if it is unreadable."""

    def credential_id_of(self, credential: str) -> bytes | None:
        """The credential an answer to a login names; None if it is unreadable."""

    def verify_registration(self, credential: str, challenge: bytes) -> NewCredential | None:
        """The new credential if the answer holds for ``challenge``; None if not."""

    def verify_login(
        self, credential: str, challenge: bytes, passkey: Passkey, user_verification: bool
    ) -> int | None:
        """The authenticator's new sign count if the answer is ``passkey``'s
        signature of ``challenge`` (and the user verified, where required),
        and the count moved on; None if not."""


class UserAgents(Protocol):
    def family(self, user_agent: str) -> str:
        """The browser family and operating system ``user_agent`` names,
        without versions ("Chrome on Linux", "curl"); "" if it names neither."""


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        """A new unit of work. ``read_only`` promises no writes and no commit, so
        an adapter may skip the transaction (one round trip instead of three)."""


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...

    def verify_dummy(self, password: str) -> None:
        """Spend the work of one verify on a dummy hash, so a login for an
        unknown email costs what a wrong password costs (S10)."""


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: UUID
    session_id: UUID


@dataclass(frozen=True, slots=True)
class IssuedAccessToken:
    token: str
    expires_in: int


class AccessTokens(Protocol):
    def issue(
        self, user_id: UUID, session_id: UUID, now: datetime, amr: Sequence[str] = ("pwd",)
    ) -> IssuedAccessToken:
        """A signed token for the session, carrying how its login was proved (``amr``)."""

    def decode(self, token: str) -> AccessClaims:
        """Verify a token and return its claims; raise ``InvalidToken`` otherwise."""


class RefreshTokens(Protocol):
    def generate(self) -> str:
        """A new opaque token of at least 256 random bits (S22)."""

    def hash(self, token: str) -> str:
        """The form in which a token is stored and looked up."""

    def successor(self, token: str) -> str:
        """The token that replaces ``token`` on rotation: derived, not drawn, so
        the same successor can be handed out again within the reuse grace."""


class AttemptCounter(Protocol):
    """Attempts per key in a fixed window, counted before the attempt is judged.

    Counting first makes the limit exact under concurrency: of many requests
    at once, only as many as the limit allows get through.
    """

    def attempt(self, key: str) -> int:
        """Count one attempt: 0 if it may proceed, else the seconds until the window ends."""

    def reset(self, key: str) -> None:
        """Forget a key's attempts (after a successful login)."""


class Cursors(Protocol):
    """Opaque page cursors: the position after which the next page starts,
    bound to the list and filter it was issued for (API.md "Cursor paging")."""

    def issue(self, listing: str, position: UUID) -> str: ...

    def open(self, cursor: str, listing: str) -> UUID:
        """The position ``cursor`` holds; ``InvalidCursor`` if the service did
        not issue it, or issued it for another listing (list and filter)."""


class MailComposer(Protocol):
    """Puts a ``Mail`` into words: subject, text and HTML, with its link
    built on the service's public address (never a request's ``Host``, S45)."""

    def compose(self, mail: Mail) -> ComposedMail: ...


class Mailer(Protocol):
    def send(self, message: OutboxMessage) -> None:
        """Hand one message to the mail system; raise ``MailNotDelivered`` if
        it was not taken (the relay tries again later)."""


class EventPublisher(Protocol):
    """An after-commit listener: hears each event once its change is committed."""

    def publish(self, event: Event) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""


class IdGenerator(Protocol):
    def new_id(self) -> UUID: ...
