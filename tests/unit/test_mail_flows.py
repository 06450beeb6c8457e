"""The mail flows on in-memory adapters: verification, reset, email change
(S41-S44), and the relay's retries (S46)."""

from __future__ import annotations

import pytest

from application.accounts.password import ChangePasswordCommand
from application.accounts.users import UpdateUserCommand
from application.caller import Caller
from application.mail.email_change import EmailChangeCommand
from application.mail.reset import PasswordResetCommand
from domain.errors import (
    AlreadyVerified,
    EmailNotVerified,
    EmailTaken,
    InvalidCredentials,
    InvalidEmail,
    InvalidLinkToken,
    MailNotDelivered,
    PasswordRejected,
    Throttled,
    WrongPassword,
)
from domain.mail import DeliveryState, MailKind
from domain.users import Role
from tests.support.core import PASSWORD, CoreUnderTest, make_core
from tests.support.fakes import link_in

NEW_PASSWORD = "a whole new passphrase"


@pytest.fixture
def ada(core: CoreUnderTest) -> Caller:
    core.register()
    return core.caller(core.login())


@pytest.fixture
def admin(core: CoreUnderTest) -> Caller:
    core.register("root@example.com", role=Role.ADMIN)
    return core.caller(core.login("root@example.com"))


def newest(core: CoreUnderTest, kind: MailKind) -> str:
    """The link of the newest message of ``kind``."""
    return link_in(next(m for m in reversed(core.outbox()) if m.kind is kind).text)


def reset_link(core: CoreUnderTest, email: str = "ada@example.com") -> str:
    core.mail.request_password_reset(PasswordResetCommand(email))
    core.mail.answer_password_resets()  # the relay's first step
    return newest(core, MailKind.RESET_PASSWORD)


# Verification


def test_registering_mails_a_link_that_verifies_the_address(core: CoreUnderTest) -> None:
    user = core.register()
    assert not user.email_verified
    [message] = core.outbox()
    assert (message.kind, message.to, message.state) == (
        MailKind.VERIFY_EMAIL,
        "ada@example.com",
        DeliveryState.PENDING,
    )
    verified = core.mail.confirm_verification(link_in(message.text))
    assert verified.email_verified
    assert "email_verified" in core.events.names


def test_s41_a_verification_link_is_spent_once(core: CoreUnderTest) -> None:
    core.register()
    token = link_in(core.outbox()[0].text)
    core.mail.confirm_verification(token)
    with pytest.raises(InvalidLinkToken):
        core.mail.confirm_verification(token)


def test_s41_a_verification_link_expires_after_48_hours(core: CoreUnderTest) -> None:
    core.register()
    core.clock.advance(seconds=48 * 3600)
    with pytest.raises(InvalidLinkToken):
        core.mail.confirm_verification(link_in(core.outbox()[0].text))


def test_s41_a_link_serves_its_own_purpose_only(core: CoreUnderTest) -> None:
    core.register()
    verify = link_in(core.outbox()[0].text)
    reset = reset_link(core)
    with pytest.raises(InvalidLinkToken):
        core.mail.confirm_verification(reset)
    with pytest.raises(InvalidLinkToken):
        core.mail.confirm_password_reset(verify, NEW_PASSWORD)
    with pytest.raises(InvalidLinkToken):
        core.mail.confirm_verification("not-a-token")


def test_s41_a_verification_link_proves_only_the_address_it_went_to(
    core: CoreUnderTest, ada: Caller
) -> None:
    old_link = newest(core, MailKind.VERIFY_EMAIL)
    core.mail.request_email_change(ada, EmailChangeCommand("lovelace@example.com", PASSWORD))
    core.mail.confirm_email_change(newest(core, MailKind.CONFIRM_NEW_EMAIL))
    with pytest.raises(InvalidLinkToken):  # it went to ada@, the account is now lovelace@
        core.mail.confirm_verification(old_link)


def test_asking_for_a_link_again_is_once_a_minute_and_never_when_verified(
    core: CoreUnderTest, ada: Caller
) -> None:
    core.mail.request_verification(ada)
    with pytest.raises(Throttled):
        core.mail.request_verification(ada)
    core.clock.advance(seconds=60)
    core.mail.request_verification(ada)
    assert [m.kind for m in core.outbox()] == [MailKind.VERIFY_EMAIL] * 3
    core.mail.confirm_verification(newest(core, MailKind.VERIFY_EMAIL))
    with pytest.raises(AlreadyVerified):
        core.mail.request_verification(core.caller(core.login()))


def test_required_verification_refuses_the_login_and_sends_a_fresh_link() -> None:
    core = make_core(email_verification_required=True)
    core.register()
    with pytest.raises(EmailNotVerified):
        core.login()
    with pytest.raises(EmailNotVerified):
        core.login()  # within the minute: refused, no second link
    assert [m.kind for m in core.outbox()] == [MailKind.VERIFY_EMAIL] * 2
    with pytest.raises(InvalidCredentials):
        core.login(password="not the password")  # a wrong password reveals nothing more
    core.mail.confirm_verification(newest(core, MailKind.VERIFY_EMAIL))
    assert core.login().access_token


