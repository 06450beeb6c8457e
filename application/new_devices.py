"""New-device alerts (S52): a sign-in from a device the account has not used
for 90 days is mailed to its owner, with a link that ends that session and
starts a password reset. Read from the stored audit trail, in the
transaction that opens the session, so the alert goes with the sign-in or
not at all. Shared by every way of signing in (``PasswordLogin.open``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.mailing import Links, Postman
from application.ports import UnitOfWork, UserAgents
from domain.devices import NEW_DEVICE_WINDOW, Device, network_of
from domain.events import NewDeviceSignIn
from domain.mail import LinkPurpose, SignInNotice
from domain.sessions import Session
from domain.users import User

# The stored events that show a device used by the account's owner: a failed
# login shows only that someone tried, and must not make a device known.
OWNER_EVENTS = ("login_succeeded", "user_registered")
# Newest first: a first page of 2 (the sign-in before is nearly always the
# same device), then pages of 100, up to 1,002 events.
PAGES = (2, *(100,) * 10)


@dataclass(frozen=True, slots=True)
class NewDeviceAlerts:
    user_agents: UserAgents
    links: Links
    postman: Postman

    def device(self, user_agent: str | None, ip: str | None) -> Device:
        return Device(self.user_agents.family(user_agent) if user_agent else "", network_of(ip))

    def check(self, uow: UnitOfWork, user: User, session: Session) -> None:
        """Mail ``user`` if ``session`` comes from a device not seen on the
        account in 90 days. An account with no sign-in on record from any
        known device (its first, or one from before the trail) is not alerted:
        there is nothing yet to compare with."""
        device = self.device(session.user_agent, session.ip)
        if not device.known:
            return
        since = session.created_at - NEW_DEVICE_WINDOW
        seen_recently = self._seen(uow, user, since, device)
        if seen_recently or (seen_recently is None and not self._seen(uow, user, None)):
            return
        link = self.links.issue(uow, LinkPurpose.NEW_DEVICE, user, session_id=session.id)
        notice = SignInNotice(device.agent, session.ip, session.created_at)
        uow.record(
            NewDeviceSignIn(
                user_id=user.id, session_id=session.id, device=device.agent, network=device.network
            )
        )
        self.postman.new_device(uow, user, link, notice)

    def _seen(
        self, uow: UnitOfWork, user: User, since: datetime | None, device: Device | None = None
    ) -> bool | None:
        """Whether the owner's stored events since ``since`` show ``device``
        (any known device, if None); None if they show no known device at all.

        Newest first, a page at a time, stopping at the first match: the
        device of a sign-in is nearly always the one of the sign-in before,
        so the usual answer costs one short read (S52's cost, docs/performance.md)."""
        any_known = False
        before = None
        for size in PAGES:
            origins = uow.audit.origins(user.id, OWNER_EVENTS, since, size, before)
            for origin in origins:
                seen = self.device(origin.user_agent, origin.ip)
                any_known = any_known or seen.known
                if seen.known and (device is None or seen == device):
                    return True
            if len(origins) < size:
                break
            before = origins[-1].id
        return False if any_known else None
