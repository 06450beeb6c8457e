"""The pages mail leads to: a forgotten password, and the links of the mails.

A link (``GET``) only shows a page with a button; the button's ``POST``
spends the token, so a mail scanner that follows links spends nothing (S41).
"""

from __future__ import annotations

from flask import Blueprint, flash, render_template
from flask_login import current_user, login_required

from adapters.http_flask.context import client_info, core
from adapters.http_flask.pages.browser_session import end_browser_session, redirect_to, signed_in
from adapters.http_flask.pages.errors import retry_after, show_error
from adapters.http_flask.pages.forms import (
    ButtonForm,
    EmailChangeForm,
    ForgotPasswordForm,
    ResetPasswordForm,
    text,
)
from adapters.http_flask.pages.public import Page
from application.mail.email_change import EmailChangeCommand
from application.mail.reset import PasswordResetCommand
from domain.errors import DomainError, EmailTaken

bp = Blueprint("mail", __name__, template_folder="templates")

SENT = "If an account has this address, a reset link is on its way to it."


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password() -> Page:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            core().mail.request_password_reset(
                PasswordResetCommand(text(form.email), client_info()[1])
            )
        except DomainError as error:
            status = show_error(form, error, "email")
            html = render_template("pages/forgot_password.html", form=form)
            return html, status, retry_after(error)
        flash(SENT)  # the same whether or not the account exists (S42)
        return redirect_to("/sign-in")
    return render_template("pages/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Page:
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            core().mail.confirm_password_reset(token, text(form.new_password))
        except DomainError as error:
            status = show_error(form, error, "new_password")
            html = render_template("pages/reset_password.html", form=form, token=token)
            return html, status
        if current_user.is_authenticated:
            end_browser_session()  # every session ended, this browser's too
        flash("Your new password is set and every session is signed out. Sign in with it.")
        return redirect_to("/sign-in")
    return render_template("pages/reset_password.html", form=form, token=token)


def _spent_link(template: str, token: str, form: ButtonForm, error: DomainError) -> Page:
    """The link's page again, saying why its token did nothing (400: spent, expired...)."""
    status = show_error(form, error)
    return render_template(template, form=form, token=token), status


@bp.route("/verify-email/<token>", methods=["GET", "POST"])
def verify_email(token: str) -> Page:
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            core().mail.confirm_verification(token)
        except DomainError as error:
            return _spent_link("pages/verify_email.html", token, form, error)
        flash("Your email address is verified.")
        return redirect_to("/account" if current_user.is_authenticated else "/sign-in")
    return render_template("pages/verify_email.html", form=form, token=token)


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> Page:
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            user = core().mail.confirm_email_change(token)
        except DomainError as error:
            return _spent_link("pages/confirm_email.html", token, form, error)
        flash(f"Your email address is now {user.email}.")
        return redirect_to("/account" if current_user.is_authenticated else "/sign-in")
    return render_template("pages/confirm_email.html", form=form, token=token)


@bp.route("/undo-email-change/<token>", methods=["GET", "POST"])
def undo_email_change(token: str) -> Page:
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            user = core().mail.undo_email_change(token)
        except DomainError as error:
            return _spent_link("pages/undo_email_change.html", token, form, error)
        if current_user.is_authenticated:
            end_browser_session()
        flash(
            f"Your email address is {user.email} again, and every session is signed out. "
            "A link to choose a new password is on its way there."
        )
        return redirect_to("/sign-in")
    return render_template("pages/undo_email_change.html", form=form, token=token)


@bp.route("/new-device/<token>", methods=["GET", "POST"])
def new_device(token: str) -> Page:
    """ "This was not me", from a new-device mail (S52): that session ends and
    the person goes on to choose a new password."""
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            reset_token = core().mail.disown_sign_in(token)
        except DomainError as error:
            return _spent_link("pages/new_device.html", token, form, error)
        flash("That device is signed out. Now choose a new password: it signs out the rest.")
        return redirect_to(f"/reset-password/{reset_token}")
    try:
        sign_in = core().mail.disown_sign_in.sign_in_of(token)
    except DomainError as error:
        return _spent_link("pages/new_device.html", token, form, error)
    return render_template("pages/new_device.html", form=form, token=token, sign_in=sign_in)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
def change_email() -> Page:
    form = EmailChangeForm()
    if form.validate_on_submit():
        command = EmailChangeCommand(
            text(form.new_email), text(form.current_password), client_info()[1]
        )
        try:
            core().mail.request_email_change(signed_in().caller, command)
        except DomainError as error:
            field = "new_email" if isinstance(error, EmailTaken) else "current_password"
            status = show_error(form, error, field)
            html = render_template("pages/change_email.html", form=form)
            return html, status, retry_after(error)
        flash(
            f"A confirmation link is on its way to {text(form.new_email).strip()}. "
            "Your address changes when you open it."
        )
        return redirect_to("/account")
    return render_template("pages/change_email.html", form=form)


@bp.post("/account/verify-email")
@login_required
def send_verification() -> Page:
    try:
        core().mail.request_verification(signed_in().caller)
    except DomainError as error:
        flash(error.message)
    else:
        flash("A verification link is on its way to your address.")
    return redirect_to("/account")
