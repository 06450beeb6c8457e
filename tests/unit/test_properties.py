"""Property tests of the domain's rules: email canonical form, password policy."""

from __future__ import annotations

import unicodedata

from hypothesis import assume, given
from hypothesis import strategies as st

from domain.errors import InvalidEmail, PasswordRejected
from domain.passwords import MAX_PASSWORD_LENGTH, PasswordPolicy, normalize_password
from domain.users import MAX_EMAIL_LENGTH, Email

POLICY = PasswordPolicy(service_name="")
OWNER = Email.parse("owner@example.com")
local_parts = st.from_regex(r"[a-zA-Z0-9][a-zA-Z0-9._+-]{0,20}[a-zA-Z0-9]", fullmatch=True)
domains = st.from_regex(
    r"[a-zA-Z0-9]{1,10}(\.[a-zA-Z0-9]{1,10}){0,2}\.[a-zA-Z]{2,6}", fullmatch=True
)


@given(local_parts, domains, st.sampled_from(["", " ", "\t", "\n  "]))
def test_canonical_email_is_stable_and_ignores_case_and_spaces(
    local: str, domain: str, padding: str
) -> None:
    assume(".." not in local)
    email = Email.parse(f"{padding}{local}@{domain}{padding}")
    assert Email.parse(email.value) == email  # idempotent
    assert Email.parse(f"{local.upper()}@{domain.upper()}") == email
    assert email.value == email.value.strip().casefold()
    assert email.value == unicodedata.normalize("NFKC", email.value)


@given(st.text(max_size=300))
def test_parse_email_accepts_or_refuses_never_crashes(raw: str) -> None:
    try:
        email = Email.parse(raw)
    except InvalidEmail:
        return
    assert len(email.value) <= MAX_EMAIL_LENGTH
    assert email.value.count("@") == 1
    assert Email.parse(email.value) == email


@given(st.text(max_size=200))
def test_password_policy_accepts_or_names_a_rule(password: str) -> None:
    outcome = _outcome(password)
    assert outcome in {"ok", "too_short", "too_long", "common_password", "contains_email"}
    if outcome == "ok":
        assert 8 <= len(normalize_password(password)) <= MAX_PASSWORD_LENGTH


@given(st.text(min_size=8, max_size=40).filter(lambda p: len(normalize_password(p)) >= 8))
def test_the_policy_depends_on_the_nfkc_form_only(password: str) -> None:
    nfkc = normalize_password(password)
    outcome = _outcome(password)
    assert outcome == _outcome(nfkc)


def _outcome(password: str) -> str:
    try:
        POLICY.check(password, OWNER)
    except PasswordRejected as rejected:
        return rejected.rule
    return "ok"