# Password reset


def test_a_reset_sets_the_password_ends_every_session_and_proves_the_address(
    core: CoreUnderTest, ada: Caller
) -> None:
    core.mail.confirm_password_reset(reset_link(core), NEW_PASSWORD)
    assert core.db.sessions[ada.session_id].revoked_at is not None
    user = core.db.users[ada.user_id]
    assert user.email_verified
    assert core.outbox()[-1].kind is MailKind.PASSWORD_CHANGED
    assert "password_reset" in core.events.names
    with pytest.raises(InvalidCredentials):
        core.login()


def test_s42_a_reset_for_an_unknown_or_inactive_address_tells_that_address_only(
    core: CoreUnderTest, admin: Caller, ada: Caller
) -> None:
    core.accounts.update_user(admin, UpdateUserCommand(ada.user_id, is_active=False))
    for email in ("nobody@example.com", "ada@example.com"):
        core.mail.request_password_reset(PasswordResetCommand(email))
    assert core.outbox()[-1].kind is not MailKind.NO_ACCOUNT  # stored alike, answered later
    assert core.mail.answer_password_resets() == 2
    assert core.mail.answer_password_resets() == 0  # each answered once
    notices = [m for m in core.outbox() if m.kind is MailKind.NO_ACCOUNT]
    assert [m.to for m in notices] == ["nobody@example.com", "ada@example.com"]
    assert all("http" not in m.text for m in notices)  # no link: nothing to reset
    assert MailKind.RESET_PASSWORD not in {m.kind for m in core.outbox()}
    assert core.events.names.count("password_reset_requested") == 2


def test_s42_resets_are_throttled_per_target_address(core: CoreUnderTest) -> None:
    for _ in range(3):
        core.mail.request_password_reset(PasswordResetCommand("nobody@example.com"))
    with pytest.raises(Throttled):
        core.mail.request_password_reset(PasswordResetCommand("NOBODY@example.com"))
    core.mail.request_password_reset(PasswordResetCommand("someone@example.com"))


def test_a_malformed_reset_address_is_invalid(core: CoreUnderTest) -> None:
    with pytest.raises(InvalidEmail):
        core.mail.request_password_reset(PasswordResetCommand("not an address"))


def test_s41_a_reset_link_lives_30_minutes_and_is_spent_once(
    core: CoreUnderTest, ada: Caller
) -> None:
    expired = reset_link(core)
    core.clock.advance(seconds=30 * 60)
    with pytest.raises(InvalidLinkToken):
        core.mail.confirm_password_reset(expired, NEW_PASSWORD)
    token = reset_link(core)
    core.mail.confirm_password_reset(token, NEW_PASSWORD)
    with pytest.raises(InvalidLinkToken):
        core.mail.confirm_password_reset(token, "yet another passphrase")


def test_a_refused_new_password_keeps_the_link_usable(core: CoreUnderTest, ada: Caller) -> None:
    token = reset_link(core)
    with pytest.raises(PasswordRejected) as refused:
        core.mail.confirm_password_reset(token, "short")
    assert refused.value.field == "new_password"
    core.mail.confirm_password_reset(token, NEW_PASSWORD)


def test_s41_a_reset_link_dies_when_the_password_changes(core: CoreUnderTest, ada: Caller) -> None:
    token = reset_link(core)
    core.accounts.change_password(ada, ChangePasswordCommand(PASSWORD, NEW_PASSWORD))
    with pytest.raises(InvalidLinkToken):
        core.mail.confirm_password_reset(token, "yet another passphrase")


def test_s43_a_password_change_mails_a_notice(core: CoreUnderTest, ada: Caller) -> None:
    core.accounts.change_password(ada, ChangePasswordCommand(PASSWORD, NEW_PASSWORD))
    notice = core.outbox()[-1]
    assert (notice.kind, notice.to) == (MailKind.PASSWORD_CHANGED, "ada@example.com")


# Email change


def test_s44_an_email_change_waits_for_the_new_address(core: CoreUnderTest, ada: Caller) -> None:
    core.mail.request_email_change(ada, EmailChangeCommand("Lovelace@Example.com", PASSWORD))
    assert core.db.users[ada.user_id].email.value == "ada@example.com"  # nothing changed yet
    confirm, notice = core.outbox()[-2:]
    assert (confirm.kind, confirm.to) == (MailKind.CONFIRM_NEW_EMAIL, "lovelace@example.com")
    assert (notice.kind, notice.to) == (MailKind.EMAIL_CHANGING, "ada@example.com")
    assert "lovelace@example.com" in notice.text
    user = core.mail.confirm_email_change(link_in(confirm.text))
    assert (user.email.value, user.email_verified) == ("lovelace@example.com", True)
    assert core.login("lovelace@example.com")


