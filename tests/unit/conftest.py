"""Fixtures of the unit tests: the core on in-memory adapters."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.support.core import CoreUnderTest, make_core

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


@pytest.fixture
def core() -> CoreUnderTest:
    return make_core()
