"""What the cloud knows of one ``/api/ws`` session: which account and app it went online as."""

from __future__ import annotations

from msgspec import Struct

from ...core.sessions import Session

#: Session owners in the shared registry are ``ewelink:<apikey>`` (the other cloud keys its own).
OWNER_PREFIX = "ewelink:"


class Login(Struct):
    apikey: str
    appid: str


class EwelinkState(Struct):
    login: Login | None = None
    #: Successful ``userOnline`` on this socket so far.
    logins: int = 0


def state_of(session: Session) -> EwelinkState:
    state = session.state
    if not isinstance(state, EwelinkState):
        state = session.state = EwelinkState()
    return state


def owner_key(apikey: str) -> str:
    return OWNER_PREFIX + apikey
