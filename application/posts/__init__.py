"""Posts: writing, reading, editing and deleting them, and listing them by cursor."""

from __future__ import annotations

from dataclasses import dataclass

from application.posts.listing import ListPosts
from application.posts.writing import CreatePost, DeletePost, GetPost, UpdatePost


@dataclass(frozen=True, slots=True)
class Posts:
    """The area's use cases; each field is built from the dependencies its type names."""

    create_post: CreatePost
    get_post: GetPost
    update_post: UpdatePost
    delete_post: DeletePost
    list_posts: ListPosts
