"""The ``UserAgents`` port with ua-parser: a browser's family and system,
without versions, for new-device alerts (S52)."""

from __future__ import annotations

from functools import lru_cache

from ua_parser import parse

UNKNOWN = "Other"  # ua-parser's family for what it does not know


class UaParserUserAgents:
    def family(self, user_agent: str) -> str:
        return _family(user_agent)


@lru_cache(maxsize=4096)
def _family(user_agent: str) -> str:
    parsed = parse(user_agent)
    agent = parsed.user_agent.family if parsed.user_agent else UNKNOWN
    system = parsed.os.family if parsed.os else UNKNOWN
    known = [name for name in (agent, system) if name != UNKNOWN]
    return " on ".join(known)
