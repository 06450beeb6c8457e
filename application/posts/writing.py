"""One post: written by a signed-in user, read by anyone, changed or deleted
by its author or an admin."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.caller import Caller
from application.ports import Clock, IdGenerator, UnitOfWork, UnitOfWorkFactory
from application.retry import retry_on_conflict
from domain.errors import Forbidden, PostNotFound
from domain.posts import Post, parse_content, parse_title


@dataclass(frozen=True, slots=True)
class AuthoredPost:
    """A post and its author's name, as every reader sees it."""

    post: Post
    author_name: str


@dataclass(frozen=True, slots=True)
class PostCommand:
    """A new post, or an edit: ``None`` leaves a field as it is."""

    title: str | None = None
    content: str | None = None


def authored(uow: UnitOfWork, posts: list[Post]) -> list[AuthoredPost]:
    names = uow.users.names({post.author_id for post in posts})
    return [AuthoredPost(post, names.get(post.author_id, "")) for post in posts]


def _load(uow: UnitOfWork, post_id: UUID) -> Post:
    post = uow.posts.get(post_id)
    if post is None:
        raise PostNotFound()
    return post


@dataclass(frozen=True, slots=True)
class CreatePost:
    """Anyone signed in may post; with ``EMAIL_VERIFICATION=required``, only
    once their address is verified."""

    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    email_verification_required: bool

    def __call__(self, caller: Caller, command: PostCommand) -> AuthoredPost:
        if self.email_verification_required and not caller.user.email_verified:
            raise Forbidden("Verify your email address before you post.")
        title = parse_title(command.title or "")
        content = parse_content(command.content or "")
        now = self.clock.now()
        post = Post(self.ids.new_id(), caller.user_id, title, content, now, now)
        with self.uow() as uow:
            uow.posts.add(post)
            uow.commit()
        return AuthoredPost(post, caller.user.name)


@dataclass(frozen=True, slots=True)
class GetPost:
    uow: UnitOfWorkFactory

    def __call__(self, post_id: UUID) -> AuthoredPost:
        with self.uow(read_only=True) as uow:
            [found] = authored(uow, [_load(uow, post_id)])
        return found


@dataclass(frozen=True, slots=True)
class UpdatePost:
    uow: UnitOfWorkFactory
    clock: Clock

    def __call__(self, caller: Caller, post_id: UUID, command: PostCommand) -> AuthoredPost:
        title = parse_title(command.title) if command.title is not None else None
        content = parse_content(command.content) if command.content is not None else None
        return retry_on_conflict(lambda: self._edit(caller, post_id, title, content))

    def _edit(
        self, caller: Caller, post_id: UUID, title: str | None, content: str | None
    ) -> AuthoredPost:
        with self.uow() as uow:
            post = _load(uow, post_id)
            if not post.may_be_changed_by(caller.user_id, caller.is_admin):
                raise Forbidden("Only its author or an admin may change a post.")
            if post.edit(title, content, self.clock.now()):
                uow.posts.update(post)
                uow.commit()
            [found] = authored(uow, [post])
        return found


@dataclass(frozen=True, slots=True)
class DeletePost:
    uow: UnitOfWorkFactory

    def __call__(self, caller: Caller, post_id: UUID) -> None:
        with self.uow() as uow:
            post = _load(uow, post_id)
            if not post.may_be_changed_by(caller.user_id, caller.is_admin):
                raise Forbidden("Only its author or an admin may delete a post.")
            uow.posts.delete(post_id)
            uow.commit()
