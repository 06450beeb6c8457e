from __future__ import annotations

import pytest

from domain.errors import InvalidEmail, InvalidName
from domain.users import Email, parse_name


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("ada@example.com", "ada@example.com"),
        ("  Ada@Example.COM \n", "ada@example.com"),
        ("ＡＤＡ@example.com", "ada@example.com"),  # full-width letters fold by NFKC
        ("Straße@example.de", "strasse@example.de"),  # case folding, not lower()
        ("first.last+tag@sub.example.org", "first.last+tag@sub.example.org"),
        ("josé@exämple.com", "josé@exämple.com"),
    ],
)
def test_s29_email_is_trimmed_nfkc_and_case_folded(raw: str, canonical: str) -> None:
    assert Email.parse(raw).value == canonical


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "ada",
        "ada@",
        "@example.com",
        "ada@example",
        "ada@@example.com",
        "ada example@example.com",
        ".ada@example.com",
        "ada.@example.com",
        "a..da@example.com",
        "ada@-example.com",
        "ada@example.c",
        "ada@exa_mple.com",
        "ada\x00@example.com",
        "x" * 65 + "@example.com",
    ],
)
def test_invalid_emails_are_refused(raw: str) -> None:
    with pytest.raises(InvalidEmail):
        Email.parse(raw)


def test_s29_email_over_254_characters_is_refused() -> None:
    email = "a@" + ".".join(["b" * 60] * 5) + ".com"
    assert len(email) > 254
    with pytest.raises(InvalidEmail, match="254"):
        Email.parse(email)


def test_email_local_part() -> None:
    assert Email.parse("Grace.Hopper@navy.mil").local_part == "grace.hopper"


def test_name_is_trimmed() -> None:
    assert parse_name("  Ada Lovelace  ") == "Ada Lovelace"


@pytest.mark.parametrize(
    "raw", ["", "   ", "x" * 81, "Ada\nLovelace", "Ada\x07", "A\u2028B", "\u200b", "\u200e \u200b"]
)
def test_invalid_names_are_refused(raw: str) -> None:
    with pytest.raises(InvalidName):
        parse_name(raw)


def test_name_of_80_characters_and_emoji_is_fine() -> None:
    assert parse_name("é" * 79 + "🙂") == "é" * 79 + "🙂"


def test_format_characters_inside_a_name_are_kept() -> None:
    family = "\U0001f469\u200d\U0001f467"  # woman, zero-width joiner, girl
    assert parse_name(f"Ada {family}") == f"Ada {family}"
