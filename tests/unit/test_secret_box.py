"""S47's encryption at rest: AES-256-GCM, bound to its row, keys that rotate."""

from __future__ import annotations

import base64

import pytest

from adapters.security.secret_box import SecretBox, SecretBoxError, parse_key

OLD, NEW = b"o" * 32, b"n" * 32
SECRET = b"12345678901234567890"


def test_a_sealed_secret_opens_with_its_context_only() -> None:
    box = SecretBox(NEW)
    sealed = box.seal(SECRET, "user-1")
    assert SECRET not in sealed.encode()
    assert box.open(sealed, "user-1") == SECRET
    assert box.seal(SECRET, "user-1") != sealed  # a fresh nonce each time
    with pytest.raises(SecretBoxError):
        box.open(sealed, "user-2")  # copied into another account's row


def test_a_rotation_keeps_old_secrets_open_and_seals_new_ones_with_the_new_key() -> None:
    sealed_before = SecretBox(OLD).seal(SECRET, "user-1")
    rotated = SecretBox(NEW, previous=(OLD,))
    assert rotated.open(sealed_before, "user-1") == SECRET
    assert rotated.needs_reseal(sealed_before)
    resealed = rotated.seal(SECRET, "user-1")
    assert not rotated.needs_reseal(resealed)
    with pytest.raises(SecretBoxError):
        SecretBox(NEW).open(sealed_before, "user-1")  # the old key retired


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: s[:-2] + ("A" if s[-2] != "A" else "B") + s[-1],  # a flipped bit
        lambda s: "v2" + s[2:],
        lambda s: s.split(".")[0],
        lambda s: s + "!!",
        lambda s: "",
    ],
)
def test_a_tampered_secret_does_not_open(mangle: object) -> None:
    box = SecretBox(NEW)
    with pytest.raises(SecretBoxError):
        box.open(mangle(box.seal(SECRET, "user-1")), "user-1")  # type: ignore[operator]


def test_keys_are_32_bytes_of_base64url() -> None:
    text = base64.urlsafe_b64encode(NEW).decode().rstrip("=")
    assert parse_key(text) == NEW
    for bad in ("short", "!" * 43, base64.urlsafe_b64encode(b"x" * 16).decode()):
        with pytest.raises(ValueError, match="32 bytes"):
            parse_key(bad)
    with pytest.raises(ValueError, match="32 bytes"):
        SecretBox(b"k" * 16)


def test_digests_are_keyed_bound_to_their_context_and_survive_a_rotation() -> None:
    before = SecretBox(OLD).digests("7k2m-q9xd-4hrt", "user-1")
    assert len(before) == 1
    assert len(before[0]) <= 64  # recovery_codes.code_hash
    assert SecretBox(OLD).digests("7k2m-q9xd-4hrt", "user-1") == before  # deterministic
    assert SecretBox(NEW).digests("7k2m-q9xd-4hrt", "user-1") != before  # keyed
    assert SecretBox(OLD).digests("7k2m-q9xd-4hrt", "user-2") != before  # bound
    assert SecretBox(OLD).digests("7k2m-q9xd-4hrx", "user-1") != before
    rotated = SecretBox(NEW, previous=(OLD,)).digests("7k2m-q9xd-4hrt", "user-1")
    assert rotated[0] == SecretBox(NEW).digests("7k2m-q9xd-4hrt", "user-1")[0]
    assert rotated[1:] == before  # a code stored before the rotation still matches
