"""A signed-in person's second factors: an authenticator app, turned on with
a QR code and its first code, and off again; recovery codes, shown once."""

from __future__ import annotations

from flask import Blueprint, flash, render_template
from flask_login import login_required

from adapters.http_flask.context import client_info, core
from adapters.http_flask.pages.browser_session import redirect_to, signed_in
from adapters.http_flask.pages.errors import retry_after, show_error
from adapters.http_flask.pages.forms import CurrentPasswordForm, TotpForm, text
from adapters.http_flask.pages.public import Page
from adapters.http_flask.pages.qr import qr_svg
from domain.errors import DomainError, InvalidMfaCode, SecondFactorNotEnabled, WrongPassword

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


def _overview(disable: TotpForm | None = None, renew: CurrentPasswordForm | None = None) -> str:
    caller = signed_in().caller
    return render_template(
        "pages/security.html",
        user=caller.user,
        state=core().second_factors.status(caller),
        disable=disable or TotpForm(formdata=None),
        renew=renew or CurrentPasswordForm(formdata=None, prefix=RENEW),
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
    flash("Your authenticator app is off. Signing in asks only for your password.")
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
