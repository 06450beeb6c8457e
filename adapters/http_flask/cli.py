"""The ``flask --app main ...`` commands: a driving adapter beside the HTTP one.

Registered on ``app.cli`` by the app factory; what they drive (the core, the
migrations) is handed in, so this module knows no other adapter.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import click
from flask import Flask
from pydantic import TypeAdapter, ValidationError

from adapters.http_flask.audit_schemas import AuditEventResponse, Rfc3339Time
from adapters.http_flask.docs import document
from adapters.http_flask.worker import run_every
from application.accounts.register import RegisterCommand
from application.core import Core
from application.mail.reset import BATCH
from domain.errors import DomainError
from domain.users import Role


class Rfc3339(click.ParamType):
    """A time with its offset, ``2026-12-03T10:00:00Z``, read as the API reads
    ``since`` (a time without an offset is ambiguous)."""

    name = "rfc3339"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        try:
            return _RFC3339_TIME.validate_python(value)
        except ValidationError as error:
            self.fail(f"{value!r}: {error.errors()[0]['msg']}", param, ctx)


_RFC3339_TIME: TypeAdapter[datetime] = TypeAdapter(Rfc3339Time)


class Migrations(Protocol):
    def upgrade(self, revision: str = "head") -> None: ...

    def downgrade(self, revision: str) -> None: ...

    def revision(self, message: str) -> None: ...


def openapi_text(app: Flask) -> str:
    """The OpenAPI document as the committed openapi.json holds it."""
    return json.dumps(document(app), indent=2, sort_keys=True) + "\n"


def init_cli(app: Flask, core: Core, migrations: Migrations, audit_retention: timedelta) -> None:
    @app.cli.group("db")
    def db() -> None:
        """Database migrations (Alembic)."""

    @db.command("upgrade")
    @click.argument("revision", default="head")
    def upgrade(revision: str) -> None:
        """Apply migrations up to REVISION (default: head)."""
        migrations.upgrade(revision)

    @db.command("downgrade")
    @click.argument("revision")
    def downgrade(revision: str) -> None:
        """Revert migrations down to REVISION (base: all of them)."""
        migrations.downgrade(revision)

    @db.command("revision")
    @click.option("-m", "--message", required=True)
    def revision(message: str) -> None:
        """Write a new migration from the difference between the tables and the database."""
        migrations.revision(message)

    @app.cli.command("openapi")
    @click.option("--output", type=click.Path(dir_okay=False), default="openapi.json")
    def openapi(output: str) -> None:
        """Write the OpenAPI document (the one /api/v1/openapi.json serves) to a file."""
        Path(output).write_text(openapi_text(app))
        click.echo(f"wrote {output}")

    @app.cli.command("create-admin")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
    def create_admin(email: str, name: str, password_stdin: bool) -> None:
        """Create an admin account; the password is read from standard input."""
        if not password_stdin:
            raise click.UsageError("pass --password-stdin: a password is never an argument")
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            user = core.accounts.register(RegisterCommand(email, name, password, role=Role.ADMIN))
        except DomainError as error:
            raise click.ClickException(error.message) from None
        click.echo(f"created admin {user.email} ({user.id})")

    @app.cli.group("sessions")
    def sessions() -> None:
        """Sessions housekeeping."""

    @sessions.command("purge")
    @click.option(
        "--older-than-days",
        type=click.IntRange(min=0),
        default=30,
        show_default=True,
        help="Keep sessions that ended fewer days ago than this.",
    )
    @click.option(
        "--every",
        type=click.FloatRange(min=0.1),
        help="Run again every this many seconds, until SIGTERM or Ctrl-C.",
    )
    def purge(older_than_days: int, every: float | None) -> None:
        """Delete sessions (and their refresh tokens) that ended long ago, and
        ended second steps and WebAuthn challenges."""

        def once() -> None:
            purged = core.sessions.purge_ended(timedelta(days=older_than_days))
            click.echo(f"purged {purged} ended sessions")

        if every is None:
            once()
        else:
            run_every(every, once)

    @app.cli.group("mail")
    def mail() -> None:
        """The outbox: its relay and its state."""

    @mail.command("relay")
    @click.option(
        "--every",
        type=click.FloatRange(min=0.1),
        default=2.0,
        show_default=True,
        help="Look for due messages every this many seconds, until SIGTERM or Ctrl-C.",
    )
    @click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
    def relay(every: float, once: bool) -> None:
        """Answer the reset requests with mail, then deliver the outbox's due
        messages; any number of relays may run at once."""

        def drain() -> None:
            while True:  # a full batch means more may be waiting
                answered = core.mail.answer_password_resets()
                report = core.mail.deliver_pending_mail()
                if report.tried:
                    click.echo(
                        f"sent {report.sent}, to retry {report.retried}, failed {report.failed}"
                    )
                full = core.mail.deliver_pending_mail.delivery.batch
                if report.tried < full and answered < BATCH:
                    return

        if once:
            drain()
        else:
            run_every(every, drain)

    @mail.command("status")
    @click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
    def status(limit: int) -> None:
        """What waits in the outbox, and the messages that failed for good."""
        summary, failed = core.mail.mail_status(limit)
        oldest = summary.oldest_pending_at.isoformat() if summary.oldest_pending_at else "-"
        click.echo(f"pending {summary.pending} (oldest {oldest}), failed {summary.failed}")
        for message in failed:
            click.echo(
                f"failed {message.id} {message.kind.value} to {message.to}, "
                f"{message.attempts} tries, last: {message.last_error}"
            )

    @app.cli.group("audit")
    def audit() -> None:
        """The stored audit trail: retention and export."""

    @audit.command("purge")
    @click.option(
        "--older-than-days",
        type=click.IntRange(min=1),
        default=audit_retention.days,
        show_default=True,
        help="Keep events fewer days old than this (AUDIT_RETENTION_DAYS).",
    )
    def purge_audit(older_than_days: int) -> None:
        """Delete stored audit events older than the retention."""
        purged = core.audit.purge(timedelta(days=older_than_days))
        click.echo(f"purged {purged} audit events older than {older_than_days} days")

    @audit.command("export")
    @click.option("--since", type=Rfc3339(), help="Only events at or after this time (RFC 3339).")
    def export_audit(since: datetime | None) -> None:
        """Write stored audit events, oldest first, as JSON lines on standard output."""
        for event in core.audit.export(since):
            click.echo(AuditEventResponse.of(event).model_dump_json())
