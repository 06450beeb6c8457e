"""The link of a new-device mail (S52): "this was not me"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.mailing import Links
from application.ports import Clock, UnitOfWorkFactory, UserAgents
from domain.errors import InvalidLinkToken
from domain.events import SignInDisowned
from domain.mail import LinkPurpose


@dataclass(frozen=True, slots=True)
class DisownedSignIn:
    """What a page shows of the sign-in a link is about (before it is ended)."""

    device: str | None  # "Firefox on Windows"; None if unknown
    ip: str | None
    at: datetime | None  # None: the session is gone (purged)


@dataclass(frozen=True, slots=True)
class DisownSignIn:
    """End the session a new-device mail was about, and start a password
    reset: the link proved the mailbox, so the answer is a reset link's
    token, for the page to go straight to choosing a new password (which
    ends every other session too). The link works once, for seven days."""

    uow: UnitOfWorkFactory
    links: Links
    clock: Clock
    user_agents: UserAgents

    def sign_in_of(self, token: str) -> DisownedSignIn:
        """The sign-in behind ``token``; ``InvalidLinkToken`` if the link is spent or old."""
        with self.uow(read_only=True) as uow:
            link = self.links.usable(uow, LinkPurpose.NEW_DEVICE, token)
            session = uow.sessions.get(link.session_id) if link.session_id else None
        if session is None:
            return DisownedSignIn(None, None, None)
        device = self.user_agents.family(session.user_agent) if session.user_agent else ""
        return DisownedSignIn(device or None, session.ip, session.created_at)

    def __call__(self, token: str) -> str:
        with self.uow() as uow:
            link = self.links.spend(uow, LinkPurpose.NEW_DEVICE, token)
            user = uow.users.get(link.user_id)
            if user is None or not user.is_active:
                raise InvalidLinkToken()
            session = uow.sessions.get(link.session_id) if link.session_id else None
            if session is not None and session.revoke(self.clock.now()):
                uow.sessions.update(session)
            if link.session_id is not None:
                uow.record(SignInDisowned(user_id=user.id, session_id=link.session_id))
            reset = self.links.issue(uow, LinkPurpose.RESET_PASSWORD, user, str(user.email))
            uow.commit()
        return reset.token
