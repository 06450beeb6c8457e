from __future__ import annotations

from dataclasses import dataclass

from application.caller import Caller
from application.ports import AccessTokens, Clock, UnitOfWorkFactory
from domain.errors import InvalidToken


@dataclass(frozen=True, slots=True)
class Authenticate:
    """Turn a bearer token into the ``Caller`` of a request.

    The signature alone is not enough: the token's session must still be
    active and its user active, so logout, password change, deactivation and
    deletion end a token at once rather than at its expiry (S20).
    """

    uow: UnitOfWorkFactory
    access_tokens: AccessTokens
    clock: Clock

    def __call__(self, token: str) -> Caller:
        claims = self.access_tokens.decode(token)
        with self.uow(read_only=True) as uow:
            found = uow.sessions.get_with_user(claims.session_id)
        if found is None:
            raise InvalidToken()
        session, user = found
        if (
            user.id != claims.user_id
            or not session.is_active(self.clock.now())
            or not user.is_active
        ):
            raise InvalidToken()
        return Caller(user=user, session_id=session.id)
