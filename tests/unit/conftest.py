"""Use cases built from in-memory adapters, a fake hasher and a controllable clock."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from adapters.persistence.memory import InMemoryDatabase, InMemoryUnitOfWork
from adapters.security.refresh_tokens import OpaqueRefreshTokens
from adapters.throttle.memory import InMemoryThrottle
from application.accounts import Accounts, build_accounts
from application.results import Actor, TokenPair
from application.use_cases.login import LoginCommand
from application.use_cases.register import RegisterCommand
from application.use_cases.tokens import SessionLifetimes
from domain.passwords import PasswordPolicy
from domain.users import Role, User
from tests.unit.fakes import (
    FakeAccessTokens,
    FakeClock,
    FakeHasher,
    RecordingEvents,
    SequentialIds,
)

# What the property tests check is the rules, not their speed: a loaded host
# can stall any example past a deadline. In CI the examples are derived from
# each test's name, so a run can only fail on what every run would find.
settings.register_profile(
    "accounts",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("CI") == "true",
)
settings.load_profile("accounts")

PASSWORD = "correct horse battery staple"


@dataclass
class Core:
    accounts: Accounts
    db: InMemoryDatabase
    hasher: FakeHasher
    clock: FakeClock
    events: RecordingEvents

    def register(self, email: str = "ada@example.com", role: Role = Role.USER) -> User:
        return self.accounts.register(RegisterCommand(email, "Ada Lovelace", PASSWORD, role))

    def login(self, email: str = "ada@example.com", password: str = PASSWORD) -> TokenPair:
        return self.accounts.login(LoginCommand(email, password, "pytest", "127.0.0.1"))

    def actor(self, tokens: TokenPair) -> Actor:
        return self.accounts.authenticate(tokens.access_token)


def make_core(**overrides: Any) -> Core:
    """The core on in-memory adapters; ``overrides`` replace any port given to build_accounts."""
    db = InMemoryDatabase()
    events = RecordingEvents()
    hasher = FakeHasher()
    clock = FakeClock()
    ports: dict[str, Any] = {
        "uow": partial(InMemoryUnitOfWork, db),
        "hasher": hasher,
        "access_tokens": FakeAccessTokens(),
        "refresh_tokens": OpaqueRefreshTokens(b"r" * 32),
        "clock": clock,
        "ids": SequentialIds(),
        "policy": PasswordPolicy(),
        "lifetimes": SessionLifetimes(refresh_token=timedelta(days=30), session=timedelta(days=90)),
        "account_throttle": InMemoryThrottle(limit=10, window_seconds=900),
        "address_throttle": InMemoryThrottle(limit=1000, window_seconds=900),
        "events": events,
    }
    return Core(build_accounts(**(ports | overrides)), db, hasher, clock, events)


@pytest.fixture
def core() -> Core:
    return make_core()
