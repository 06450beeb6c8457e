"""An account's second factors: its TOTP authenticator and its recovery codes.

The TOTP secret is kept sealed (S47): this module holds it as the adapter
sealed it and never sees it in the clear; the use cases open it through the
``SecretBox`` port when a code is checked. A recovery code is kept only as
its hash (S48).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(slots=True)
class TotpFactor:
    """An authenticator app bound to an account. It counts only once a first
    code confirmed it (``confirmed_at``); until then it is an enrolment."""

    user_id: UUID
    sealed_secret: str
    created_at: datetime
    confirmed_at: datetime | None = None
    last_used_step: int | None = None  # the newest time step accepted: no replay (S47)


@dataclass(frozen=True, slots=True)
class RecoveryCode:
    user_id: UUID
    code_hash: str
    created_at: datetime
    used_at: datetime | None = None
