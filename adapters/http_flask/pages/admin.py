"""The admin's pages: users found by email prefix, and one user's page."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, flash, render_template, request
from flask_login import login_required

from adapters.http_flask.context import core
from adapters.http_flask.pages.browser_session import redirect_to, signed_in
from adapters.http_flask.pages.errors import show_error
from adapters.http_flask.pages.forms import AdminUserForm, text
from adapters.http_flask.pages.public import Page
from application.accounts.users import UpdateUserCommand
from domain.errors import DomainError, Forbidden
from domain.users import Role

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
PER_PAGE = 50


@bp.before_request
@login_required
def admins_only() -> None:
    if not signed_in().caller.is_admin:
        raise Forbidden("Only admins may see this page.")


@bp.get("/users")
def users() -> Page:
    query = request.args.get("q", "")
    page = request.args.get("page", 1, type=int)
    found = core().accounts.list_users(signed_in().caller, page, PER_PAGE, query)
    return render_template("pages/admin_users.html", found=found, query=query)


@bp.route("/users/<uuid:user_id>", methods=["GET", "POST"])
def user(user_id: UUID) -> Page:
    caller = signed_in().caller
    shown = core().accounts.get_user(caller, user_id)
    form = AdminUserForm(
        data={"name": shown.name, "role": shown.role.value, "is_active": shown.is_active}
    )
    if form.validate_on_submit():
        try:
            if request.form.get("action") == "delete":
                core().accounts.delete_user(caller, user_id)
                flash(f"{shown.email} is deleted.")
                return redirect_to("/admin/users")
            command = UpdateUserCommand(
                user_id,
                name=text(form.name),
                role=Role(form.role.data),
                is_active=form.is_active.data,
            )
            core().accounts.update_user(caller, command)
        except DomainError as error:
            status = show_error(form, error)
            return render_template("pages/admin_user.html", form=form, shown=shown), status
        flash(f"{shown.email} is saved.")
        return redirect_to(f"/admin/users/{user_id}")
    status = 422 if form.errors else 200  # a role that is none of the choices
    return render_template("pages/admin_user.html", form=form, shown=shown), status
