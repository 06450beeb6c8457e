"""The JWT adapter against RFC 8725's list of attacks (S14-S19)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from adapters.security.jwt_access_tokens import REQUIRED_CLAIMS, JwtAccessTokens
from adapters.security.jwt_keys import InvalidKey, KeySet
from adapters.system import SystemClock
from domain.errors import InvalidToken
from tests.support.fakes import FakeClock

KEY = b"k" * 32
OTHER_KEY = b"o" * 32
KID = KeySet.hmac(KEY).signing_kid


def codec(**overrides: Any) -> JwtAccessTokens:
    options: dict[str, Any] = {
        "issuer": "accounts",
        "audience": "accounts",
        "lifetime": timedelta(minutes=15),
        "clock": SystemClock(),
    }
    return JwtAccessTokens(KeySet.hmac(KEY), **(options | overrides))


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "sub": str(uuid.uuid4()),
        "sid": str(uuid.uuid4()),
        "iat": now,
        "nbf": now,
        "exp": now + 900,
        "iss": "accounts",
        "aud": "accounts",
        "jti": "abc",
    }
    return {k: v for k, v in (base | overrides).items() if v is not None}


def forge(
    payload: dict[str, Any], key: bytes = KEY, algorithm: str = "HS256", **headers: Any
) -> str:
    return jwt.encode(
        payload, key, algorithm=algorithm, headers={"typ": "at+jwt", "kid": KID, **headers}
    )


def raw_token(header: dict[str, Any], payload: dict[str, Any], key: bytes) -> str:
    """A token built by hand, for headers PyJWT itself would refuse to write."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{part(json.dumps(header).encode())}.{part(json.dumps(payload).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{part(signature)}"


def refused(token: str) -> bool:
    try:
        codec().decode(token)
    except InvalidToken:
        return True
    return False


def test_issued_token_round_trips_with_every_claim() -> None:
    user_id, session_id = uuid.uuid4(), uuid.uuid4()
    issued = codec().issue(user_id, session_id, datetime.now(UTC))
    header = jwt.get_unverified_header(issued.token)
    payload = jwt.decode(issued.token, KEY, algorithms=["HS256"], audience="accounts")
    assert header == {"alg": "HS256", "typ": "at+jwt", "kid": KID}
    assert set(payload) == {*REQUIRED_CLAIMS, "amr"}
    assert payload["amr"] == ["pwd"]  # RFC 8176: a password alone
    assert payload["exp"] - payload["iat"] == issued.expires_in == 900
    decoded = codec().decode(issued.token)
    assert (decoded.user_id, decoded.session_id) == (user_id, session_id)


def test_a_token_carries_the_methods_its_login_was_proved_by() -> None:
    issued = codec().issue(uuid.uuid4(), uuid.uuid4(), datetime.now(UTC), ("pwd", "otp"))
    payload = jwt.decode(issued.token, KEY, algorithms=["HS256"], audience="accounts")
    assert payload["amr"] == ["pwd", "otp"]


def test_each_token_has_its_own_jti() -> None:
    now = datetime.now(UTC)
    first, second = (codec().issue(uuid.uuid4(), uuid.uuid4(), now).token for _ in range(2))
    assert (
        jwt.decode(first, options={"verify_signature": False})["jti"]
        != jwt.decode(second, options={"verify_signature": False})["jti"]
    )


def test_s14_a_changed_payload_or_signature_is_refused() -> None:
    token = forge(claims())
    header, payload, signature = token.split(".")
    changed = json.loads(base64.urlsafe_b64decode(payload + "=="))
    changed["sub"] = str(uuid.uuid4())
    forged_payload = base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode()
    assert refused(f"{header}.{forged_payload}.{signature}")
    # Swap the first character: it carries six whole bits of the MAC, unlike
    # the last one, whose low bits are padding a lenient decoder may ignore.
    swapped = ("B" if signature[0] == "A" else "A") + signature[1:]
    assert refused(f"{header}.{payload}.{swapped}")
    assert refused(forge(claims(), key=OTHER_KEY))


def test_s15_none_and_other_algorithms_are_refused() -> None:
    assert refused(jwt.encode(claims(), None, algorithm="none", headers={"typ": "at+jwt"}))
    assert refused(forge(claims(), algorithm="HS384", key=KEY * 2))
    assert refused(forge(claims(), algorithm="HS512", key=KEY * 2))


@pytest.mark.parametrize("missing", REQUIRED_CLAIMS)
def test_s16_every_claim_is_required(missing: str) -> None:
    assert refused(forge(claims(**{missing: None})))


@pytest.mark.parametrize(
    "override",
    [
        lambda now: {"iss": "someone-else"},
        lambda now: {"aud": "another-api"},
        lambda now: {"aud": ["accounts", "another-api"]},
        lambda now: {"exp": now - 31},
        lambda now: {"nbf": now + 60},
        lambda now: {"iat": now + 60},
        lambda now: {"sub": "not-a-uuid"},
        lambda now: {"sid": 12},
    ],
    ids=["iss", "aud", "aud-list", "expired", "not-yet-valid", "issued-later", "sub", "sid"],
)
def test_s16_wrong_issuer_audience_times_and_ids_are_refused(
    override: Callable[[int], dict[str, Any]],
) -> None:
    # Times are taken when the test runs, not when it is collected: a whole
    # suite can take longer than the leeway.
    assert refused(forge(claims(**override(int(time.time())))))


