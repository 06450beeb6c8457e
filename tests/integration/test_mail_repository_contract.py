"""The mail's repositories (link tokens, the outbox, reset requests) held to
one contract on every adapter: in memory, and SQLAlchemy on each database."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from domain.mail import (
    RETRY_DELAYS,
    DeliveryState,
    LinkPurpose,
    LinkToken,
    MailKind,
    OutboxMessage,
    ResetRequest,
)
from domain.users import User
from tests.support.contract import NOW, UowFactory, ids, make_user

LEASE = timedelta(minutes=5)


def stored_user(uow: UowFactory) -> User:
    user = make_user()
    with uow() as work:
        work.users.add(user)
        work.commit()
    return user


def message(n: int = 0) -> OutboxMessage:
    return OutboxMessage(
        ids.new_id(),
        MailKind.VERIFY_EMAIL,
        f"user{n}@example.com",
        "Subject",
        "text\n",
        "<p>html</p>",
        NOW,
    )


def test_a_link_token_is_kept_as_given_and_spent_once(uow: UowFactory) -> None:
    user = stored_user(uow)
    token = LinkToken.issue(
        "h" * 64, LinkPurpose.RESET_PASSWORD, user.id, NOW, timedelta(minutes=30), "ada@example.com"
    )
    with uow() as work:
        work.links.add(token)
        work.commit()
    with uow() as work:
        assert work.links.get("h" * 64) == token
        assert work.links.get("x" * 64) is None
        assert work.links.spend("h" * 64, NOW) is True
        assert work.links.spend("h" * 64, NOW) is False  # the compare-and-set
        work.commit()
    with uow(read_only=True) as work:
        spent = work.links.get("h" * 64)
    assert spent is not None
    assert spent.used_at == NOW


def test_a_new_device_link_keeps_its_session(uow: UowFactory) -> None:
    user = stored_user(uow)
    session_id = uuid4()  # no foreign key: the link outlives a purged session
    token = LinkToken.issue(
        "n" * 64, LinkPurpose.NEW_DEVICE, user.id, NOW, timedelta(days=7), session_id=session_id
    )
    with uow() as work:
        work.links.add(token)
        work.commit()
    with uow(read_only=True) as work:
        assert work.links.get("n" * 64) == token


def test_spending_all_of_a_purpose_leaves_the_others(uow: UowFactory) -> None:
    user = stored_user(uow)
    with uow() as work:
        for name, purpose in (
            ("a", LinkPurpose.RESET_PASSWORD),
            ("b", LinkPurpose.RESET_PASSWORD),
            ("c", LinkPurpose.VERIFY_EMAIL),
        ):
            work.links.add(LinkToken.issue(name * 64, purpose, user.id, NOW, timedelta(hours=1)))
        work.links.spend_all(user.id, LinkPurpose.RESET_PASSWORD, NOW)
        work.commit()
    with uow(read_only=True) as work:
        tokens = {name: work.links.get(name * 64) for name in "abc"}
    assert {name: t.used_at for name, t in tokens.items() if t} == {"a": NOW, "b": NOW, "c": None}


def test_a_deleted_user_takes_its_link_tokens(uow: UowFactory) -> None:
    user = stored_user(uow)
    with uow() as work:
        work.links.add(
            LinkToken.issue("h" * 64, LinkPurpose.VERIFY_EMAIL, user.id, NOW, timedelta(hours=1))
        )
        work.commit()
    with uow() as work:
        work.users.delete(user.id)
        work.commit()
    with uow(read_only=True) as work:
        assert work.links.get("h" * 64) is None


def test_the_outbox_hands_out_due_messages_oldest_first_for_a_lease(uow: UowFactory) -> None:
    first, second, third = message(1), message(2), message(3)
    third.next_attempt_at = NOW + timedelta(minutes=1)  # not due yet
    with uow() as work:
        for m in (second, first, third):
            work.outbox.add(m)
        work.commit()
    with uow() as work:
        claimed = work.outbox.claim_due(NOW, 10, LEASE)
        work.commit()
    assert [m.id for m in claimed] == sorted([first.id, second.id])
    assert claimed[0] == min((first, second), key=lambda m: m.id)
    with uow() as work:
        assert work.outbox.claim_due(NOW, 10, LEASE) == []  # leased away
        later = work.outbox.claim_due(NOW + LEASE, 10, LEASE)
        work.commit()
    assert {m.id for m in later} == {first.id, second.id, third.id}


def test_an_outcome_is_stored_and_summed_up(uow: UowFactory) -> None:
    sent, retried, failed = message(1), message(2), message(3)
    with uow() as work:
        for m in (sent, retried, failed):
            work.outbox.add(m)
        work.commit()
    sent.delivered(NOW)
    retried.not_delivered("SMTP 451: later", NOW, RETRY_DELAYS)
    failed.not_delivered("SMTP 550: no", NOW, RETRY_DELAYS, permanent=True)
    with uow() as work:
        for m in (sent, retried, failed):
            work.outbox.update(m)
        work.commit()
    with uow(read_only=True) as work:
        assert work.outbox.get(retried.id) == retried
        summary = work.outbox.summary()
        newest_failed = work.outbox.newest(10, DeliveryState.FAILED)
        newest = work.outbox.newest(2)
    assert (summary.pending, summary.failed, summary.oldest_pending_at) == (1, 1, NOW)
    assert newest_failed == [failed]
    assert [m.id for m in newest] == [failed.id, retried.id]


def test_reset_requests_are_taken_once_oldest_first(uow: UowFactory) -> None:
    requests = [ResetRequest(ids.new_id(), f"user{n}@example.com", NOW) for n in range(3)]
    with uow() as work:
        for request in reversed(requests):
            work.reset_requests.add(request)
        work.commit()
    with uow() as work:
        assert work.reset_requests.claim(2) == requests[:2]
        # left without commit: the claim is undone
    with uow() as work:
        assert work.reset_requests.claim(5) == requests
        work.commit()
    with uow() as work:
        assert work.reset_requests.claim(5) == []
