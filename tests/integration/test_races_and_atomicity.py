"""Guarantees under concurrency and partial failure, on every database, with real threads."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import pytest
from flask import Flask
from sqlalchemy import Engine, func, select, update

from adapters.persistence.sqlalchemy import engine as engines
from adapters.persistence.sqlalchemy.engine import create_database_engine
from adapters.persistence.sqlalchemy.tables import audit_events, refresh_tokens, sessions, users
from adapters.persistence.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from adapters.security.argon2_hasher import PROFILES, Argon2Hasher
from adapters.security.jwt_access_tokens import JwtAccessTokens
from adapters.security.jwt_keys import KeySet
from adapters.security.refresh_tokens import OpaqueRefreshTokens
from adapters.system import SystemClock, UuidV7Generator
from adapters.throttle.memory import InMemoryAttemptCounter
from application.accounts.password import ChangePasswordCommand
from application.accounts.register import RegisterCommand
from application.accounts.users import UpdateUserCommand
from application.audit.store import StoreAuditEvents
from application.caller import Caller
from application.core import Core, Ports, build_core
from application.mail.reset import PasswordResetCommand
from application.ports import AccessTokens, Clock, IssuedAccessToken, UnitOfWork
from application.sessions.login import LoginCommand
from application.sessions.refresh import RefreshCommand
from application.sessions.tokens import SessionLifetimes
from domain.errors import ConcurrentUpdate, InvalidLinkToken, StorageUnavailable
from domain.events import Event
from domain.mail import MailKind
from domain.origin import NO_ORIGIN
from domain.passwords import PasswordPolicy
from domain.users import Role
from main import DATABASE_ENGINE, create_app
from tests.support.api import PASSWORD, Api, make_settings, together
from tests.support.core import mail_ports, second_factor_ports
from tests.support.fakes import RecordingMailer, link_in
from tests.support.servers import BACKENDS, migrated_database


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with migrated_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def served(database_url: str) -> Iterator[Flask]:
    app = create_app(make_settings(database_url))
    yield app
    app.extensions[DATABASE_ENGINE].dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_database_engine(database_url)
    yield engine
    engine.dispose()


def count_rows(engine: Engine, table: Any) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


class BrokenTokens:
    """An access-token port that fails: the failure half way through a use case."""

    def __init__(self, working: AccessTokens, fail: bool = True) -> None:
        self.working, self.fail = working, fail

    def issue(
        self, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime, amr: Any = ("pwd",)
    ) -> IssuedAccessToken:
        if self.fail:
            raise RuntimeError("token service down")
        return self.working.issue(user_id, session_id, now, amr)

    def decode(self, token: str) -> Any:
        return self.working.decode(token)


class SlowClock:
    """Widens the window between a use case's read and its write."""

    def now(self) -> datetime:
        time.sleep(0.004)
        return datetime.now(UTC)


def jwt_codec() -> JwtAccessTokens:
    return JwtAccessTokens(
        KeySet.hmac(b"k" * 32),
        issuer="t",
        audience="t",
        lifetime=timedelta(minutes=5),
        clock=SystemClock(),
    )


def core_over(
    engine: Engine,
    *,
    access_tokens: AccessTokens | None = None,
    clock: Clock | None = None,
    uow: Callable[..., UnitOfWork] | None = None,
) -> Core:
    clock, ids = clock or SystemClock(), UuidV7Generator()
    store = StoreAuditEvents(ids, clock, lambda: NO_ORIGIN)
    return build_core(
        Ports(
            uow=uow or partial(SqlAlchemyUnitOfWork, engine, writers=[store]),
            hasher=Argon2Hasher(PROFILES["cheapest"]),
            access_tokens=access_tokens or jwt_codec(),
            refresh_tokens=OpaqueRefreshTokens(b"r" * 32),
            clock=clock,
            ids=ids,
            origin=lambda: NO_ORIGIN,
            policy=PasswordPolicy(),
            lifetimes=SessionLifetimes(),
            account_attempts=InMemoryAttemptCounter(limit=100, window_seconds=60),
            address_attempts=InMemoryAttemptCounter(limit=1000, window_seconds=60),
            **mail_ports(RecordingMailer()),
            **second_factor_ports(),
        )
    )


def test_20_concurrent_registrations_of_one_email_make_one_account(served: Flask) -> None:
    body = {"email": "race@example.com", "name": "Racer", "password": PASSWORD}
    answers = together(20, lambda _: served.test_client().post("/api/v1/auth/register", json=body))
    assert sorted(a.status_code for a in answers) == [201] + [409] * 19
    engine = served.extensions[DATABASE_ENGINE]
    assert count_rows(engine, users) == 1


