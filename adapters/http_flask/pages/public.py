"""The landing page, signing up, in and out."""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, flash, render_template, request, session
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
from adapters.http_flask.pages.forms import (
    PasskeySignInForm,
    SecondStepForm,
    SignInForm,
    SignUpForm,
    text,
)
from adapters.http_flask.pages.next_url import safe_next
from application.accounts.register import RegisterCommand
from application.second_factor_codes import Proof
from application.sessions.browser import SignInCommand
from application.sessions.second_step import SecondStepCommand, SecondStepRequired
from domain.errors import DomainError, EmailNotVerified, EmailTaken, SecondStepExpired
from domain.second_factors import Method

bp = Blueprint(
    "public",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/pages",
)

Page = Response | str | tuple[str, int] | tuple[str, int, dict[str, str]]
SECOND_STEP = "second_step"  # the session cookie's key of a sign-in waiting for its second factor


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
    if isinstance(signed, SecondStepRequired):  # only if the account changed meanwhile
        return _await_second_step(signed, False, "/account")
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
    if isinstance(signed, SecondStepRequired):
        return _await_second_step(signed, bool(form.remember.data), next_path)
    start_browser_session(signed, remember=form.remember.data)
    return redirect_to(next_path)


def _await_second_step(required: SecondStepRequired, remember: bool, next_path: str) -> Response:
    session[SECOND_STEP] = {
        "token": required.mfa_token,
        "methods": [method.value for method in required.methods],
        "remember": remember,
        "next": next_path,
    }
    return redirect_to("/sign-in/second-factor")


@bp.route("/sign-in/second-factor", methods=["GET", "POST"])
def second_factor() -> Page:
    """The second step of a sign-in whose password was right: its mfa_token
    waits in this browser's session cookie, which nothing else can read."""
    pending = session.get(SECOND_STEP)
    if not isinstance(pending, dict):
        flash("Sign in with your password first.")
        return redirect_to("/sign-in")
    form = SecondStepForm()
    by_recovery_code = request.values.get("method") == Method.RECOVERY_CODE.value
    page = partial(second_factor_page, pending, form, by_recovery_code)
    if not form.validate_on_submit():
        return page()
    field = "recovery_code" if by_recovery_code else "code"
    proof = Proof(
        Method.RECOVERY_CODE if by_recovery_code else Method.TOTP, text(getattr(form, field))
    )
    user_agent, ip = client_info()
    try:
        signed = core().sessions.sign_in_second_step(
            SecondStepCommand(pending["token"], proof, user_agent, ip)
        )
    except SecondStepExpired as error:
        session.pop(SECOND_STEP, None)
        flash(error.message)
        return redirect_to("/sign-in")
    except DomainError as error:
        status = show_error(form, error, field)
        return page(), status, retry_after(error)
    start_browser_session(signed, remember=pending["remember"])
    return redirect_to(pending["next"])


def second_factor_page(
    pending: dict[str, Any],
    form: SecondStepForm | None = None,
    by_recovery_code: bool = False,
    passkey: PasskeySignInForm | None = None,
) -> str:
    """The second step's page: a code (or a recovery code), and a passkey
    where the account has one."""
    return render_template(
        "pages/second_factor.html",
        form=form or SecondStepForm(formdata=None),
        by_recovery_code=by_recovery_code,
        methods=pending["methods"],
        passkey=passkey or PasskeySignInForm(formdata=None),
    )


@bp.post("/sign-out")
@login_required
def sign_out() -> Page:
    """Ends this browser's session (its CSRF token was checked before, security.py)."""
    core().sessions.logout(signed_in().caller)
    end_browser_session()
    flash("You are signed out.")
    return redirect_to("/sign-in")
