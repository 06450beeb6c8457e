"""``/dev/mail``: the development mailbox (``MAIL_URL=dev://``), so a person
trying the service can follow a mailed link with no mail server at all.
Registered only for ``dev://``, which production refuses: elsewhere a 404."""

from __future__ import annotations

import re
from uuid import UUID

from flask import Blueprint, abort, render_template

from adapters.http_flask.context import core
from adapters.http_flask.pages.public import Page

bp = Blueprint("dev_mail", __name__, url_prefix="/dev/mail", template_folder="templates")

LINK = re.compile(r"https?://\S+")


@bp.get("")
def mailbox() -> Page:
    return render_template("pages/dev_mailbox.html", messages=core().mail.list_mail())


@bp.get("/<message_id>")
def message(message_id: str) -> Page:
    try:
        found = core().mail.show_mail(UUID(message_id))
    except ValueError:
        found = None
    if found is None:
        abort(404)
    links = LINK.findall(found.text)
    return render_template("pages/dev_message.html", message=found, links=links)
