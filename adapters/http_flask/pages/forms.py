"""The pages' forms. Their rules are the core's: a form only carries values
to a use case, which names what is wrong."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # 3.3, newer than its stubs

from domain.users import Role


def text(field: StringField) -> str:
    """A text field's value; a field missing from the post is empty, for the core to refuse."""
    return field.data or ""


class PageForm(FlaskForm):  # type: ignore[misc]
    """A page's form. Its CSRF token is checked once, for every post to a page,
    by ``security.refuse_cross_site_posts``, and written by the templates'
    ``csrf()`` macro: a form of its own would only sign and check it twice."""

    class Meta:
        csrf = False


class SignUpForm(PageForm):
    name = StringField("Name", render_kw={"autocomplete": "name", "required": True})
    email = EmailField("Email", render_kw={"autocomplete": "email", "required": True})
    password = PasswordField(
        "Password", render_kw={"autocomplete": "new-password", "required": True}
    )


class SignInForm(PageForm):
    email = EmailField("Email", render_kw={"autocomplete": "username", "required": True})
    password = PasswordField(
        "Password", render_kw={"autocomplete": "current-password", "required": True}
    )
    remember = BooleanField("Remember me")


class NameForm(PageForm):
    name = StringField("Name", render_kw={"autocomplete": "name", "required": True})


class PasswordChangeForm(PageForm):
    current_password = PasswordField(
        "Current password", render_kw={"autocomplete": "current-password", "required": True}
    )
    new_password = PasswordField(
        "New password", render_kw={"autocomplete": "new-password", "required": True}
    )


class SessionsForm(PageForm):
    """One session to end (``session_id``), or, empty, every session."""

    session_id = HiddenField()


class AdminUserForm(PageForm):
    name = StringField("Name", render_kw={"required": True})
    role = SelectField(
        "Role", choices=[SelectChoice(role.value, role.value.title()) for role in Role]
    )
    is_active = BooleanField("Active")


class ForgotPasswordForm(PageForm):
    email = EmailField("Email", render_kw={"autocomplete": "email", "required": True})


class ResetPasswordForm(PageForm):
    new_password = PasswordField(
        "New password", render_kw={"autocomplete": "new-password", "required": True}
    )


class EmailChangeForm(PageForm):
    new_email = EmailField("New email", render_kw={"autocomplete": "email", "required": True})
    current_password = PasswordField(
        "Current password", render_kw={"autocomplete": "current-password", "required": True}
    )


class ButtonForm(PageForm):
    """A form that is only its button (and the CSRF token every post carries)."""


class PostForm(PageForm):
    title = StringField("Title", render_kw={"required": True})
    content = TextAreaField("Content", render_kw={"required": True})


class SecondStepForm(PageForm):
    """A login's second step: the authenticator's code, or a recovery code."""

    code = StringField(
        "Code from your authenticator app",
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    recovery_code = StringField("Recovery code", render_kw={"autocomplete": "off"})


class TotpForm(PageForm):
    """Turning the authenticator on (its first code) or off (a code or a recovery code)."""

    current_password = PasswordField(
        "Current password", render_kw={"autocomplete": "current-password", "required": True}
    )
    code = StringField(
        "Code from your authenticator app",
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "required": True},
    )


class PasskeyForm(PageForm):
    """Adding a passkey: its name, the password where the sign-in is not
    recent, and what the browser made (``credential``, filled by passkeys.js)."""

    name = StringField("Name of this passkey", render_kw={"autocomplete": "off", "required": True})
    current_password = PasswordField(
        "Current password", render_kw={"autocomplete": "current-password", "required": True}
    )
    credential = HiddenField()


class RenamePasskeyForm(PageForm):
    name = StringField("Name of this passkey", render_kw={"autocomplete": "off", "required": True})


class PasskeySignInForm(PageForm):
    """A sign-in, or a second step, by passkey: ``credential`` is filled by passkeys.js."""

    credential = HiddenField()


class CurrentPasswordForm(PageForm):
    """An action confirmed by the password alone (deleting the account, new recovery codes)."""

    current_password = PasswordField(
        "Current password", render_kw={"autocomplete": "current-password", "required": True}
    )
