"""The pages' forms. Their rules are the core's: a form only carries values
(and its CSRF token) to a use case, which names what is wrong."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # 3.3, newer than its stubs

from domain.users import Role


def text(field: StringField) -> str:
    """A text field's value; a field missing from the post is empty, for the core to refuse."""
    return field.data or ""


class SignUpForm(FlaskForm):  # type: ignore[misc]
    name = StringField("Name", render_kw={"autocomplete": "name", "required": True})
    email = EmailField("Email", render_kw={"autocomplete": "email", "required": True})
    password = PasswordField(
        "Password", render_kw={"autocomplete": "new-password", "required": True}
    )


class SignInForm(FlaskForm):  # type: ignore[misc]
    email = EmailField("Email", render_kw={"autocomplete": "username", "required": True})
    password = PasswordField(
        "Password", render_kw={"autocomplete": "current-password", "required": True}
    )
    remember = BooleanField("Remember me")


class NameForm(FlaskForm):  # type: ignore[misc]
    name = StringField("Name", render_kw={"autocomplete": "name", "required": True})


class PasswordChangeForm(FlaskForm):  # type: ignore[misc]
    current_password = PasswordField(
        "Current password", render_kw={"autocomplete": "current-password", "required": True}
    )
    new_password = PasswordField(
        "New password", render_kw={"autocomplete": "new-password", "required": True}
    )


class DeleteAccountForm(FlaskForm):  # type: ignore[misc]
    current_password = PasswordField(
        "Current password", render_kw={"autocomplete": "current-password", "required": True}
    )


class SessionsForm(FlaskForm):  # type: ignore[misc]
    """One session to end (``session_id``), or, empty, every session."""

    session_id = HiddenField()


class AdminUserForm(FlaskForm):  # type: ignore[misc]
    name = StringField("Name", render_kw={"required": True})
    role = SelectField(
        "Role", choices=[SelectChoice(role.value, role.value.title()) for role in Role]
    )
    is_active = BooleanField("Active")
