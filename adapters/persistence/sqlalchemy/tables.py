"""Table definitions: the schema that Alembic migrations build and check against."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    Uuid,
    text,
)
from sqlalchemy.dialects import mysql

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on backends with and without time zones."""

    impl = DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(80), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),
    Column("email_verified", Boolean, nullable=False, server_default=text("false")),
    Column("mfa_enabled", Boolean, nullable=False, server_default=text("false")),
    CheckConstraint("role IN ('user', 'admin')", name="role"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),  # purging ended sessions
    Column("revoked_at", UTCDateTime, nullable=True, index=True),
    Column("user_agent", String(512), nullable=True),
    Column("ip", String(45), nullable=True),
    Column("kind", String(16), nullable=False, server_default=text("'api'")),
    Column("token_hash", String(64), nullable=True, unique=True),  # a browser's cookie, hashed
    Column("idle_timeout_seconds", Integer, nullable=True),
    Column("amr", String(32), nullable=False, server_default=text("'pwd'")),  # RFC 8176, spaced
    CheckConstraint("kind IN ('api', 'browser')", name="kind"),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column(
        "session_id",
        Uuid,
        ForeignKey("sessions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
)

throttle_windows = Table(
    "throttle_windows",
    metadata,
    Column("key_hash", String(64), primary_key=True),  # SHA-256 of scope and key
    Column("ends_at", Double, nullable=False, index=True),  # Unix time, seconds
    Column("attempts", Integer, nullable=False),
)

link_tokens = Table(
    "link_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("purpose", String(32), nullable=False),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("email", String(254), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
    Column("used_at", UTCDateTime, nullable=True),
    # No foreign key: the link outlives a purged session, and then ends nothing.
    Column("session_id", Uuid, nullable=True),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Uuid, primary_key=True),  # time-ordered: oldest first is id order
    Column("kind", String(32), nullable=False),
    Column("recipient", String(254), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("text_body", Text, nullable=False),
    Column("html_body", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("sent_at", UTCDateTime, nullable=True),
    CheckConstraint("state IN ('pending', 'sent', 'failed')", name="state"),
    # What a relay looks for: the due messages of a state, oldest first.
    Index("ix_outbox_state_next_attempt_at", "state", "next_attempt_at"),
)

reset_requests = Table(
    "reset_requests",
    metadata,
    Column("id", Uuid, primary_key=True),  # time-ordered: oldest first is id order
    Column("email", String(254), nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    # Where it was asked from, for the audit event stored when it is answered.
    Column("ip", String(45), nullable=True),
    Column("user_agent", String(512), nullable=True),
    Column("request_id", String(128), nullable=True),
)

posts = Table(
    "posts",
    metadata,
    Column("id", Uuid, primary_key=True),  # time-ordered: newest first is id order, descending
    Column("author_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("content", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default=text("1")),
    # One author's posts, newest first, by keyset.
    Index("ix_posts_author_id_id", "author_id", "id"),
)


audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Uuid, primary_key=True),  # time-ordered: newest first is id order, descending
    Column("type", String(64), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    # No foreign keys: the trail outlives the accounts and sessions it names.
    Column("user_id", Uuid, nullable=True),
    Column("actor_id", Uuid, nullable=True),
    Column("session_id", Uuid, nullable=True),
    Column("ip", String(45), nullable=True),
    Column("user_agent", String(512), nullable=True),
    Column("request_id", String(128), nullable=True),
    Column("data", JSON, nullable=False),
    # One account's events newest first, by keyset. One index only: each more
    # costs every sign-in and change about 1.4% more CPU (docs/performance.md);
    # filters by type or time walk the primary key, which is time order.
    Index("ix_audit_events_user_id_id", "user_id", "id"),
)


totp_factors = Table(
    "totp_factors",
    metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("sealed_secret", String(200), nullable=False),  # SecretBox's, never the secret
    Column("created_at", UTCDateTime, nullable=False),
    Column("confirmed_at", UTCDateTime, nullable=True),
    Column("last_used_step", BigInteger, nullable=True),
)

recovery_codes = Table(
    "recovery_codes",
    metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("code_hash", String(64), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
)

pending_logins = Table(
    "pending_logins",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # of the mfa_token, never the token
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),  # purging
    Column("password_stamp", String(64), nullable=False),
    Column("remember", Boolean, nullable=True),  # None: the API's login
    Column("user_agent", String(512), nullable=True),
    Column("ip", String(45), nullable=True),
    Column("tries", Integer, nullable=False),
    Column("spent_at", UTCDateTime, nullable=True),
)

# A credential id is at most 1023 bytes; MariaDB indexes VARBINARY, not BLOB.
CREDENTIAL_ID = LargeBinary().with_variant(mysql.VARBINARY(1023), "mysql", "mariadb")

passkeys = Table(
    "passkeys",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("credential_id", CREDENTIAL_ID, nullable=False, unique=True),  # S51
    Column("public_key", LargeBinary, nullable=False),  # COSE
    Column("sign_count", BigInteger, nullable=False),
    Column("name", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime, nullable=True),
)

webauthn_challenges = Table(
    "webauthn_challenges",
    metadata,
    Column("challenge_hash", String(64), primary_key=True),  # never the challenge
    Column("ceremony", String(16), nullable=False),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),  # purging
)
