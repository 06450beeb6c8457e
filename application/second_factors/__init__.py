"""Second factors: an authenticator app (TOTP) with its recovery codes,
passkeys, and an admin's reset. A login's second step is the sessions' (it opens a session)."""

from __future__ import annotations

from dataclasses import dataclass

from application.second_factors.admin_reset import ResetSecondFactors
from application.second_factors.passkeys import (
    AddPasskey,
    ListPasskeys,
    PasskeyRegistrationOptions,
    RemovePasskey,
    RenamePasskey,
)
from application.second_factors.recovery import RenewRecoveryCodes
from application.second_factors.status import SecondFactorStatus
from application.second_factors.totp import ConfirmTotp, DisableTotp, StartTotp


@dataclass(frozen=True, slots=True)
class SecondFactors:
    """The area's use cases; each field is built from the dependencies its type names."""

    start_totp: StartTotp
    confirm_totp: ConfirmTotp
    disable_totp: DisableTotp
    renew_recovery_codes: RenewRecoveryCodes
    passkey_options: PasskeyRegistrationOptions
    add_passkey: AddPasskey
    list_passkeys: ListPasskeys
    rename_passkey: RenamePasskey
    remove_passkey: RemovePasskey
    reset: ResetSecondFactors
    status: SecondFactorStatus