def test_concurrent_refreshes_with_one_token_give_at_most_one_successor(served: Flask) -> None:
    client = served.test_client()
    tokens = Api(client).signup()
    answers = together(
        8,
        lambda _: served.test_client().post(
            "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        ),
    )
    assert {a.status_code for a in answers} <= {200, 401}
    successors = [a.json for a in answers if a.status_code == 200]
    assert len(successors) <= 1
    usable = [
        s
        for s in successors
        if s is not None
        and client.get(
            "/api/v1/auth/me", headers={"Authorization": f"Bearer {s['access_token']}"}
        ).status_code
        == 200
    ]
    assert len(usable) <= 1


def test_concurrent_updates_lose_no_committed_write(engine: Engine) -> None:
    """Two writers update different fields of one user; every field ends with its
    writer's last successful value. A stale full-row write would undo the other's.
    (An admin: a user's own email changes only through a confirmed change.)"""
    core = core_over(engine, clock=SlowClock())
    user = core.accounts.register(
        RegisterCommand("w@example.com", "Writer", PASSWORD, role=Role.ADMIN)
    )
    caller = Caller(user=user, session_id=uuid.uuid4())
    last: dict[str, str] = {}

    def write(field: str) -> None:
        for round_ in range(12):
            value = f"{field}{round_}@example.com" if field == "email" else f"{field} {round_}"
            try:
                core.accounts.update_user(caller, UpdateUserCommand(user.id, **{field: value}))
            except ConcurrentUpdate:
                continue  # refused loudly (409), not lost silently
            last[field] = value

    together(2, lambda i: write(["name", "email"][i]))
    stored = core.accounts.get_user(caller, user.id)
    assert stored.name == last["name"]
    assert stored.email.value == last["email"]


class PauseAfterCountingAdmins(SqlAlchemyUnitOfWork):
    """Holds each writer just after it counted the admins until the other has
    counted too (or a second passed): both count before either writes."""

    def __init__(self, engine: Engine, barrier: threading.Barrier, *, read_only: bool = False):
        super().__init__(engine, read_only=read_only)
        self.barrier = barrier

    def __enter__(self) -> Self:
        super().__enter__()
        count = self.users.count_active_admins

        def count_then_pause() -> int:
            admins = count()
            with suppress(threading.BrokenBarrierError):
                self.barrier.wait(timeout=1)
            return admins

        self.users.count_active_admins = count_then_pause  # type: ignore[method-assign]
        return self


def test_two_admins_demoting_each_other_at_once_leave_one_admin(engine: Engine) -> None:
    core = core_over(engine, uow=partial(PauseAfterCountingAdmins, engine, threading.Barrier(2)))
    pair = [
        core.accounts.register(RegisterCommand(f"admin{i}@example.com", "Admin", PASSWORD))
        for i in range(2)
    ]
    with engine.begin() as connection:
        connection.execute(update(users).values(role=Role.ADMIN.value))
    admins = [Caller(user=replace(user, role=Role.ADMIN), session_id=uuid.uuid4()) for user in pair]

    outcomes = together(
        2,
        lambda i: core.accounts.update_user(
            admins[i], UpdateUserCommand(pair[1 - i].id, role=Role.USER)
        ),
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["LastAdmin", "User"]
    with engine.connect() as connection:
        roles = connection.execute(select(users.c.role)).scalars().all()
    assert sorted(roles) == ["admin", "user"]


def test_a_sqlite_writer_kept_from_the_write_lock_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engines, "SQLITE_BUSY_TIMEOUT_MS", 100)
    with migrated_database("sqlite", tmp_path) as url:
        engine = create_database_engine(url)
        holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(StorageUnavailable), SqlAlchemyUnitOfWork(engine):
            pass
        assert engine.pool.checkedout() == 0  # the connection went back
        holder.execute("ROLLBACK")
        holder.close()
        with SqlAlchemyUnitOfWork(engine) as work:
            assert work.users.count_active_admins() == 0
        engine.dispose()


def test_a_login_that_fails_half_way_leaves_no_session(engine: Engine) -> None:
    working = core_over(engine)
    working.accounts.register(RegisterCommand("a@example.com", "A", PASSWORD))
    broken = core_over(engine, access_tokens=BrokenTokens(jwt_codec()))
    with pytest.raises(RuntimeError, match="token service down"):
        broken.sessions.login(LoginCommand("a@example.com", PASSWORD))
    assert count_rows(engine, sessions) == 0
    assert count_rows(engine, refresh_tokens) == 0


def test_a_refresh_that_fails_half_way_spends_no_token(engine: Engine) -> None:
    flaky = BrokenTokens(jwt_codec(), fail=False)
    core = core_over(engine, access_tokens=flaky)
    core.accounts.register(RegisterCommand("a@example.com", "A", PASSWORD))
    tokens = core.sessions.login(LoginCommand("a@example.com", PASSWORD))
    flaky.fail = True
    with pytest.raises(RuntimeError):
        core.sessions.refresh(RefreshCommand(tokens.refresh_token))
    assert count_rows(engine, refresh_tokens) == 1
    flaky.fail = False
    assert core.sessions.refresh(RefreshCommand(tokens.refresh_token)).refresh_token


class FailingRevocation:
    """A unit of work whose revocation step fails after the password was written."""

    def __init__(self, inner: UnitOfWork) -> None:
        self.inner = inner

    def __enter__(self) -> Self:
        self.inner.__enter__()
        self.users = self.inner.users
        return self

    @property
    def sessions(self) -> Any:
        return self

    def __getattr__(self, name: str) -> Any:  # every other session method: the real one
        return getattr(self.inner.sessions, name)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.inner.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        self.inner.commit()

    def record(self, event: Event) -> None:
        self.inner.record(event)

    def revoke_all(self, *_: object, **__: object) -> None:
        raise RuntimeError("revocation failed half way")


def test_a_password_change_that_fails_half_way_changes_nothing(engine: Engine) -> None:
    core = core_over(engine)
    core.accounts.register(RegisterCommand("a@example.com", "A", PASSWORD))
    here = core.sessions.login(LoginCommand("a@example.com", PASSWORD))
    elsewhere = core.sessions.login(LoginCommand("a@example.com", PASSWORD))
    caller = core.sessions.authenticate(here.access_token)
    store = StoreAuditEvents(UuidV7Generator(), SystemClock(), lambda: NO_ORIGIN)
    broken = core_over(
        engine, uow=lambda: FailingRevocation(SqlAlchemyUnitOfWork(engine, writers=[store]))
    )
    with pytest.raises(RuntimeError, match="half way"):
        broken.accounts.change_password(
            caller, ChangePasswordCommand(PASSWORD, "a new passphrase here")
        )
    assert core.sessions.login(LoginCommand("a@example.com", PASSWORD))  # old password still works
    assert core.sessions.authenticate(elsewhere.access_token)  # the other session still alive
    with engine.connect() as connection:  # and no stored event of a change that never was (S53)
        stored = connection.execute(select(audit_events.c.type)).scalars().all()
    assert "password_changed" not in stored
    assert stored.count("login_succeeded") == 3


def test_two_tabs_refreshing_at_once_within_the_grace_stay_logged_in(database_url: str) -> None:
    app = create_app(make_settings(database_url, refresh_reuse_grace=timedelta(seconds=10)))
    client = app.test_client()
    tokens = Api(client).signup()
    answers = together(
        4,
        lambda _: app.test_client().post(
            "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        ),
    )
    assert [a.status_code for a in answers] == [200] * 4
    successors = {a.json["refresh_token"] for a in answers}  # type: ignore[index]
    assert len(successors) == 1  # every tab got the same successor
    (successor,) = successors
    again = client.post("/api/v1/auth/refresh", json={"refresh_token": successor})
    assert again.status_code == 200
    app.extensions[DATABASE_ENGINE].dispose()


def test_s41_of_simultaneous_uses_of_one_link_one_wins(engine: Engine) -> None:
    core = core_over(engine)
    core.accounts.register(RegisterCommand("ada@example.com", "Ada", PASSWORD))
    core.mail.request_password_reset(PasswordResetCommand("ada@example.com"))
    core.mail.answer_password_resets()
    [reset] = [m for m in core.mail.list_mail() if m.kind is MailKind.RESET_PASSWORD]
    token = link_in(reset.text)
    passwords = [f"new passphrase number {n}" for n in range(6)]
    outcomes = together(6, lambda n: core.mail.confirm_password_reset(token, passwords[n]))
    winners = [n for n, outcome in enumerate(outcomes) if outcome is None]
    assert len(winners) == 1, outcomes
    assert all(isinstance(o, InvalidLinkToken) for o in outcomes if o is not None), outcomes
    [winner] = winners
    assert core.sessions.login(LoginCommand("ada@example.com", passwords[winner]))
