"""Domain errors. Each carries a stable ``code`` that adapters map to their own terms."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the core raises on purpose."""

    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """A value broke a domain rule; ``field`` names the input it came from."""

    code = "invalid_input"
    location = "body"  # where the field was sent: the body, or the query string

    def __init__(self, field: str, message: str, rule: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.rule = rule or self.code


class InvalidEmail(InvalidInput):
    code = "invalid_email"


class InvalidName(InvalidInput):
    code = "invalid_name"


class PasswordRejected(InvalidInput):
    """The password policy refused a password; ``rule`` says which rule."""

    code = "password_rejected"


class EmailTaken(DomainError):
    code = "email_taken"

    def __init__(self) -> None:
        super().__init__("An account with this email already exists.")


class InvalidCredentials(DomainError):
    """One answer for unknown email, wrong password and inactive account (S9)."""

    code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("The email or password is incorrect.")


class WrongPassword(DomainError):
    """The current password given to a password change is wrong."""

    code = "wrong_password"

    def __init__(self) -> None:
        super().__init__("The current password is incorrect.")


class InvalidToken(DomainError):
    """An access token is malformed, forged, expired, or its session has ended."""

    code = "invalid_token"

    def __init__(self, message: str = "The access token is invalid or has expired.") -> None:
        super().__init__(message)


class InvalidRefreshToken(DomainError):
    code = "invalid_refresh_token"

    def __init__(self) -> None:
        super().__init__("The refresh token is invalid, expired or revoked.")


class Forbidden(DomainError):
    code = "forbidden"


class UserNotFound(DomainError):
    code = "user_not_found"

    def __init__(self) -> None:
        super().__init__("No user with this id.")


class ConcurrentUpdate(DomainError):
    """The record changed since it was read (its version moved on); retry from a fresh read."""

    code = "conflict"

    def __init__(self) -> None:
        super().__init__("The account was changed by another request; try again.")


class StorageUnavailable(DomainError):
    """The database cannot be reached; raised by persistence adapters, answered 503."""

    code = "storage_unavailable"

    def __init__(self) -> None:
        super().__init__("The service cannot reach its database; try again shortly.")


class Throttled(DomainError):
    """Too many attempts: refused without checking anything, until ``retry_after`` seconds pass."""

    code = "throttled"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many attempts; try again in {retry_after} seconds.")
        self.retry_after = retry_after


class ThrottleUnavailable(DomainError):
    """The shared attempt counter cannot be reached and the throttle fails closed."""

    code = "throttle_unavailable"

    def __init__(self) -> None:
        super().__init__("The service cannot check its rate limits; try again shortly.")


class SessionNotFound(DomainError):
    code = "session_not_found"

    def __init__(self) -> None:
        super().__init__("No active session of yours with this id.")


class LastAdmin(DomainError):
    """The change would leave the service without an active admin."""

    code = "last_admin"

    def __init__(self) -> None:
        super().__init__("The last active admin cannot be demoted, deactivated or deleted.")


class InvalidLinkToken(DomainError):
    """A mailed link's token is unknown, expired, spent, or for another purpose."""

    code = "invalid_link_token"

    def __init__(self) -> None:
        super().__init__("This link is invalid, has expired or was already used.")


class AlreadyVerified(DomainError):
    code = "already_verified"

    def __init__(self) -> None:
        super().__init__("This email address is already verified.")


class EmailNotVerified(DomainError):
    """``EMAIL_VERIFICATION=required`` and the account has not proved its address."""

    code = "email_not_verified"

    def __init__(self) -> None:
        super().__init__("Verify your email address first: a new link is on its way to your inbox.")


class EmailChangeNeedsConfirmation(DomainError):
    """A user's own email changes through a confirmed change, not a plain update."""

    code = "email_change_needs_confirmation"

    def __init__(self) -> None:
        super().__init__(
            "Your email changes through POST /api/v1/auth/email, "
            "which asks the new address to confirm."
        )


class MailNotDelivered(Exception):
    """A mailer could not hand a message over; the relay tries again later,
    unless the refusal is ``permanent``.
    Raised by mail adapters; ``reason`` is safe to store and show (no credentials)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent  # the server refused for good (5xx): no retry


class InvalidTitle(InvalidInput):
    code = "invalid_title"


class InvalidContent(InvalidInput):
    code = "invalid_content"


class PostNotFound(DomainError):
    code = "post_not_found"

    def __init__(self) -> None:
        super().__init__("No post with this id.")


class InvalidCursor(InvalidInput):
    """A page cursor that was forged, mangled, or issued for another list or filter."""

    code = "invalid_cursor"
    location = "query"

    def __init__(self) -> None:
        super().__init__("cursor", "This cursor was not issued for this list.")


class InvalidQuery(InvalidInput):
    """A list's parameter out of its range (a limit, a time window)."""

    code = "invalid_query"
    location = "query"


class InvalidMfaCode(DomainError):
    """A code given to turn a second factor on or off is not the authenticator's."""

    code = "invalid_mfa_code"

    def __init__(self, message: str = "This code is not right; try the current one.") -> None:
        super().__init__(message)


class SecondStepFailed(DomainError):
    """A login's second step failed: a wrong code, or an mfa_token unknown,
    spent, expired or out of tries (S49). Answered like a wrong code."""

    code = "second_step_failed"

    def __init__(self, message: str = "This code is not right; try the current one.") -> None:
        super().__init__(message)


class SecondStepExpired(SecondStepFailed):
    """The mfa_token is unknown, spent, expired or out of tries: only a new
    password step goes on from here."""

    def __init__(self) -> None:
        super().__init__("This sign-in has expired or was used up; start again with your password.")


class SecondFactorAlreadyEnabled(DomainError):
    code = "second_factor_already_enabled"

    def __init__(self) -> None:
        super().__init__("An authenticator is already on; turn it off first to change it.")


class SecondFactorNotEnabled(DomainError):
    code = "second_factor_not_enabled"

    def __init__(self) -> None:
        super().__init__("No authenticator is on for this account.")


class EmailUnverified(DomainError):
    """A second factor needs an address proved first: it is how a locked-out
    person gets back in (S50)."""

    code = "email_unverified"

    def __init__(self) -> None:
        super().__init__("Verify your email address before you turn on a second factor.")


class InvalidPasskey(DomainError):
    """What a browser answered to add a passkey does not hold: a challenge
    unknown, spent or too old, another origin, a bad attestation, or a
    credential registered already (S51)."""

    code = "invalid_passkey"

    def __init__(self, message: str = "This passkey could not be added; try again.") -> None:
        super().__init__(message)


class PasskeyNotFound(DomainError):
    code = "passkey_not_found"

    def __init__(self) -> None:
        super().__init__("No such passkey on this account.")


class PasskeyLoginFailed(DomainError):
    """A sign-in by passkey failed; why is the audit trail's, not the caller's."""

    code = "passkey_login_failed"

    def __init__(self, message: str = "This passkey did not sign you in; try again.") -> None:
        super().__init__(message)
