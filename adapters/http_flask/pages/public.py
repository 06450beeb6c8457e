"""The landing page, signing up, in and out."""

from __future__ import annotations

from flask import Blueprint, flash, render_template, request
from flask_login import current_user, login_required
from werkzeug import Response

from adapters.http_flask.context import client_info, core
from adapters.http_flask.pages.browser_session import (
    end_browser_session,
    redirect_to,
    signed_in,
    start_browser_session,
)
from adapters.http_flask.pages.errors import retry_after, show_error
from adapters.http_flask.pages.forms import SignInForm, SignUpForm, text
from adapters.http_flask.pages.next_url import safe_next
from application.accounts.register import RegisterCommand
from application.sessions.browser import SignInCommand
from domain.errors import DomainError, EmailNotVerified, EmailTaken

bp = Blueprint(
    "public",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/pages",
)

Page = Response | str | tuple[str, int] | tuple[str, int, dict[str, str]]


@bp.get("/")
def landing() -> Page:
    if current_user.is_authenticated:
        return redirect_to("/account")
    return render_template("pages/landing.html")


@bp.route("/sign-up", methods=["GET", "POST"])
def sign_up() -> Page:
    form = SignUpForm()
    if not form.validate_on_submit():
        return render_template("pages/sign_up.html", form=form)
    user_agent, ip = client_info()
    try:
        core().accounts.register(
            RegisterCommand(text(form.email), text(form.name), text(form.password), ip=ip)
        )
        signed = core().sessions.sign_in(
            SignInCommand(text(form.email), text(form.password), False, user_agent, ip)
        )
    except EmailNotVerified:
        # EMAIL_VERIFICATION=required: the account exists; the link opens the way in.
        flash("Your account is ready. Open the link we mailed you, then sign in.")
        return redirect_to("/sign-in")
    except DomainError as error:
        status = show_error(form, error, "email" if isinstance(error, EmailTaken) else None)
        return render_template("pages/sign_up.html", form=form), status, retry_after(error)
    start_browser_session(signed, remember=False)
    flash(f"Welcome, {signed.user.name}. Your account is ready.")
    return redirect_to("/account")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Page:
    form = SignInForm()
    next_path = safe_next(request.args.get("next"))
    if not form.validate_on_submit():
        return render_template("pages/sign_in.html", form=form, next_path=next_path)
    user_agent, ip = client_info()
    command = SignInCommand(
        text(form.email), text(form.password), form.remember.data, user_agent, ip
    )
    try:
        signed = core().sessions.sign_in(command)
    except DomainError as error:
        # One message for every failure, at the top: it names no field (S9, S40).
        status = show_error(form, error)
        html = render_template("pages/sign_in.html", form=form, next_path=next_path)
        return html, status, retry_after(error)
    start_browser_session(signed, remember=form.remember.data)
    return redirect_to(next_path)


@bp.post("/sign-out")
@login_required
def sign_out() -> Page:
    """Ends this browser's session (its CSRF token was checked before, security.py)."""
    core().sessions.logout(signed_in().caller)
    end_browser_session()
    flash("You are signed out.")
    return redirect_to("/sign-in")