def test_s16_leeway_is_at_most_30_seconds() -> None:
    with pytest.raises(ValueError, match="30 seconds"):
        codec(leeway=timedelta(seconds=31))
    assert not refused(forge(claims(exp=int(time.time()) - 5)))  # within the 10 s default


@pytest.mark.parametrize("typ", ["JWT", "rt+jwt", None])
def test_s17_typ_must_be_at_jwt(typ: str | None) -> None:
    headers = {"typ": typ} if typ else {}
    token = jwt.encode(claims(), KEY, algorithm="HS256", headers=headers)
    if typ is None:  # PyJWT adds typ=JWT by default; remove it altogether
        token = jwt.api_jws.encode(
            json.dumps(claims()).encode(), KEY, "HS256", headers={"typ": None}
        )
    assert refused(token)


def test_s17_an_opaque_refresh_token_is_not_a_bearer_token() -> None:
    assert refused("Yv0m2Yd2oEwq7b1mB4c8KfZ2pQvQ3k7m9yPz1sQ0hXU")


def test_s18_keys_shorter_than_32_bytes_are_refused_by_pyjwt() -> None:
    with pytest.raises(InvalidKey, match="32 bytes"):
        KeySet.hmac(b"s" * 31)
    # and PyJWT enforces it too, should a short key ever reach it
    short = KeySet("HS256", "k", b"s" * 31, {"k": b"s" * 31})
    codec_ = JwtAccessTokens(
        short, issuer="i", audience="a", lifetime=timedelta(minutes=1), clock=SystemClock()
    )
    with pytest.raises(jwt.InvalidKeyError):
        codec_.issue(uuid.uuid4(), uuid.uuid4(), datetime.now(UTC))


@pytest.mark.parametrize(
    "headers",
    [
        {"jwk": {"kty": "oct", "k": base64.urlsafe_b64encode(OTHER_KEY).decode()}},
        {"jku": "https://attacker.example/jwks.json"},
        {"x5u": "https://attacker.example/cert.pem"},
        {"kid": "../../../../dev/null"},
        {"kid": "x" * 10_000},
    ],
)
def test_s19_key_material_in_headers_is_ignored_and_odd_kids_are_a_clean_refusal(
    headers: dict[str, Any],
) -> None:
    assert refused(forge(claims(), key=OTHER_KEY, **headers))


@pytest.mark.parametrize("kid", [12345, None, {"a": 1}, ["x"]])
def test_s19_a_kid_of_the_wrong_type_is_a_clean_refusal(kid: Any) -> None:
    header = {"alg": "HS256", "typ": "at+jwt", "kid": kid}
    assert refused(raw_token(header, claims(), KEY))
    assert refused(raw_token(header, claims(), OTHER_KEY))


@pytest.mark.parametrize("garbage", ["", "a.b", "a.b.c", "...", "ü.ü.ü", "eyJ.eyJ.x", "x" * 5000])
def test_garbage_is_a_clean_refusal(garbage: str) -> None:
    assert refused(garbage)


def test_a_verified_token_is_still_refused_once_it_expires() -> None:
    """Times are read from the Clock port: the same clock as every other adapter's."""
    clock = FakeClock()
    tokens = codec(clock=clock)
    token = forge(claims(exp=int(clock.now().timestamp()) + 60))
    assert tokens.decode(token)  # verified, and remembered
    clock.advance(seconds=60 + 9)
    assert tokens.decode(token)  # within the 10 s leeway
    clock.advance(seconds=2)  # past exp and the leeway
    with pytest.raises(InvalidToken):
        tokens.decode(token)


def test_a_token_not_yet_valid_is_not_served_from_the_cache() -> None:
    clock = FakeClock()
    tokens = codec(clock=clock)
    token = forge(claims())
    assert tokens.decode(token)
    clock.advance(seconds=-60)
    with pytest.raises(InvalidToken):
        tokens.decode(token)  # the cached nbf says "not yet"


@pytest.mark.parametrize("claim", ["iat", "nbf", "exp"])
@pytest.mark.parametrize("value", ["soon", True, None, [1]])
def test_s16_times_that_are_not_numbers_are_refused(claim: str, value: Any) -> None:
    payload = claims()
    payload[claim] = value
    if value is None:
        del payload[claim]
    assert refused(raw_token({"alg": "HS256", "typ": "at+jwt", "kid": KID}, payload, KEY))


def test_the_verified_token_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("adapters.security.jwt_access_tokens.VERIFIED_CACHE_SIZE", 3)
    tokens = codec()
    for _ in range(10):
        assert tokens.decode(forge(claims(jti=str(uuid.uuid4()))))
    assert len(tokens._verified) <= 3


def test_a_refused_token_is_not_remembered() -> None:
    tokens = codec()
    bad = forge(claims(), key=OTHER_KEY)
    for _ in range(2):
        with pytest.raises(InvalidToken):
            tokens.decode(bad)
    assert tokens._verified == {}
