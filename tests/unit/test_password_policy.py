from __future__ import annotations

import pytest

from domain.errors import PasswordRejected
from domain.passwords import PasswordPolicy, common_passwords, normalize_password
from domain.users import Email

EMAIL = Email.parse("grace.hopper@example.com")


def rule_of(policy: PasswordPolicy, password: str) -> str:
    with pytest.raises(PasswordRejected) as caught:
        policy.check(password, EMAIL)
    return caught.value.rule


def test_s1_length_is_counted_after_nfkc() -> None:
    policy = PasswordPolicy()
    # U+FB01 (ﬁ) is one code point that NFKC turns into two ("fi").
    assert policy.check("\ufb01" * 4, EMAIL) == "fi" * 4
    assert rule_of(policy, "\ufb01" * 3 + "x") == "too_short"  # 7 after NFKC


def test_s1_bounds_8_to_128() -> None:
    policy = PasswordPolicy()
    assert rule_of(policy, "x7#kq9!") == "too_short"
    assert policy.check("x7#kq9!z", EMAIL) == "x7#kq9!z"
    assert policy.check("Zq9" * 42 + "xy", EMAIL)  # 128
    assert rule_of(policy, "Zq9" * 42 + "xyz") == "too_long"


def test_s1_minimum_can_be_raised() -> None:
    policy = PasswordPolicy(min_length=15)
    assert rule_of(policy, "plum-kite-9876") == "too_short"
    assert policy.check("plum-kite-98765", EMAIL)


def test_s1_minimum_outside_8_to_128_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="min_length"):
        PasswordPolicy(min_length=6)


def test_s1_spaces_emoji_and_any_unicode_are_allowed() -> None:
    assert PasswordPolicy().check("  ☃ 雪だるま 🙂  ", EMAIL) == "  ☃ 雪だるま 🙂  "


def test_s2_no_composition_rules_by_default() -> None:
    assert PasswordPolicy().check("lowercase only words", EMAIL)


def test_s2_composition_rule_is_a_setting() -> None:
    policy = PasswordPolicy(require_composition=True)
    assert rule_of(policy, "lowercase only words") == "composition"
    assert rule_of(policy, "Uppercase but no digit") == "composition"
    assert policy.check("Upper and digit 7", EMAIL)


def test_s3_shipped_blocklist_has_at_least_10000_common_passwords() -> None:
    blocklist = common_passwords()
    assert len(blocklist) >= 10_000
    assert {"password", "qwerty", "iloveyou", "123456789"} <= blocklist


@pytest.mark.parametrize(
    "password", ["password", "PassWord1", "12345678", "iloveyou", "qwertyuiop"]
)
def test_s3_common_passwords_are_refused(password: str) -> None:
    assert rule_of(PasswordPolicy(), password) == "common_password"


def test_s3_password_containing_the_email_local_part_is_refused() -> None:
    assert rule_of(PasswordPolicy(), "my Grace.Hopper pass") == "contains_email"


def test_s3_password_containing_the_service_name_is_refused() -> None:
    assert (
        rule_of(PasswordPolicy(service_name="Acme"), "my acme password!") == "contains_service_name"
    )


def test_s3_rejection_names_the_field() -> None:
    with pytest.raises(PasswordRejected) as caught:
        PasswordPolicy().check("short", EMAIL, field="new_password")
    assert caught.value.field == "new_password"


def test_s4_normalisation_is_nfkc_and_keeps_case() -> None:
    assert normalize_password("Ｐａｓｓ") == "Pass"
    assert normalize_password("CaSe") == "CaSe"
