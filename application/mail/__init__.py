"""Mail: proving an address, resetting a forgotten password, changing the
email safely, disowning a sign-in from a new device, and the relay that
delivers what the outbox holds."""

from __future__ import annotations

from dataclasses import dataclass

from application.mail.email_change import ConfirmEmailChange, RequestEmailChange, UndoEmailChange
from application.mail.new_device import DisownSignIn
from application.mail.relay import (
    DeliverPendingMail,
    ListMail,
    MailBacklog,
    MailStatus,
    ShowMail,
)
from application.mail.reset import (
    AnswerPasswordResets,
    ConfirmPasswordReset,
    RequestPasswordReset,
)
from application.mail.verification import ConfirmVerification, RequestVerification


@dataclass(frozen=True, slots=True)
class MailFlows:
    """The area's use cases; each field is built from the dependencies its type names."""

    request_verification: RequestVerification
    confirm_verification: ConfirmVerification
    request_password_reset: RequestPasswordReset
    answer_password_resets: AnswerPasswordResets
    confirm_password_reset: ConfirmPasswordReset
    request_email_change: RequestEmailChange
    confirm_email_change: ConfirmEmailChange
    undo_email_change: UndoEmailChange
    disown_sign_in: DisownSignIn
    deliver_pending_mail: DeliverPendingMail
    mail_status: MailStatus
    mail_backlog: MailBacklog
    list_mail: ListMail
    show_mail: ShowMail
