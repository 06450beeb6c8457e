"""The second factors' repository held to one contract on every adapter: in
memory, and SQLAlchemy on each database; they go with their account."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain.second_factors import RecoveryCode, TotpFactor
from domain.users import User
from tests.support.contract import NOW, UowFactory, make_user


def stored(uow: UowFactory, user: User) -> None:
    with uow() as work:
        work.users.add(user)
        work.commit()


def test_an_authenticator_is_kept_replaced_and_removed(uow: UowFactory) -> None:
    ada = make_user()
    stored(uow, ada)
    enrolment = TotpFactor(ada.id, "v1.sealed.one", NOW)
    with uow() as work:
        assert work.second_factors.totp(ada.id) is None
        work.second_factors.put_totp(enrolment)
        work.commit()
    confirmed = replace(enrolment, sealed_secret="v1.sealed.two", confirmed_at=NOW)
    with uow() as work:
        assert work.second_factors.totp(ada.id) == enrolment
        work.second_factors.put_totp(confirmed)  # one per account: it replaces
        work.commit()
    with uow() as work:
        assert work.second_factors.totp(ada.id) == confirmed
        work.second_factors.delete_totp(ada.id)
        work.commit()
    with uow(read_only=True) as work:
        assert work.second_factors.totp(ada.id) is None


def test_a_time_step_is_used_once_and_never_an_earlier_one(uow: UowFactory) -> None:
    ada = make_user()
    stored(uow, ada)
    with uow() as work:
        work.second_factors.put_totp(TotpFactor(ada.id, "v1.sealed", NOW, NOW))
        assert work.second_factors.use_totp_step(ada.id, 100)
        assert not work.second_factors.use_totp_step(ada.id, 100)  # replay
        assert not work.second_factors.use_totp_step(ada.id, 99)
        assert work.second_factors.use_totp_step(ada.id, 101)
        assert not work.second_factors.use_totp_step(make_user().id, 5)  # no authenticator
        work.commit()
    with uow(read_only=True) as work:
        factor = work.second_factors.totp(ada.id)
    assert factor is not None
    assert factor.last_used_step == 101


def test_recovery_codes_are_used_once_and_a_new_set_kills_the_old(uow: UowFactory) -> None:
    ada, bob = make_user(), make_user("bob@example.com")
    stored(uow, ada)
    stored(uow, bob)
    first = [RecoveryCode(ada.id, f"hash-{n}", NOW) for n in range(10)]
    with uow() as work:
        work.second_factors.replace_recovery_codes(ada.id, first)
        work.second_factors.replace_recovery_codes(bob.id, [RecoveryCode(bob.id, "hash-0", NOW)])
        work.commit()
    later = NOW + timedelta(minutes=1)
    with uow() as work:
        assert work.second_factors.use_recovery_code(ada.id, "hash-3", later)
        assert not work.second_factors.use_recovery_code(ada.id, "hash-3", later)
        assert not work.second_factors.use_recovery_code(ada.id, "unknown", later)
        assert work.second_factors.unused_recovery_codes(ada.id) == 9
        assert work.second_factors.unused_recovery_codes(bob.id) == 1
        work.second_factors.replace_recovery_codes(ada.id, [RecoveryCode(ada.id, "new", later)])
        work.commit()
    with uow(read_only=True) as work:
        assert work.second_factors.unused_recovery_codes(ada.id) == 1
    with uow() as work:
        assert not work.second_factors.use_recovery_code(ada.id, "hash-0", later)  # killed


def test_second_factors_go_with_their_account(uow: UowFactory) -> None:
    ada = make_user()
    stored(uow, ada)
    with uow() as work:
        work.second_factors.put_totp(TotpFactor(ada.id, "v1.sealed", NOW, NOW))
        work.second_factors.replace_recovery_codes(ada.id, [RecoveryCode(ada.id, "h", NOW)])
        work.commit()
    with uow() as work:
        work.users.delete(ada.id)
        work.commit()
    with uow(read_only=True) as work:
        assert work.second_factors.totp(ada.id) is None
        assert work.second_factors.unused_recovery_codes(ada.id) == 0
