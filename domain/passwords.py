"""The password policy (S1-S4) and the shipped list of common passwords."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from domain.errors import PasswordRejected
from domain.users import Email

MIN_PASSWORD_LENGTH = 8  # the least a policy may ask; PASSWORD_MIN_LENGTH raises it
MAX_PASSWORD_LENGTH = 128
# A local part this short ("al@...") would forbid half the alphabet; longer
# ones are what people actually reuse as passwords.
_MIN_LOCAL_PART_CHECKED = 3


def normalize_password(password: str) -> str:
    """NFKC, applied identically when a password is set and when it is checked (S4)."""
    return unicodedata.normalize("NFKC", password)


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords (zxcvbn's list; licence beside the file)."""
    text = resources.files("domain").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line)


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    """What a new password must satisfy. No composition rules unless asked (S2)."""

    min_length: int = MIN_PASSWORD_LENGTH
    require_composition: bool = False
    service_name: str = "accounts"
    blocklist: frozenset[str] = field(default_factory=common_passwords, repr=False)

    def __post_init__(self) -> None:
        if not MIN_PASSWORD_LENGTH <= self.min_length <= MAX_PASSWORD_LENGTH:
            raise ValueError(
                f"min_length must be within {MIN_PASSWORD_LENGTH}..{MAX_PASSWORD_LENGTH}"
            )

    def check(self, password: str, email: Email, field: str = "password") -> str:
        """Return the normalised password, or raise ``PasswordRejected`` naming the rule."""
        normalized = normalize_password(password)
        length = len(normalized)
        if length < self.min_length:
            raise PasswordRejected(
                field, f"A password has at least {self.min_length} characters.", "too_short"
            )
        if length > MAX_PASSWORD_LENGTH:
            raise PasswordRejected(
                field, f"A password has at most {MAX_PASSWORD_LENGTH} characters.", "too_long"
            )
        if self.require_composition and not (
            any(c.isdigit() for c in normalized) and any(c.isupper() for c in normalized)
        ):
            raise PasswordRejected(
                field, "A password needs a digit and an upper-case letter.", "composition"
            )
        folded = normalized.casefold()
        if folded in self.blocklist:
            raise PasswordRejected(
                field, "This password is too common; choose another.", "common_password"
            )
        local = email.local_part
        if len(local) >= _MIN_LOCAL_PART_CHECKED and local in folded:
            raise PasswordRejected(
                field, "A password cannot contain the email address.", "contains_email"
            )
        if self.service_name and self.service_name.casefold() in folded:
            raise PasswordRejected(
                field, "A password cannot contain the name of the service.", "contains_service_name"
            )
        return normalized
