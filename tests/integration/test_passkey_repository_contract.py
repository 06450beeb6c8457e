"""Passkeys, WebAuthn challenges and logins waiting for their second step,
held to one contract on every adapter: in memory, and SQLAlchemy on each
database; all go with their account."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from uuid import uuid4

import pytest

from domain.errors import InvalidPasskey
from domain.passkeys import Ceremony, Passkey, WebAuthnChallenge
from domain.second_factors import MFA_TOKEN_LIFETIME, MFA_TOKEN_TRIES, PendingLogin
from domain.users import User
from tests.support.contract import NOW, UowFactory, make_user

LATER = NOW + timedelta(minutes=1)


def stored(uow: UowFactory, *users: User) -> None:
    with uow() as work:
        for user in users:
            work.users.add(user)
        work.commit()


def passkey(user: User, credential_id: bytes, minutes: int = 0) -> Passkey:
    return Passkey(
        id=uuid4(),
        user_id=user.id,
        credential_id=credential_id,
        public_key=b"\xa5\x01\x02" + credential_id,
        sign_count=0,
        name=f"Key {credential_id[:8].hex()}",
        created_at=NOW + timedelta(minutes=minutes),
    )


def challenge(
    user: User | None, name: str, ceremony: Ceremony = Ceremony.SIGN_IN
) -> WebAuthnChallenge:
    return WebAuthnChallenge(
        name, ceremony, user.id if user else None, NOW, NOW + timedelta(minutes=5)
    )


def test_passkeys_are_kept_found_by_credential_and_listed_oldest_first(uow: UowFactory) -> None:
    ada, bob = make_user(), make_user("bob@example.com")
    stored(uow, ada, bob)
    # A credential id is up to 1023 bytes of any value (S51).
    first, second = passkey(ada, bytes(range(256)) * 3, 1), passkey(ada, b"\x00" * 1023, 0)
    with uow() as work:
        for key in (first, second, passkey(bob, b"bob")):
            work.passkeys.add(key)
        work.commit()
    with uow(read_only=True) as work:
        assert work.passkeys.of_user(ada.id) == [second, first]
        assert work.passkeys.by_credential_id(bytes(range(256)) * 3) == first
        assert work.passkeys.by_credential_id(b"nobody") is None


def test_a_credential_id_is_unique(uow: UowFactory) -> None:
    ada, bob = make_user(), make_user("bob@example.com")
    stored(uow, ada, bob)
    with uow() as work:
        work.passkeys.add(passkey(ada, b"same"))
        work.commit()
    with uow() as work, pytest.raises(InvalidPasskey):
        work.passkeys.add(passkey(bob, b"same"))


def test_a_use_moves_the_count_on_once(uow: UowFactory) -> None:
    ada = make_user()
    stored(uow, ada)
    key = passkey(ada, b"key")
    with uow() as work:
        work.passkeys.add(key)
        assert work.passkeys.record_use(key.id, 0, 1, LATER)
        assert not work.passkeys.record_use(key.id, 0, 1, LATER)  # the count moved: lost the race
        assert not work.passkeys.record_use(uuid4(), 0, 1, LATER)
        work.commit()
    with uow(read_only=True) as work:
        (used,) = work.passkeys.of_user(ada.id)
    assert (used.sign_count, used.last_used_at) == (1, LATER)


def test_a_passkey_is_renamed_only_by_its_owner(uow: UowFactory) -> None:
    ada, bob = make_user(), make_user("bob@example.com")
    stored(uow, ada, bob)
    key = passkey(ada, b"named")
    with uow() as work:
        work.passkeys.add(key)
        work.commit()
    with uow() as work:
        assert work.passkeys.rename(bob.id, key.id, "Mine") is None
        renamed = work.passkeys.rename(ada.id, key.id, "Työläppäri")
        assert renamed is not None
        assert renamed.name == "Työläppäri"
        work.commit()
    with uow(read_only=True) as work:
        assert [p.name for p in work.passkeys.of_user(ada.id)] == ["Työläppäri"]


def test_a_passkey_is_removed_only_by_its_owner(uow: UowFactory) -> None:
    ada, bob = make_user(), make_user("bob@example.com")
    stored(uow, ada, bob)
    keys = [passkey(ada, b"one"), passkey(ada, b"two", 1)]
    with uow() as work:
        for key in keys:
            work.passkeys.add(key)
        work.commit()
    with uow() as work:
        assert work.passkeys.delete(bob.id, keys[0].id) is None
        assert work.passkeys.delete(ada.id, keys[0].id) == keys[0]
        assert work.passkeys.delete(ada.id, keys[0].id) is None
        work.commit()
    with uow() as work:
        work.passkeys.delete_all(ada.id)
        work.commit()
    with uow(read_only=True) as work:
        assert work.passkeys.of_user(ada.id) == []


def test_a_challenge_is_taken_once_and_not_after_it_expired(uow: UowFactory) -> None:
    ada = make_user()
    stored(uow, ada)
    with uow() as work:
        work.passkeys.add_challenge(challenge(ada, "a" * 64, Ceremony.REGISTER))
        work.passkeys.add_challenge(challenge(None, "b" * 64))
        work.commit()
    with uow() as work:
        assert work.passkeys.take_challenge("a" * 64, LATER) == challenge(
            ada, "a" * 64, Ceremony.REGISTER
        )
        assert work.passkeys.take_challenge("a" * 64, LATER) is None
        assert work.passkeys.take_challenge("b" * 64, NOW + timedelta(minutes=5)) is None
        work.commit()
    with uow(read_only=True) as work:  # an expired one is gone too, taken or not
        assert work.passkeys.take_challenge("b" * 64, LATER) is None


def test_of_concurrent_takes_of_a_challenge_one_wins(uow: UowFactory) -> None:
    stored(uow)
    with uow() as work:
        work.passkeys.add_challenge(challenge(None, "c" * 64))
        work.commit()

    def take(_: int) -> bool:
        with uow() as work:
            taken = work.passkeys.take_challenge("c" * 64, LATER)
            work.commit()
        return taken is not None

    with ThreadPoolExecutor(4) as pool:
        assert sum(pool.map(take, range(4))) == 1


def test_ended_challenges_are_purged_in_batches(uow: UowFactory) -> None:
    with uow() as work:
        for n in range(3):
            work.passkeys.add_challenge(challenge(None, f"{n}" * 64))
        work.commit()
    with uow() as work:
        assert work.passkeys.delete_ended_challenges(NOW, 10) == 0
        assert work.passkeys.delete_ended_challenges(NOW + timedelta(minutes=6), 2) == 2
        assert work.passkeys.delete_ended_challenges(NOW + timedelta(minutes=6), 2) == 1
        work.commit()


def pending(user: User, token_hash: str) -> PendingLogin:
    return PendingLogin(
        token_hash, user.id, NOW, NOW + MFA_TOKEN_LIFETIME, "stamp", None, "ua", "::1"
    )


def test_a_pending_login_counts_its_tries_up_to_five_and_is_spent_once(uow: UowFactory) -> None:
    ada = make_user()
    stored(uow, ada)
    with uow() as work:
        work.pending_logins.add(pending(ada, "p" * 64))
        work.commit()
    with uow() as work:
        assert [work.pending_logins.count_try("p" * 64, LATER) for _ in range(6)] == [True] * 5 + [
            False
        ]
        assert not work.pending_logins.count_try("q" * 64, LATER)
        work.commit()
    with uow() as work:
        got = work.pending_logins.get("p" * 64)
        assert got is not None
        assert (got.tries, got.remember, got.ip) == (MFA_TOKEN_TRIES, None, "::1")
        assert work.pending_logins.spend("p" * 64, LATER)
        assert not work.pending_logins.spend("p" * 64, LATER)
        work.commit()


def test_an_expired_pending_login_counts_no_try_and_is_purged(uow: UowFactory) -> None:
    ada = make_user()
    stored(uow, ada)
    with uow() as work:
        work.pending_logins.add(pending(ada, "e" * 64))
        work.pending_logins.add(pending(ada, "f" * 64))
        work.commit()
    ended = NOW + MFA_TOKEN_LIFETIME + timedelta(seconds=1)
    with uow() as work:
        assert not work.pending_logins.count_try("e" * 64, ended)
        assert work.pending_logins.delete_ended(NOW, 10) == 0
        assert work.pending_logins.delete_ended(ended, 1) == 1
        assert work.pending_logins.delete_ended(ended, 10) == 1
        work.commit()


def test_passkeys_challenges_and_pending_logins_go_with_their_account(uow: UowFactory) -> None:
    ada = make_user()
    stored(uow, ada)
    with uow() as work:
        work.passkeys.add(passkey(ada, b"gone"))
        work.passkeys.add_challenge(challenge(ada, "d" * 64, Ceremony.REGISTER))
        work.pending_logins.add(pending(ada, "g" * 64))
        work.commit()
    with uow() as work:
        work.users.delete(ada.id)
        work.commit()
    with uow(read_only=True) as work:
        assert work.passkeys.by_credential_id(b"gone") is None
        assert work.passkeys.take_challenge("d" * 64, LATER) is None
        assert work.pending_logins.get("g" * 64) is None
