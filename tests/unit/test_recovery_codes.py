"""S48: recovery codes of 60 random bits, read leniently as a person types them."""

from __future__ import annotations

import os

import pytest

from domain.recovery_codes import CODE_BYTES, read_recovery_code, recovery_code


def test_a_code_spells_60_bits_in_three_groups() -> None:
    assert recovery_code(bytes(CODE_BYTES)) == "0000-0000-0000"
    assert recovery_code(b"\xff" * CODE_BYTES) == "zzzz-zzzz-zzzz"
    assert recovery_code(bytes.fromhex("0842108421084210")) == "1111-1111-1111"
    codes = {recovery_code(os.urandom(CODE_BYTES)) for _ in range(1000)}
    assert len(codes) == 1000
    for code in codes:
        assert read_recovery_code(code) == code
        assert not set(code) & set("ilou")  # nothing to misread
    with pytest.raises(ValueError, match="random bytes"):
        recovery_code(b"short")


@pytest.mark.parametrize(
    "typed",
    ["7k2m-q9xd-4hrt", "7K2M Q9XD 4HRT", " 7k2mq9xd4hrt ", "7k2m-q9xd-4hrt\n", "7k2m--q9xd4hrt"],
)
def test_what_a_person_types_is_read_as_the_code(typed: str) -> None:
    assert read_recovery_code(typed) == "7k2m-q9xd-4hrt"


def test_misread_letters_are_read_as_the_digits_they_look_like() -> None:
    assert read_recovery_code("IL0O-1111-0000") == "1100-1111-0000"


@pytest.mark.parametrize("typed", ["", "7k2m-q9xd-4hr", "7k2m-q9xd-4hrtx", "7k2m-q9xd-4hru", "!"])
def test_anything_else_is_no_code(typed: str) -> None:
    assert read_recovery_code(typed) is None
