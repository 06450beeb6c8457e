"""A signed-in person's second factors: an authenticator app, turned on with
a QR code and its first code, and off again; recovery codes, shown once;
passkeys, added with the browser's WebAuthn (passkeys.js) and removed."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, flash, jsonify, render_template
from flask_login import login_required
from werkzeug import Response

from adapters.http_flask.context import client_info, core
from adapters.http_flask.pages.browser_session import redirect_to, signed_in
from adapters.http_flask.pages.errors import retry_after, script_error, show_error
from adapters.http_flask.pages.forms import (
    CurrentPasswordForm,
    PasskeyForm,
    RenamePasskeyForm,
    TotpForm,
    text,
)
from adapters.http_flask.pages.public import Page
from adapters.http_flask.pages.qr import qr_svg
from domain.errors import (
    DomainError,
    InvalidMfaCode,
    InvalidPasskey,
    PasskeyNotFound,
    SecondFactorNotEnabled,
    WrongPassword,
)
from domain.passkeys import passkey_name

bp = Blueprint("account_security", __name__, url_prefix="/account/security")


@bp.before_request
@login_required
def signed_in_only() -> None:
    """Every page here is the signed-in person's own."""


RENEW = "renew"  # the second password field of the overview needs names of its own


def _field_of(error: DomainError) -> str | None:
    """The field a second factor's error belongs next to."""
    if isinstance(error, WrongPassword):
        return "current_password"
    if isinstance(error, InvalidMfaCode | SecondFactorNotEnabled):
        return "code"
    return None


def _overview(
    disable: TotpForm | None = None,
    renew: CurrentPasswordForm | None = None,
    passkey: PasskeyForm | None = None,
) -> str:
    caller = signed_in().caller
    return render_template(
        "pages/security.html",
        user=caller.user,
        state=core().second_factors.status(caller),
        disable=disable or TotpForm(formdata=None),
        renew=renew or CurrentPasswordForm(formdata=None, prefix=RENEW),
        passkey=passkey or PasskeyForm(formdata=None),
        passkey_needs_password=core().second_factors.passkey_options.needs_password(caller),
    )


@bp.get("")
def overview() -> Page:
    return _overview()


@bp.route("/totp", methods=["GET", "POST"])
def totp() -> Page:
    """The QR code and the secret, then the first code and the password turn
    it on (S50); the recovery codes are shown on the page that answers."""
    caller = signed_in().caller
    if core().second_factors.status(caller).totp_enabled:
        flash("Your authenticator app is already on.")
        return redirect_to("/account/security")
    form = TotpForm()
    status = 200
    if form.validate_on_submit():
        try:
            codes = core().second_factors.confirm_totp(
                caller, text(form.code), text(form.current_password), client_info()[1]
            )
        except DomainError as error:
            status = show_error(form, error, _field_of(error))
        else:
            return render_template("pages/recovery_codes.html", codes=codes, new_factor=True)
    enrolment = core().second_factors.start_totp(caller)
    html = render_template(
        "pages/totp.html",
        form=form,
        secret=" ".join(enrolment.secret[i : i + 4] for i in range(0, len(enrolment.secret), 4)),
        qr=qr_svg(enrolment.otpauth_uri, "QR code of your authenticator's secret"),
    )
    return html, status


@bp.post("/totp/disable")
def disable_totp() -> Page:
    form = TotpForm()
    try:
        core().second_factors.disable_totp(
            signed_in().caller, text(form.current_password), text(form.code), client_info()[1]
        )
    except DomainError as error:
        status = show_error(form, error, _field_of(error))
        return _overview(disable=form), status, retry_after(error)
    flash("Your authenticator app is off, and its recovery codes with it.")
    return redirect_to("/account/security")


@bp.post("/recovery-codes")
def renew_recovery_codes() -> Page:
    form = CurrentPasswordForm(prefix=RENEW)
    try:
        codes = core().second_factors.renew_recovery_codes(
            signed_in().caller, text(form.current_password), client_info()[1]
        )
    except DomainError as error:
        status = show_error(form, error, "current_password")
        return _overview(renew=form), status, retry_after(error)
    return render_template("pages/recovery_codes.html", codes=codes, new_factor=False)


def _passkey_password(form: PasskeyForm) -> str | None:
    """The password typed, if the form asked for it (an older sign-in)."""
    return text(form.current_password) or None


@bp.post("/passkeys/options")
def passkey_options() -> Response:
    """WebAuthn creation options for passkeys.js, once the name and (for an
    older sign-in) the password hold; else the error and its field, as JSON."""
    form = PasskeyForm()
    caller = signed_in().caller
    try:
        passkey_name(text(form.name))
        options = core().second_factors.passkey_options(
            caller, _passkey_password(form), client_info()[1]
        )
    except DomainError as error:
        return script_error(error, _field_of(error))
    return jsonify(dict(options))


@bp.post("/passkeys")
def add_passkey() -> Page:
    form = PasskeyForm()
    caller = signed_in().caller
    try:
        if not form.credential.data:
            # No script, or a browser without WebAuthn: nothing was made.
            raise InvalidPasskey(
                "This browser made no passkey: adding one needs JavaScript and a browser "
                "that supports passkeys."
            )
        core().second_factors.add_passkey(caller, text(form.credential), text(form.name))
    except DomainError as error:
        status = show_error(form, error, _field_of(error))
        return _overview(passkey=form), status, retry_after(error)
    flash(f"Passkey “{passkey_name(text(form.name))}” added.")
    return redirect_to("/account/security")


@bp.route("/passkeys/<uuid:passkey_id>", methods=["GET", "POST"])
def passkey(passkey_id: UUID) -> Page:
    """One passkey: renamed here."""
    caller = signed_in().caller
    found = next(
        (key for key in core().second_factors.list_passkeys(caller) if key.id == passkey_id), None
    )
    if found is None:
        flash("That passkey was removed.")
        return redirect_to("/account/security")
    form = RenamePasskeyForm(data={"name": found.name})
    status = 200
    if form.validate_on_submit():
        try:
            core().second_factors.rename_passkey(caller, passkey_id, text(form.name))
        except DomainError as error:
            status = show_error(form, error, "name")
        else:
            flash(f"Passkey renamed to “{passkey_name(text(form.name))}”.")
            return redirect_to("/account/security")
    return render_template("pages/passkey.html", form=form, passkey=found), status


@bp.post("/passkeys/<uuid:passkey_id>/remove")
def remove_passkey(passkey_id: UUID) -> Page:
    try:
        core().second_factors.remove_passkey(signed_in().caller, passkey_id)
    except PasskeyNotFound:
        flash("That passkey was already removed.")
    else:
        flash("Passkey removed.")
    return redirect_to("/account/security")
