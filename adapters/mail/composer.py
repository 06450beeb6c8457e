"""Each kind of mail in words: Jinja2 templates, a text part and an HTML part."""

from __future__ import annotations

from datetime import timedelta

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from application.mailing import LinkLifetimes
from domain.mail import ComposedMail, FactorChange, Mail, MailKind

SUBJECTS = {
    MailKind.VERIFY_EMAIL: "Verify your email address",
    MailKind.RESET_PASSWORD: "Reset your password",
    MailKind.CONFIRM_NEW_EMAIL: "Confirm your new email address",
    MailKind.EMAIL_CHANGING: "Your email address is changing",
    MailKind.PASSWORD_CHANGED: "Your password was changed",
    MailKind.NO_ACCOUNT: "About resetting a password",
    MailKind.SECOND_FACTORS_CHANGED: "Your sign-in settings were changed",
    MailKind.NEW_DEVICE: "A new sign-in to your account",
}
# What a second-factors mail says happened, after "Hello <name>,".
CHANGES = {
    FactorChange.TOTP_ENABLED: "An authenticator app was turned on for your account: "
    "signing in now asks for its code after your password.",
    FactorChange.TOTP_DISABLED: "The authenticator app of your account was turned off, "
    "and its recovery codes with it.",
    FactorChange.RECOVERY_CODES_RENEWED: "New recovery codes were made for your account; "
    "the old ones no longer work.",
    FactorChange.PASSKEY_ADDED: "A passkey was added to your account: it signs you in "
    "alone, or after your password in place of a code.",
    FactorChange.PASSKEY_REMOVED: "A passkey was removed from your account; it no longer "
    "signs you in.",
    FactorChange.RESET_BY_ADMIN: "An administrator removed the second factors of your "
    "account: signing in asks only for your password until you turn one on again.",
}


def _duration(span: timedelta) -> str:
    """48 hours, 30 minutes, 7 days: how long a link works, in words."""
    seconds = int(span.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


class JinjaMailComposer:
    """Links start with ``public_url`` alone, never with a request's ``Host`` (S45)."""

    def __init__(self, public_url: str, service_name: str, lifetimes: LinkLifetimes) -> None:
        self._public_url = public_url.rstrip("/")
        self._service = service_name
        self._lifetimes = lifetimes
        self._templates = Environment(
            loader=PackageLoader("adapters.mail"),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def compose(self, mail: Mail) -> ComposedMail:
        context = {
            "service": self._service,
            "name": mail.name,
            "new_email": mail.new_email,
            "link": None,
            "valid_for": None,
            "home": self._public_url + "/",
            "change": CHANGES[mail.change] if mail.change is not None else None,
            "sign_in": mail.sign_in,
        }
        if mail.link is not None:
            context["link"] = f"{self._public_url}/{mail.link.purpose.value}/{mail.link.token}"
            context["valid_for"] = _duration(self._lifetimes.of(mail.link.purpose))
        return ComposedMail(
            subject=SUBJECTS[mail.kind],
            text=self._templates.get_template(f"{mail.kind.value}.txt").render(context),
            html=self._templates.get_template(f"{mail.kind.value}.html").render(context),
        )
