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
from domain.audit import AuditQuery
from domain.devices import NEW_DEVICE_WINDOW, Device, network_of
from domain.events import NewDeviceSignIn
from domain.mail import LinkPurpose, SignInNotice
from domain.sessions import Session
from domain.users import User

# The stored events that show a device used by the account's owner: a failed
# login shows only that someone tried, and must not make a device known.
OWNER_EVENTS = ("login_succeeded", "user_registered")
SEEN_LIMIT = 200  # of each, newest first: enough to know the devices of 90 days


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
        recent = self._devices(uow, user, since)
        if device in recent or not (recent or self._devices(uow, user, None, 1)):
            return
        link = self.links.issue(uow, LinkPurpose.NEW_DEVICE, user, session_id=session.id)
        notice = SignInNotice(device.agent, session.ip, session.created_at)
        uow.record(
            NewDeviceSignIn(
                user_id=user.id, session_id=session.id, device=device.agent, network=device.network
            )
        )
        self.postman.new_device(uow, user, link, notice)

    def _devices(
        self, uow: UnitOfWork, user: User, since: datetime | None, limit: int = SEEN_LIMIT
    ) -> set[Device]:
        """The known devices of the owner's stored events since ``since``."""
        devices = set()
        for kind in OWNER_EVENTS:
            query = AuditQuery(user_id=user.id, type=kind, since=since)
            for event in uow.audit.newest(query, limit):
                seen = self.device(event.user_agent, event.ip)
                if seen.known:
                    devices.add(seen)
        return devices
