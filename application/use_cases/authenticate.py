from __future__ import annotations

from application.ports import AccessTokens, Clock, UnitOfWorkFactory
from application.results import Actor
from domain.errors import InvalidToken


class Authenticate:
    """Turn a bearer token into the ``Actor`` of a request.

    The signature alone is not enough: the token's session must still be
    active and its user active, so logout, password change, deactivation and
    deletion end a token at once rather than at its expiry (S20).
    """

    def __init__(self, uow: UnitOfWorkFactory, access_tokens: AccessTokens, clock: Clock) -> None:
        self._uow = uow
        self._access_tokens = access_tokens
        self._clock = clock

    def __call__(self, token: str) -> Actor:
        claims = self._access_tokens.decode(token)
        with self._uow(read_only=True) as uow:
            found = uow.sessions.get_with_user(claims.session_id)
        if found is None:
            raise InvalidToken()
        session, user = found
        if (
            user.id != claims.user_id
            or not session.is_active(self._clock.now())
            or not user.is_active
        ):
            raise InvalidToken()
        return Actor(user=user, session_id=session.id)
