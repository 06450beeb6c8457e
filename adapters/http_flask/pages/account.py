"""A signed-in person's own account: name, password, sessions, activity, deletion."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, abort, flash, render_template, request
from flask_login import login_required

from adapters.http_flask.context import client_info, core
from adapters.http_flask.pages.activity import in_words
from adapters.http_flask.pages.browser_session import end_browser_session, redirect_to, signed_in
from adapters.http_flask.pages.errors import retry_after, show_error
from adapters.http_flask.pages.forms import (
    CurrentPasswordForm,
    NameForm,
    PasswordChangeForm,
    SessionsForm,
    text,
)
from adapters.http_flask.pages.public import Page
from application.accounts.password import ChangePasswordCommand
from application.accounts.users import DeleteOwnAccountCommand, UpdateUserCommand
from domain.errors import DomainError, InvalidCursor, SessionNotFound

bp = Blueprint("account", __name__, url_prefix="/account", template_folder="templates")
PER_PAGE = 20


@bp.before_request
@login_required
def signed_in_only() -> None:
    """Every page here is the signed-in person's own."""


@bp.route("", methods=["GET", "POST"])
def overview() -> Page:
    caller = signed_in().caller
    form = NameForm(data={"name": caller.user.name})
    if form.validate_on_submit():
        try:
            command = UpdateUserCommand(caller.user_id, name=text(form.name))
            core().accounts.update_user(caller, command)
        except DomainError as error:
            status = show_error(form, error, "name")
            return render_template("pages/account.html", form=form, user=caller.user), status
        flash("Your name is saved.")
        return redirect_to("/account")
    return render_template("pages/account.html", form=form, user=caller.user)


@bp.route("/password", methods=["GET", "POST"])
def password() -> Page:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        command = ChangePasswordCommand(
            text(form.current_password), text(form.new_password), ip=client_info()[1]
        )
        try:
            core().accounts.change_password(signed_in().caller, command)
        except DomainError as error:
            status = show_error(form, error, "current_password")
            html = render_template("pages/password.html", form=form)
            return html, status, retry_after(error)
        flash("Your password is changed. Every other session is signed out.")
        return redirect_to("/account")
    return render_template("pages/password.html", form=form)


@bp.get("/activity")
def activity() -> Page:
    """The person's own security events, newest first, "Older" by cursor."""
    caller = signed_in().caller
    try:
        # An empty ?cursor= is the first page here; the API refuses it.
        page = core().audit.own_activity(caller, PER_PAGE, request.args.get("cursor") or None)
    except InvalidCursor:
        abort(404)  # a mangled "Older" link leads nowhere
    return render_template(
        "pages/activity.html",
        activity=in_words(page.events, caller.user_id),
        next_cursor=page.next_cursor,
    )


@bp.route("/sessions", methods=["GET", "POST"])
def sessions() -> Page:
    caller = signed_in().caller
    form = SessionsForm()
    if form.validate_on_submit():
        if not form.session_id.data:
            core().sessions.logout_all(caller)
            end_browser_session()
            flash("You are signed out everywhere.")
            return redirect_to("/sign-in")
        try:
            core().sessions.revoke_session(caller, UUID(form.session_id.data))
        except (ValueError, SessionNotFound):
            flash("That session had already ended.")
        else:
            flash("That session is signed out.")
        return redirect_to("/account/sessions")
    listed = core().sessions.list_sessions(caller)
    return render_template(
        "pages/sessions.html", sessions=listed, current=caller.session_id, form=form
    )


@bp.route("/delete", methods=["GET", "POST"])
def delete() -> Page:
    form = CurrentPasswordForm()
    if form.validate_on_submit():
        command = DeleteOwnAccountCommand(text(form.current_password), ip=client_info()[1])
        try:
            core().accounts.delete_own_account(signed_in().caller, command)
        except DomainError as error:
            status = show_error(form, error, "current_password")
            html = render_template("pages/delete.html", form=form)
            return html, status, retry_after(error)
        end_browser_session()
        flash("Your account is deleted.")
        return redirect_to("/")
    return render_template("pages/delete.html", form=form)
