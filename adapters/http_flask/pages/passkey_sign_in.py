"""Signing in with a passkey: alone, from the sign-in page, or as the second
step of a sign-in whose password was right. The browser's part is
passkeys.js: it asks the options URL, then posts the passkey's answer."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, render_template, request, session
from werkzeug import Response

from adapters.http_flask.context import client_info, core
from adapters.http_flask.pages.browser_session import redirect_to, start_browser_session
from adapters.http_flask.pages.errors import retry_after, script_error, show_error
from adapters.http_flask.pages.forms import PasskeySignInForm, SignInForm, text
from adapters.http_flask.pages.next_url import safe_next
from adapters.http_flask.pages.public import SECOND_STEP, Page, second_factor_page
from application.ports import WebAuthnOptions
from application.second_factor_codes import Proof
from application.sessions.passkey_login import PasskeyLoginCommand
from application.sessions.second_step import SecondStepCommand
from domain.errors import DomainError, PasskeyLoginFailed, SecondStepExpired
from domain.second_factors import Method

bp = Blueprint("passkey_sign_in", __name__)

NO_PASSKEY = (
    "This browser used no passkey: signing in with one needs JavaScript and a browser "
    "that supports passkeys."
)


def _options(make: WebAuthnOptions | DomainError) -> Response:
    """Options for passkeys.js as JSON, or the error it shows at the top of the form."""
    return script_error(make) if isinstance(make, DomainError) else jsonify(dict(make))


@bp.post("/sign-in/passkey/options")
def sign_in_options() -> Response:
    return _options(core().sessions.passkey_login_options())


@bp.post("/sign-in/passkey")
def sign_in() -> Page:
    form = PasskeySignInForm()
    next_path = safe_next(request.args.get("next"))
    user_agent, ip = client_info()
    try:
        if not form.credential.data:
            raise PasskeyLoginFailed(NO_PASSKEY)
        signed = core().sessions.passkey_sign_in(
            PasskeyLoginCommand(text(form.credential), user_agent, ip)
        )
    except DomainError as error:
        sign_in_form = SignInForm(formdata=None)
        status = show_error(sign_in_form, error)
        html = render_template("pages/sign_in.html", form=sign_in_form, next_path=next_path)
        return html, status, retry_after(error)
    start_browser_session(signed, remember=False)
    return redirect_to(next_path)


def _pending() -> dict[str, object] | None:
    pending = session.get(SECOND_STEP)
    return pending if isinstance(pending, dict) else None


@bp.post("/sign-in/second-factor/passkey/options")
def second_step_options() -> Response:
    pending = _pending()
    if pending is None:
        return _options(SecondStepExpired())
    try:
        options = core().sessions.passkey_login_options(str(pending["token"]), for_browser=True)
    except SecondStepExpired as error:
        return _options(error)
    return _options(options)


@bp.post("/sign-in/second-factor/passkey")
def second_step() -> Page:
    pending = _pending()
    if pending is None:
        flash("Sign in with your password first.")
        return redirect_to("/sign-in")
    form = PasskeySignInForm()
    user_agent, ip = client_info()
    proof = Proof(Method.WEBAUTHN, text(form.credential))
    try:
        if not form.credential.data:
            raise PasskeyLoginFailed(NO_PASSKEY)
        signed = core().sessions.sign_in_second_step(
            SecondStepCommand(str(pending["token"]), proof, user_agent, ip)
        )
    except SecondStepExpired as error:
        session.pop(SECOND_STEP, None)
        flash(error.message)
        return redirect_to("/sign-in")
    except DomainError as error:
        status = show_error(form, error)
        return second_factor_page(pending, passkey=form), status, retry_after(error)
    start_browser_session(signed, remember=bool(pending["remember"]))
    return redirect_to(str(pending["next"]))