def test_s44_an_email_change_needs_the_current_password(core: CoreUnderTest, ada: Caller) -> None:
    with pytest.raises(WrongPassword):
        core.mail.request_email_change(ada, EmailChangeCommand("new@example.com", "wrong one"))
    with pytest.raises(InvalidEmail) as same:
        core.mail.request_email_change(ada, EmailChangeCommand("ADA@example.com", PASSWORD))
    assert same.value.field == "new_email"
    assert [m.kind for m in core.outbox()] == [MailKind.VERIFY_EMAIL]


def test_an_email_change_to_a_taken_address_is_refused_then_or_at_confirmation(
    core: CoreUnderTest, ada: Caller
) -> None:
    core.register("root@example.com")
    with pytest.raises(EmailTaken):
        core.mail.request_email_change(ada, EmailChangeCommand("root@example.com", PASSWORD))
    core.mail.request_email_change(ada, EmailChangeCommand("free@example.com", PASSWORD))
    core.register("free@example.com")  # taken meanwhile
    token = newest(core, MailKind.CONFIRM_NEW_EMAIL)
    with pytest.raises(EmailTaken):
        core.mail.confirm_email_change(token)
    assert core.db.users[ada.user_id].email.value == "ada@example.com"


def test_s44_undo_restores_the_address_ends_sessions_and_mails_a_reset_link(
    core: CoreUnderTest, ada: Caller
) -> None:
    core.mail.request_email_change(ada, EmailChangeCommand("mallory@example.com", PASSWORD))
    core.mail.confirm_email_change(newest(core, MailKind.CONFIRM_NEW_EMAIL))
    core.mail.undo_email_change(newest(core, MailKind.EMAIL_CHANGING))
    user = core.db.users[ada.user_id]
    assert (user.email.value, user.email_verified) == ("ada@example.com", True)
    assert core.db.sessions[ada.session_id].revoked_at is not None
    reset = core.outbox()[-1]
    assert (reset.kind, reset.to) == (MailKind.RESET_PASSWORD, "ada@example.com")
    core.mail.confirm_password_reset(link_in(reset.text), NEW_PASSWORD)
    assert core.login(password=NEW_PASSWORD)


def test_undo_before_confirmation_kills_the_pending_change(
    core: CoreUnderTest, ada: Caller
) -> None:
    core.mail.request_email_change(ada, EmailChangeCommand("mallory@example.com", PASSWORD))
    confirm = newest(core, MailKind.CONFIRM_NEW_EMAIL)
    core.mail.undo_email_change(newest(core, MailKind.EMAIL_CHANGING))
    with pytest.raises(InvalidLinkToken):
        core.mail.confirm_email_change(confirm)
    assert core.db.users[ada.user_id].email.value == "ada@example.com"


# The relay


def test_the_relay_delivers_each_message_once(core: CoreUnderTest) -> None:
    core.register()
    [sent] = core.deliver()
    assert sent.kind is MailKind.VERIFY_EMAIL
    assert core.outbox()[0].state is DeliveryState.SENT
    assert core.deliver() == []


def test_s46_a_failing_server_is_retried_with_growing_delays_then_failed(
    core: CoreUnderTest,
) -> None:
    core.register()
    core.mailer.failing = MailNotDelivered("SMTP 421: try later")
    waits = []
    for _ in range(10):
        core.deliver()
        message = core.outbox()[0]
        if message.state is DeliveryState.FAILED:
            break
        assert message.next_attempt_at is not None
        waits.append(message.next_attempt_at - core.clock.now())
        assert core.deliver() == []  # not due yet
        core.clock.advance(seconds=int(waits[-1].total_seconds()))
    assert waits == sorted(set(waits))  # each wait longer than the one before
    failed = core.outbox()[0]
    assert (failed.state, failed.last_error) == (DeliveryState.FAILED, "SMTP 421: try later")
    assert failed.attempts == len(waits) + 1
    summary, listed = core.mail.mail_status()
    assert (summary.failed, [m.id for m in listed]) == (1, [failed.id])


def test_s46_a_message_survives_an_outage_and_goes_when_the_server_is_back(
    core: CoreUnderTest,
) -> None:
    core.register()
    core.mailer.failing = MailNotDelivered("ConnectionRefusedError talking to the SMTP server")
    core.deliver()
    core.mailer.failing = None
    core.clock.advance(seconds=60)
    [sent] = core.deliver()
    assert core.outbox()[0].state is DeliveryState.SENT
    assert sent.attempts == 2


def test_a_permanent_refusal_fails_the_message_at_once(core: CoreUnderTest) -> None:
    core.register()
    core.mailer.failing = MailNotDelivered("SMTP 550: no such user", permanent=True)
    core.deliver()
    assert core.outbox()[0].state is DeliveryState.FAILED


def test_s46_a_rolled_back_change_queues_nothing(core: CoreUnderTest, ada: Caller) -> None:
    core.register("root@example.com")
    before = len(core.outbox())
    with pytest.raises(EmailTaken):
        core.mail.request_email_change(ada, EmailChangeCommand("root@example.com", PASSWORD))
    assert len(core.outbox()) == before
