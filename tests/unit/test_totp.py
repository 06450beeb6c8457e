"""S47: TOTP per RFC 6238, checked against the RFCs' own test vectors; drift
of one step either way and not two; each step accepted once."""

from __future__ import annotations

import pytest

from domain.totp import TotpSecret, accepted_step, hotp, time_step, totp

RFC_SECRET = b"12345678901234567890"  # RFC 4226 appendix D, RFC 6238 appendix B (SHA-1)


@pytest.mark.parametrize(
    ("counter", "code"),
    list(
        enumerate(
            [
                "755224",
                "287082",
                "359152",
                "969429",
                "338314",
                "254676",
                "287922",
                "162583",
                "399871",
                "520489",
            ]
        )
    ),
)
def test_hotp_gives_rfc_4226s_values(counter: int, code: str) -> None:
    assert hotp(RFC_SECRET, counter) == code


@pytest.mark.parametrize(
    ("unix_seconds", "code"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_totp_gives_rfc_6238s_values(unix_seconds: int, code: str) -> None:
    assert totp(RFC_SECRET, unix_seconds, digits=8) == code
    assert totp(RFC_SECRET, unix_seconds) == code[-6:]


NOW = 1_800_000_015.0  # 15 s into its step


def test_a_code_of_the_step_before_or_after_is_accepted_and_not_two_away() -> None:
    step = time_step(NOW)
    for drift in (-1, 0, 1):
        code = hotp(RFC_SECRET, step + drift)
        assert accepted_step(RFC_SECRET, code, NOW, None) == step + drift
    for drift in (-2, 2):
        assert accepted_step(RFC_SECRET, hotp(RFC_SECRET, step + drift), NOW, None) is None


def test_a_step_is_accepted_once_and_never_an_earlier_one_after_it() -> None:
    step = time_step(NOW)
    code = hotp(RFC_SECRET, step)
    assert accepted_step(RFC_SECRET, code, NOW, None) == step
    assert accepted_step(RFC_SECRET, code, NOW, step) is None  # replay
    assert accepted_step(RFC_SECRET, hotp(RFC_SECRET, step - 1), NOW, step) is None
    assert accepted_step(RFC_SECRET, hotp(RFC_SECRET, step + 1), NOW, step) == step + 1


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "000000", "2870820"])
def test_anything_else_is_refused(typed: str) -> None:
    """At 59 s the codes within a step are 755224, 287082 and 359152."""
    assert accepted_step(RFC_SECRET, typed, 59, None) is None


def test_spaces_typed_inside_a_code_are_ignored() -> None:
    code = totp(RFC_SECRET, NOW)
    assert accepted_step(RFC_SECRET, f" {code[:3]} {code[3:]} ", NOW, None) == time_step(NOW)


def test_the_secret_is_shown_as_base32_and_an_otpauth_uri() -> None:
    secret = TotpSecret(RFC_SECRET)
    assert secret.base32 == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert secret.otpauth_uri("ada@example.com", "Accounts & Co") == (
        "otpauth://totp/Accounts%20%26%20Co:ada@example.com"
        "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Accounts%20%26%20Co"
        "&algorithm=SHA1&digits=6&period=30"
    )
