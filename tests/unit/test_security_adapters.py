from __future__ import annotations

import time

import pytest
from argon2 import PasswordHasher, Type

from adapters.security.argon2_hasher import PROFILES, Argon2Hasher
from adapters.security.refresh_tokens import OpaqueRefreshTokens
from adapters.system import SystemClock, UuidV7Generator


def test_s6_production_profiles_are_argon2id_at_least_owasp_minimum() -> None:
    default = PROFILES["rfc9106-low-memory"]
    assert (default.type, default.time_cost, default.memory_cost, default.parallelism) == (
        Type.ID,
        3,
        64 * 1024,
        4,
    )
    for name in ("rfc9106-low-memory", "owasp-minimum"):
        p = PROFILES[name]
        assert p.type is Type.ID
        assert p.salt_len == 16
        assert p.memory_cost >= 19 * 1024
        assert p.time_cost >= 2


def test_s6_hash_is_a_phc_string_with_the_configured_parameters() -> None:
    hasher = Argon2Hasher(PROFILES["owasp-minimum"])
    encoded = hasher.hash("pässword")
    assert encoded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify(encoded, "pässword")
    assert not hasher.verify(encoded, "Pässword")


def test_s7_hashes_with_other_parameters_need_a_rehash() -> None:
    old = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("pw")
    hasher = Argon2Hasher(PROFILES["cheapest"])
    assert hasher.needs_rehash(old)
    assert not hasher.needs_rehash(hasher.hash("pw"))


def test_verify_against_a_broken_hash_is_false_not_an_error() -> None:
    hasher = Argon2Hasher(PROFILES["cheapest"])
    assert not hasher.verify("not a hash", "pw")
    hasher.verify_dummy("pw")


def test_s22_refresh_tokens_have_256_random_bits_and_a_fixed_hash() -> None:
    tokens = OpaqueRefreshTokens(b"r" * 32)
    token = tokens.generate()
    assert len(token) == 43  # 32 bytes, base64url without padding
    assert token != tokens.generate()
    assert tokens.hash(token) == tokens.hash(token) != token
    assert len(tokens.hash("\ud800")) == 64  # lone surrogates hash, they do not crash


def test_successors_are_derived_with_the_key() -> None:
    tokens, other = OpaqueRefreshTokens(b"r" * 32), OpaqueRefreshTokens(b"s" * 32)
    token = tokens.generate()
    assert tokens.successor(token) == tokens.successor(token)
    assert len(tokens.successor(token)) == 43
    assert tokens.successor(token) not in {token, other.successor(token)}
    assert tokens.successor(tokens.successor(token)) != tokens.successor(token)
    with pytest.raises(ValueError, match="32 bytes"):
        OpaqueRefreshTokens(b"short")


def test_uuid7_ids_are_version_7_and_time_ordered() -> None:
    ids = UuidV7Generator()
    first = ids.new_id()
    time.sleep(0.002)
    second = ids.new_id()
    assert first.version == second.version == 7
    assert first.variant == second.variant == "specified in RFC 4122"
    assert first < second
    assert abs((first.int >> 80) - time.time_ns() // 1_000_000) < 5_000


def test_system_clock_is_utc() -> None:
    assert SystemClock().now().utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_uuid7_ids_made_in_one_millisecond_still_sort_in_order() -> None:
    ids = UuidV7Generator()
    made = [ids.new_id() for _ in range(2000)]
    assert made == sorted(made)
    assert len(set(made)) == 2000
    assert {u.version for u in made} == {7}
