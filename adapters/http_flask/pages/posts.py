"""Posts for people: everyone's and one author's, newest first by cursor; one
post with its Markdown rendered safely (S39); writing, editing, deleting."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, abort, flash, render_template, request
from flask_login import login_required

from adapters.http_flask.context import core
from adapters.http_flask.pages.browser_session import redirect_to, signed_in
from adapters.http_flask.pages.errors import show_error
from adapters.http_flask.pages.forms import ButtonForm, PostForm, text
from adapters.http_flask.pages.markdown import render_markdown
from adapters.http_flask.pages.public import Page
from application.posts.writing import AuthoredPost, PostCommand
from domain.errors import DomainError, Forbidden, InvalidCursor

bp = Blueprint("posts", __name__, template_folder="templates")
PER_PAGE = 20


def _listing(author_id: UUID | None) -> Page:
    try:
        # An empty ?cursor= is the first page here; the API refuses it.
        page = core().posts.list_posts(PER_PAGE, request.args.get("cursor") or None, author_id)
    except InvalidCursor:
        abort(404)  # a mangled "Older posts" link leads nowhere
    return render_template(
        "pages/posts.html", page=page, author_id=author_id, markdown=render_markdown
    )


@bp.get("/posts")
def posts() -> Page:
    return _listing(None)


@bp.get("/users/<uuid:user_id>/posts")
def user_posts(user_id: UUID) -> Page:
    return _listing(user_id)


@bp.get("/posts/<uuid:post_id>")
def post(post_id: UUID) -> Page:
    found = core().posts.get_post(post_id)
    return render_template("pages/post.html", found=found, body=render_markdown(found.post.content))


@bp.route("/posts/new", methods=["GET", "POST"])
@login_required
def new_post() -> Page:
    form = PostForm()
    if form.validate_on_submit():
        try:
            written = core().posts.create_post(
                signed_in().caller, PostCommand(text(form.title), text(form.content))
            )
        except DomainError as error:
            status = show_error(form, error)
            return render_template("pages/post_form.html", form=form, found=None), status
        flash("Your post is published.")
        return redirect_to(f"/posts/{written.post.id}")
    return render_template("pages/post_form.html", form=form, found=None)


def _changeable(post_id: UUID) -> AuthoredPost:
    found = core().posts.get_post(post_id)
    caller = signed_in().caller
    if not found.post.may_be_changed_by(caller.user_id, caller.is_admin):
        raise Forbidden("Only its author or an admin may change a post.")
    return found


@bp.route("/posts/<uuid:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: UUID) -> Page:
    found = _changeable(post_id)
    form = PostForm(data={"title": found.post.title, "content": found.post.content})
    if form.validate_on_submit():
        command = PostCommand(text(form.title), text(form.content))
        try:
            core().posts.update_post(signed_in().caller, post_id, command)
        except DomainError as error:
            status = show_error(form, error)
            return render_template("pages/post_form.html", form=form, found=found), status
        flash("Your changes are saved.")
        return redirect_to(f"/posts/{post_id}")
    return render_template("pages/post_form.html", form=form, found=found, delete=ButtonForm())


@bp.post("/posts/<uuid:post_id>/delete")
@login_required
def delete_post(post_id: UUID) -> Page:
    core().posts.delete_post(signed_in().caller, post_id)
    flash("The post is deleted.")
    return redirect_to("/posts")
