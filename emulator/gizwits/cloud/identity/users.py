"""App users and their tokens.

Users belong to one application: the same e-mail can exist under two app ids, and a
token only works with the app id it was issued for. Every login issues a new token;
earlier tokens stay valid until their own ``expire_at``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ....core.ids import IdFactory
from ....core.persist import from_rows, rows
from ...errors import ApiError

PROFILE_FIELDS = ("name", "gender", "birthday", "address", "lang", "remark")
MASK = "****"


def mask_name(value: str | None) -> str | None:
    """A username with its middle replaced: ``"gizwits"`` -> ``"g****s"`` (the docs' ``"G****s"``)."""
    if not value:
        return value
    return value[0] + MASK + (value[-1] if len(value) > 1 else "")


def mask_email(value: str | None) -> str | None:
    """The part before ``@`` masked like a username: ``"gizwits@x.com"`` -> ``"g****s@x.com"``."""
    if not value or "@" not in value:
        return mask_name(value)
    local, _, domain = value.partition("@")
    return f"{mask_name(local)}@{domain}"


def mask_phone(value: str | None) -> str | None:
    """Four digits in the middle replaced: ``"18812345678"`` -> ``"188****5678"``."""
    if not value or len(value) <= len(MASK):
        return mask_name(value)
    start = (len(value) - len(MASK)) // 2
    return value[:start] + MASK + value[start + len(MASK):]


@dataclass
class User:
    uid: str
    appid: str
    created_at: float
    username: str | None = None
    email: str | None = None
    phone: str | None = None
    password: str | None = None
    phone_id: str | None = None
    name: str | None = None
    gender: str | None = None
    birthday: str | None = None
    address: str | None = None
    lang: str = "en"
    remark: str | None = None
    is_anonymous: bool = False
    updated_at: float = 0.0

    def profile(self) -> dict[str, Any]:
        """The body of ``GET /app/users``."""
        return {
            "username": self.username,
            "uid": self.uid,
            "phone": self.phone,
            "birthday": self.birthday,
            "address": self.address,
            "lang": self.lang,
            "remark": self.remark,
            "name": self.name,
            "is_anonymous": self.is_anonymous,
            "gender": self.gender,
            "email": self.email,
        }

    def masked(self) -> dict[str, str | None]:
        """``username``, ``email`` and ``phone`` as the cloud shows them to other users."""
        return {"username": mask_name(self.username), "email": mask_email(self.email),
                "phone": mask_phone(self.phone)}

    def shown_as(self) -> str:
        """How the cloud names this user to others: phone, e-mail, username or uid, masked."""
        masked = self.masked()
        return masked["phone"] or masked["email"] or masked["username"] or self.uid


@dataclass(frozen=True)
class Token:
    token: str
    uid: str
    appid: str
    expire_at: int

    def body(self) -> dict[str, Any]:
        return {"token": self.token, "uid": self.uid, "expire_at": self.expire_at}


class UserStore:
    def __init__(self, ids: IdFactory, token_ttl: int) -> None:
        self._ids = ids
        self.token_ttl = token_ttl
        self._users: dict[str, User] = {}
        self._tokens: dict[str, Token] = {}

    def __iter__(self) -> Iterator[User]:
        return iter(self._users.values())

    def __len__(self) -> int:
        return len(self._users)

    def get(self, uid: str) -> User | None:
        return self._users.get(uid)

    def in_app(self, appid: str, uid: str) -> User | None:
        """The user ``uid`` if it belongs to application ``appid``."""
        user = self._users.get(uid)
        return user if user is not None and user.appid == appid else None

    # -- lookups -------------------------------------------------------------------------
    def find(self, appid: str, *, username: str | None = None, email: str | None = None,
             phone: str | None = None) -> User | None:
        for user in self._users.values():
            if user.appid != appid:
                continue
            if username is not None and user.username == username:
                return user
            if email is not None and user.email is not None and user.email.lower() == email.lower():
                return user
            if phone is not None and user.phone == phone:
                return user
        return None

    def check_available(self, appid: str, *, username: str | None = None, email: str | None = None,
                        phone: str | None = None, exclude: User | None = None) -> None:
        """9019 / 9022 / 9018 when a username / e-mail / phone is already taken in this app."""
        for value, key, code in ((username, "username", 9019), (email, "email", 9022), (phone, "phone", 9018)):
            if value is None:
                continue
            other = self.find(appid, **{key: value})
            if other is not None and other is not exclude:
                raise ApiError(code, f"{key} {value!r} is already registered")

    # -- changes -------------------------------------------------------------------------
    def create(self, appid: str, now: float, **fields: Any) -> User:
        self.check_available(appid, username=fields.get("username"), email=fields.get("email"),
                             phone=fields.get("phone"))
        user = User(uid=self._ids.uid(), appid=appid, created_at=now, updated_at=now, **fields)
        self._users[user.uid] = user
        return user

    def authenticate_password(self, appid: str, login: str, password: str) -> User:
        """The user whose username, e-mail or phone is ``login`` and whose password matches."""
        user = (self.find(appid, username=login) or self.find(appid, email=login)
                or self.find(appid, phone=login))
        if user is None or user.password is None or user.password != password:
            raise ApiError(9020)
        return user

    # -- snapshots -----------------------------------------------------------------------
    def dump(self) -> dict[str, Any]:
        return {"users": rows(self._users.values()), "tokens": rows(self._tokens.values())}

    def load(self, data: dict[str, Any]) -> None:
        self._users = {u.uid: u for u in from_rows(User, data["users"])}
        self._tokens = {t.token: t for t in from_rows(Token, data["tokens"])}

    # -- tokens --------------------------------------------------------------------------
    def issue_token(self, user: User, now: float) -> Token:
        token = Token(self._ids.token(), user.uid, user.appid, int(now) + self.token_ttl)
        self._tokens[token.token] = token
        return token

    def tokens_of(self, uid: str) -> list[Token]:
        return [t for t in self._tokens.values() if t.uid == uid]

    def revoke(self, token: str) -> None:
        self._tokens.pop(token, None)

    def authenticate_token(self, appid: str, token: str | None, now: float) -> User:
        """The user of a ``X-Gizwits-User-token``: 9004 if missing/unknown/other app, 9006 if expired."""
        if not token:
            raise ApiError(9004, "missing X-Gizwits-User-token header")
        record = self._tokens.get(token)
        if record is None or record.appid != appid or record.uid not in self._users:
            raise ApiError(9004)
        if record.expire_at <= now:
            raise ApiError(9006)
        return self._users[record.uid]
