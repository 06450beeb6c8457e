"""The core, built from its ports: one area per feature, each use case filled in
by the names of the dependencies it declares.

Adding a use case is writing its dataclass and naming it in its area;
adding an area is one field of ``Core``; adding a port is one field of
``Ports`` and the adapter the composition root hands it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, TypeVar, get_type_hints

from application.accounts import Accounts
from application.audit import Audit
from application.mail import MailFlows
from application.mail.relay import MailDelivery
from application.mailing import LinkLifetimes, Links, Postman, Verification
from application.new_devices import NewDeviceAlerts
from application.passkey_ceremonies import PasskeyCeremonies
from application.password_confirmation import PasswordConfirmation
from application.ports import (
    AccessTokens,
    AttemptCounter,
    Clock,
    Cursors,
    IdGenerator,
    MailComposer,
    Mailer,
    OriginSource,
    PasswordHasher,
    RandomBytes,
    RefreshTokens,
    SecretBox,
    UnitOfWorkFactory,
    UserAgents,
    WebAuthn,
)
from application.posts import Posts
from application.second_factor_codes import SecondFactorCodes
from application.second_factors import SecondFactors
from application.sessions import Sessions
from application.sessions.passkey_login import PasskeyAlone
from application.sessions.password_login import PasswordLogin
from application.sessions.second_step import SecondStep
from application.sessions.tokens import SessionLifetimes, TokenIssuer
from application.throttling import AttemptLimit
from domain.passwords import PasswordPolicy

Area = TypeVar("Area")


@dataclass(frozen=True, slots=True)
class Ports:
    """Everything the core needs from outside: adapters, and the rules set by configuration."""

    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    access_tokens: AccessTokens
    refresh_tokens: RefreshTokens
    clock: Clock
    ids: IdGenerator
    account_attempts: AttemptCounter
    address_attempts: AttemptCounter
    policy: PasswordPolicy
    lifetimes: SessionLifetimes
    composer: MailComposer
    mailer: Mailer
    verification_attempts: AttemptCounter  # verification mails per account
    reset_attempts: AttemptCounter  # reset mails per target address
    link_lifetimes: LinkLifetimes
    delivery: MailDelivery
    email_verification_required: bool
    cursors: Cursors
    origin: OriginSource  # where the current change was asked from
    secret_box: SecretBox  # TOTP secrets sealed, recovery codes digested (MFA_ENCRYPTION_KEY)
    random: RandomBytes
    service_name: str  # the issuer an authenticator app shows
    webauthn: WebAuthn  # passkeys, for the origin of PUBLIC_URL
    user_agents: UserAgents  # a sign-in's browser and system, for new-device alerts


@dataclass(frozen=True, slots=True)
class Core:
    """The feature areas, each a set of use cases."""

    accounts: Accounts
    sessions: Sessions
    mail: MailFlows
    posts: Posts
    audit: Audit
    second_factors: SecondFactors


def assemble(area: type[Area], dependencies: Mapping[str, object]) -> Area:
    """Build ``area``: each of its fields is a use case, made from the
    dependencies named by the use case's own fields."""
    use_cases: dict[str, Any] = {}
    for name, use_case in get_type_hints(area).items():
        needs = [field.name for field in fields(use_case)]
        missing = [need for need in needs if need not in dependencies]
        if missing:
            raise TypeError(f"{area.__name__}.{name} needs {', '.join(missing)}")
        use_cases[name] = use_case(**{need: dependencies[need] for need in needs})
    return area(**use_cases)


def build_core(ports: Ports) -> Core:
    def limit(counter: AttemptCounter, scope: str) -> AttemptLimit:
        return AttemptLimit(counter, ports.uow, scope)

    account_limit = limit(ports.account_attempts, "account")
    address_limit = limit(ports.address_attempts, "address")
    verification_limit = limit(ports.verification_attempts, "verification")
    links = Links(ports.refresh_tokens, ports.link_lifetimes, ports.clock)
    postman = Postman(ports.composer, ports.ids, ports.clock)
    verification = Verification(links, postman, ports.email_verification_required)
    password_login = PasswordLogin(
        ports.uow,
        ports.hasher,
        ports.clock,
        account_limit,
        address_limit,
        verification,
        verification_limit,
        NewDeviceAlerts(ports.user_agents, links, postman),
    )
    ceremonies = PasskeyCeremonies(ports.webauthn, ports.random, ports.clock)
    codes = SecondFactorCodes(ports.secret_box, ports.random, ports.clock, ceremonies)
    dependencies = {field.name: getattr(ports, field.name) for field in fields(ports)} | {
        "issuer": TokenIssuer(ports.access_tokens, ports.refresh_tokens, ports.lifetimes),
        "account_limit": account_limit,
        "address_limit": address_limit,
        "verification_limit": verification_limit,
        "reset_limit": limit(ports.reset_attempts, "reset"),
        "links": links,
        "postman": postman,
        "verification": verification,
        "confirmation": PasswordConfirmation(ports.uow, ports.hasher, account_limit, address_limit),
        "password_login": password_login,
        "codes": codes,
        "ceremonies": ceremonies,
        "passkey_alone": PasskeyAlone(
            ports.uow, ceremonies, ports.webauthn, password_login, address_limit
        ),
        "second_step": SecondStep(
            ports.uow,
            ports.refresh_tokens,
            ports.clock,
            codes,
            password_login,
            account_limit,
            address_limit,
        ),
    }
    return Core(
        accounts=assemble(Accounts, dependencies),
        sessions=assemble(Sessions, dependencies),
        mail=assemble(MailFlows, dependencies),
        posts=assemble(Posts, dependencies),
        audit=assemble(Audit, dependencies),
        second_factors=assemble(SecondFactors, dependencies),
    )
