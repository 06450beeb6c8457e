"""The device a sign-in came from, as coarsely as a new-device alert needs
it (S52): the browser family and operating system, and the client's
network. Coarse on purpose: a browser's update or a new address from the
same provider's block is the same device; another browser, system or
network is a new one."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import timedelta

NEW_DEVICE_WINDOW = timedelta(days=90)  # a device unseen for longer is new again
IPV4_PREFIX, IPV6_PREFIX = 24, 48


@dataclass(frozen=True, slots=True)
class Device:
    agent: str  # "Chrome on Linux"; "" when the user agent says nothing known
    network: str  # "203.0.113.0/24", "2001:db8:1::/48"; "" without an address

    @property
    def known(self) -> bool:
        """Whether there is anything to tell this device from another by."""
        return bool(self.agent or self.network)


def network_of(ip: str | None) -> str:
    """The /24 (IPv4) or /48 (IPv6) network of ``ip``; "" if it is no address."""
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
