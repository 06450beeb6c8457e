"""A person's own activity in words: "Signed in from Firefox on Linux, 203.0.113.9".

The stored events are ids and codes; this page says what they mean to the
person they are about. Events with nothing to say to them (a notice mailed
beside the change it tells of) are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from uuid import UUID

from ua_parser import parse

from domain.audit import AuditEvent, DataValue

Words = Callable[[dict[str, DataValue]], str | None]

_FAILED_SIGN_IN = {
    "wrong_password": "Failed sign-in: wrong password",
    "inactive": "Sign-in refused: the account is deactivated",
    "wrong_code": "Failed sign-in: wrong second-factor code",
    "wrong_passkey": "Failed sign-in with a passkey",
}
_MAIL_SENT = {
    "verify_email": "Verification email sent",
    "reset_password": "Password reset link sent",
    "confirm_new_email": "Confirmation link sent to a new email address",
}
_CHECK_FAILED = {
    "password_change": "to change the password",
    "email_change": "to change the email address",
    "account_deletion": "to delete the account",
    "second_factor": "to change the second factors",
}


def _fields(data: dict[str, DataValue]) -> str:
    changed = data.get("fields")
    return ", ".join(changed) if isinstance(changed, list) else ""


WORDS: dict[str, Words] = {
    "user_registered": lambda _: "Account created",
    "login_succeeded": lambda _: "Signed in",
    "login_failed": lambda data: _FAILED_SIGN_IN.get(str(data.get("reason"))),
    "password_check_failed": lambda data: (
        "Wrong current password given "
        + _CHECK_FAILED.get(str(data.get("action")), "to confirm a change")
    ),
    "refresh_reused": lambda _: "A used sign-in token came back; that session was ended",
    "password_changed": lambda _: "Password changed",
    "logged_out": lambda _: "Signed out",
    "logged_out_everywhere": lambda _: "Signed out everywhere",
    "session_revoked": lambda _: "A session was signed out",
    "user_updated": lambda data: f"Account details changed ({_fields(data)})",
    "role_changed": lambda data: f"Role changed to {data.get('role')}",
    "mail_queued": lambda data: _MAIL_SENT.get(str(data.get("kind"))),
    "email_verified": lambda _: "Email address verified",
    "password_reset_requested": lambda _: "Password reset requested",
    "password_reset": lambda _: "Password reset with an emailed link",
    "email_change_requested": lambda _: "Email change requested",
    "email_changed": lambda _: "Email address changed",
    "email_change_undone": lambda _: "Email change undone",
    "second_factor_enabled": lambda _: "Authenticator app turned on",
    "second_factor_disabled": lambda _: "Authenticator app turned off",
    "new_device_sign_in": lambda _: "Sign-in from a new device; an email was sent about it",
    "sign_in_disowned": lambda _: "A sign-in was marked as not yours; its session was ended",
    "passkey_added": lambda data: f"Passkey added ({data.get('passkey_name')})",
    "passkey_renamed": lambda data: f"Passkey renamed to {data.get('passkey_name')}",
    "passkey_removed": lambda data: f"Passkey removed ({data.get('passkey_name')})",
    "second_factors_reset": lambda _: "Second factors removed",
    "recovery_codes_made": lambda _: "New recovery codes made",
    "recovery_code_used": lambda data: f"Signed in with a recovery code ({data.get('left')} left)",
}


@lru_cache(maxsize=1024)
def device(user_agent: str) -> str | None:
    """ "Firefox on Linux", "curl"; None when the parser knows neither."""
    parsed = parse(user_agent)
    agent = parsed.user_agent.family if parsed.user_agent else None
    system = parsed.os.family if parsed.os else None
    if agent in (None, "Other"):
        return system if system not in (None, "Other") else None
    return f"{agent} on {system}" if system not in (None, "Other") else agent


@dataclass(frozen=True, slots=True)
class Activity:
    occurred_at: datetime
    words: str


def sentence(event: AuditEvent, viewer_id: UUID) -> str | None:
    """What ``event`` means to the person ``viewer_id``; None if nothing."""
    words = WORDS.get(event.type)
    what = words(event.data) if words else None
    if what is None:
        return None
    where = ", ".join(
        part for part in (device(event.user_agent) if event.user_agent else None, event.ip) if part
    )
    by_other = event.actor_id is not None and event.actor_id != viewer_id
    return what + (f" from {where}" if where else "") + (" by an administrator" if by_other else "")


def in_words(events: list[AuditEvent], viewer_id: UUID) -> list[Activity]:
    return [
        Activity(event.occurred_at, words)
        for event in events
        if (words := sentence(event, viewer_id)) is not None
    ]
